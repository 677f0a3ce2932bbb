package dev.orgplane.org.serviceuser;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.org.OrgServiceHarness.Account;
import dev.orgplane.org.OrgServiceTest;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A credential reaches no more than its maker, after the making too: a change that raises its service user above the
 * maker revokes it, where the credential went on signing in with what the maker never held.
 */
class CredentialReachTest extends OrgServiceTest {

  private static final JsonArray USER_MANAGER = new JsonArray().add("app_organization_get")
      .add("app_organization_userlist").add("app_organization_usermanage").add("app_group_list");

  @Test
  void raisingAServiceUserAboveItsMakerRevokesWhatTheyMade() {
    var owner = org.newUser("owner");
    var orgId = newOrg(owner);
    var maker = userManager(owner, orgId);
    var base = "/v1/organizations/" + orgId + "/service-users";
    var sid = createServiceUser(maker, base, new JsonArray().add("member"));
    var makers = credential(maker, base, sid);
    var owners = credential(owner, base, sid);
    var signedIn = org.clientCredentials(makers.getString("clientId"), makers.getString("clientSecret"))
        .bodyAsJsonObject().getString("access_token");

    var raised = org.send(HttpMethod.PUT, "/v1/organizations/" + orgId + "/users/" + sid + "/roles", owner.token(),
        new JsonObject().put("roles", new JsonArray().add("manager")));
    assertEquals(200, raised.statusCode(), raised.bodyAsString());

    assertProblem(org.clientCredentials(makers.getString("clientId"), makers.getString("clientSecret")), 401,
        "invalid_client");
    assertProblem(org.get("/v1/organizations/" + orgId, signedIn), 401, "invalid_token");
    assertEquals(200, org.clientCredentials(owners.getString("clientId"), owners.getString("clientSecret"))
        .statusCode(), "the owner still outranks the service user");
    var revoked = org.audited(owner.token(), orgId, "service_user.credential_revoked");
    assertEquals(1, revoked.size(), revoked.encode());
    assertEquals(new JsonObject().put("clientId", makers.getString("clientId")).put("reason", "maker_outranked"),
        revoked.getJsonObject(0).getJsonObject("details"));
    assertEquals("service_user:" + sid, revoked.getJsonObject(0).getString("target"));
  }

  @Test
  void wideningARoleAServiceUserHoldsRevokesWhatMakersBelowItMade() {
    var owner = org.newUser("owner");
    var orgId = newOrg(owner);
    var roles = "/v1/organizations/" + orgId + "/roles";
    var bot = org.post(roles, owner.token(), new JsonObject().put("name", "bot")
        .put("permissions", new JsonArray().add("app_organization_get")));
    assertEquals(201, bot.statusCode(), bot.bodyAsString());
    var maker = userManager(owner, orgId);
    var base = "/v1/organizations/" + orgId + "/service-users";
    var sid = createServiceUser(maker, base, new JsonArray().add("bot"));
    var makers = credential(maker, base, sid);

    var renamed = org.send(HttpMethod.PATCH, roles + "/" + bot.bodyAsJsonObject().getString("id"), owner.token(),
        new JsonObject().put("title", "Bot"));
    assertEquals(200, renamed.statusCode(), renamed.bodyAsString());
    assertEquals(200, org.clientCredentials(makers.getString("clientId"), makers.getString("clientSecret"))
        .statusCode(), "a change that gives the role nothing more leaves the credential");

    var widened = org.send(HttpMethod.PATCH, roles + "/" + bot.bodyAsJsonObject().getString("id"), owner.token(),
        new JsonObject().put("permissions", new JsonArray().add("app_organization_get").add("app_audit_list")));
    assertEquals(200, widened.statusCode(), widened.bodyAsString());
    assertProblem(org.clientCredentials(makers.getString("clientId"), makers.getString("clientSecret")), 401,
        "invalid_client");
  }

  /** A batch import widens and renames at once: the holders, under the role's new name, are asked about. */
  @Test
  void aBatchImportWideningARoleItRenamesRevokesWhatMakersBelowItMade() {
    var owner = org.newUser("owner");
    var orgId = newOrg(owner);
    var roleId = UUID.randomUUID().toString();
    var roles = "/v1/organizations/" + orgId + "/roles:batch";
    var made = org.post(roles, owner.token(), new JsonObject().put("items", new JsonArray().add(new JsonObject()
        .put("id", roleId).put("name", "bot").put("permissions", new JsonArray().add("app_organization_get")))));
    assertEquals(200, made.statusCode(), made.bodyAsString());
    var maker = userManager(owner, orgId);
    var base = "/v1/organizations/" + orgId + "/service-users";
    var sid = createServiceUser(maker, base, new JsonArray().add("bot"));
    var makers = credential(maker, base, sid);
    var owners = credential(owner, base, sid);

    var widened = org.post(roles, owner.token(), new JsonObject().put("items", new JsonArray().add(new JsonObject()
        .put("id", roleId).put("name", "robot")
        .put("permissions", new JsonArray().add("app_organization_get").add("app_audit_list")))));
    assertEquals(200, widened.statusCode(), widened.bodyAsString());
    assertProblem(org.clientCredentials(makers.getString("clientId"), makers.getString("clientSecret")), 401,
        "invalid_client");
    assertEquals(200, org.clientCredentials(owners.getString("clientId"), owners.getString("clientSecret"))
        .statusCode());
  }

  @Test
  void removingAMakerRevokesWhatTheyMade() {
    var owner = org.newUser("owner");
    var orgId = newOrg(owner);
    var maker = userManager(owner, orgId);
    var base = "/v1/organizations/" + orgId + "/service-users";
    var sid = createServiceUser(maker, base, new JsonArray().add("member"));
    var makers = credential(maker, base, sid);
    var owners = credential(owner, base, sid);
    var signedIn = signIn(makers);

    var removed = org.send(HttpMethod.DELETE, "/v1/organizations/" + orgId + "/users/" + maker.id(), owner.token(),
        null);
    assertEquals(204, removed.statusCode(), removed.bodyAsString());

    assertProblem(org.clientCredentials(makers.getString("clientId"), makers.getString("clientSecret")), 401,
        "invalid_client");
    assertProblem(org.get("/v1/organizations/" + orgId, signedIn), 401, "invalid_token");
    assertEquals(200, org.clientCredentials(owners.getString("clientId"), owners.getString("clientSecret"))
        .statusCode(), "the owner is still there");
    assertRevokedAsOutranked(owner, orgId, sid, makers);
  }

  @Test
  void aMakerLeavingRevokesWhatTheyMade() {
    var owner = org.newUser("owner");
    var orgId = newOrg(owner);
    var maker = userManager(owner, orgId);
    var base = "/v1/organizations/" + orgId + "/service-users";
    var sid = createServiceUser(maker, base, new JsonArray().add("member"));
    var makers = credential(maker, base, sid);

    var left = org.send(HttpMethod.DELETE, "/v1/organizations/" + orgId + "/users/" + maker.id(), maker.token(), null);
    assertEquals(204, left.statusCode(), left.bodyAsString());

    assertProblem(org.clientCredentials(makers.getString("clientId"), makers.getString("clientSecret")), 401,
        "invalid_client");
    assertRevokedAsOutranked(owner, orgId, sid, makers);
  }

  @Test
  void demotingAMakerRevokesWhatTheyMadeBeyondTheirNewRoles() {
    var owner = org.newUser("owner");
    var orgId = newOrg(owner);
    var maker = org.newUser("maker");
    org.addMembers(orgId, List.of(maker.id()), "manager");
    var base = "/v1/organizations/" + orgId + "/service-users";
    var beyond = createServiceUser(maker, base, new JsonArray().add("manager"));
    var beyondMakers = credential(maker, base, beyond);
    var within = createServiceUser(maker, base, new JsonArray().add("viewer"));
    var withinMakers = credential(maker, base, within);

    var demoted = org.send(HttpMethod.PUT, "/v1/organizations/" + orgId + "/users/" + maker.id() + "/roles",
        owner.token(), new JsonObject().put("roles", new JsonArray().add("viewer")));
    assertEquals(200, demoted.statusCode(), demoted.bodyAsString());

    assertProblem(org.clientCredentials(beyondMakers.getString("clientId"), beyondMakers.getString("clientSecret")),
        401, "invalid_client");
    assertEquals(200, org.clientCredentials(withinMakers.getString("clientId"), withinMakers.getString("clientSecret"))
        .statusCode(), "a viewer still holds all a viewer service user holds");
    assertRevokedAsOutranked(owner, orgId, beyond, beyondMakers);
  }

  @Test
  void narrowingARoleAMakerHoldsRevokesWhatTheyMadeBeyondIt() {
    var owner = org.newUser("owner");
    var orgId = newOrg(owner);
    var roles = "/v1/organizations/" + orgId + "/roles";
    assertEquals(201, org.post(roles, owner.token(), new JsonObject().put("name", "bot")
        .put("permissions", new JsonArray().add("app_organization_get").add("app_group_list"))).statusCode());
    var roleName = "usermanager-" + UUID.randomUUID().toString().substring(0, 8);
    var role = org.post(roles, owner.token(), new JsonObject().put("name", roleName).put("permissions", USER_MANAGER));
    assertEquals(201, role.statusCode(), role.bodyAsString());
    var maker = org.newUser("usermanager");
    org.addMembers(orgId, List.of(maker.id()), roleName);
    var base = "/v1/organizations/" + orgId + "/service-users";
    var sid = createServiceUser(maker, base, new JsonArray().add("bot"));
    var makers = credential(maker, base, sid);

    var narrowed = org.send(HttpMethod.PATCH, roles + "/" + role.bodyAsJsonObject().getString("id"), owner.token(),
        new JsonObject().put("permissions", new JsonArray().add("app_organization_get")
            .add("app_organization_userlist").add("app_organization_usermanage")));
    assertEquals(200, narrowed.statusCode(), narrowed.bodyAsString());

    assertProblem(org.clientCredentials(makers.getString("clientId"), makers.getString("clientSecret")), 401,
        "invalid_client");
    assertRevokedAsOutranked(owner, orgId, sid, makers);
  }

  @Test
  void revokingAGroupAdminRevokesWhatTheyMadeInTheGroupsOrganizations() {
    var admin = org.platformAdminToken();
    var group = org.post("/v1/organization-groups", admin, new JsonObject().put("name", "reach " + UUID.randomUUID()))
        .bodyAsJsonObject();
    var groupAdmin = org.newVerifiedUser("groupadmin");
    assertEquals(204, org.send(HttpMethod.PUT, "/v1/organization-groups/" + group.getString("id") + "/admins/"
        + groupAdmin.id(), admin, null).statusCode());
    var owner = org.newUser("owner");
    var made = org.send(HttpMethod.POST, "/v1/organizations", owner.token(), new JsonObject()
            .put("name", "reach-" + UUID.randomUUID().toString().substring(0, 8)).put("title", "Reach")
            .put("groupId", group.getString("id")),
        MultiMap.caseInsensitiveMultiMap().add("X-Create-Key", group.getString("createKey")));
    assertEquals(201, made.statusCode(), made.bodyAsString());
    var orgId = made.bodyAsJsonObject().getString("id");
    var base = "/v1/organizations/" + orgId + "/service-users";
    var sid = createServiceUser(groupAdmin, base, new JsonArray().add("manager"));
    var admins = credential(groupAdmin, base, sid);

    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organization-groups/" + group.getString("id") + "/admins/"
        + groupAdmin.id(), admin, null).statusCode());

    assertProblem(org.clientCredentials(admins.getString("clientId"), admins.getString("clientSecret")), 401,
        "invalid_client");
    assertRevokedAsOutranked(owner, orgId, sid, admins);
  }

  @Test
  void deletingAMakersAccountRevokesWhatTheyMade() {
    var owner = org.newUser("owner");
    var orgId = newOrg(owner);
    var maker = userManager(owner, orgId);
    var base = "/v1/organizations/" + orgId + "/service-users";
    var sid = createServiceUser(maker, base, new JsonArray().add("member"));
    var makers = credential(maker, base, sid);

    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/users/" + maker.id(), org.platformAdminToken(), null)
        .statusCode());

    assertProblem(org.clientCredentials(makers.getString("clientId"), makers.getString("clientSecret")), 401,
        "invalid_client");
    assertRevokedAsOutranked(owner, orgId, sid, makers);
  }

  /** An import giving a maker lesser roles ranks what they made as a change of their roles does. */
  @Test
  void anImportDemotingAMakerRevokesWhatTheyMadeBeyondTheirNewRoles() {
    var owner = org.newUser("owner");
    var orgId = newOrg(owner);
    var maker = org.newUser("maker");
    org.addMembers(orgId, List.of(maker.id()), "manager");
    var base = "/v1/organizations/" + orgId + "/service-users";
    var sid = createServiceUser(maker, base, new JsonArray().add("manager"));
    var makers = credential(maker, base, sid);

    var imported = org.post("/v1/organizations/" + orgId + "/users:batch", owner.token(), new JsonObject()
        .put("items", new JsonArray().add(new JsonObject().put("id", maker.id())
            .put("roles", new JsonArray().add("viewer")))));
    assertEquals(200, imported.statusCode(), imported.bodyAsString());

    assertProblem(org.clientCredentials(makers.getString("clientId"), makers.getString("clientSecret")), 401,
        "invalid_client");
  }

  private String signIn(JsonObject credential) {
    var signedIn = org.clientCredentials(credential.getString("clientId"), credential.getString("clientSecret"));
    assertEquals(200, signedIn.statusCode(), signedIn.bodyAsString());
    return signedIn.bodyAsJsonObject().getString("access_token");
  }

  /** The one credential revoked in the organization is {@code credential}, audited as beyond its maker. */
  private void assertRevokedAsOutranked(Account owner, String orgId, String sid, JsonObject credential) {
    var revoked = org.audited(owner.token(), orgId, "service_user.credential_revoked");
    assertEquals(1, revoked.size(), revoked.encode());
    assertEquals(new JsonObject().put("clientId", credential.getString("clientId")).put("reason", "maker_outranked"),
        revoked.getJsonObject(0).getJsonObject("details"));
    assertEquals("service_user:" + sid, revoked.getJsonObject(0).getString("target"));
  }

  private String newOrg(Account owner) {
    return org.createOrg(owner.token(), "reach-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
  }

  /** A member holding a custom role that manages the organization's users, and no more. */
  private Account userManager(Account owner, String orgId) {
    var name = "usermanager-" + UUID.randomUUID().toString().substring(0, 8);
    var role = org.post("/v1/organizations/" + orgId + "/roles", owner.token(),
        new JsonObject().put("name", name).put("permissions", USER_MANAGER));
    assertEquals(201, role.statusCode(), role.bodyAsString());
    var manager = org.newUser("usermanager");
    org.addMembers(orgId, List.of(manager.id()), name);
    return manager;
  }

  private String createServiceUser(Account maker, String base, JsonArray roles) {
    var created = org.post(base, maker.token(), new JsonObject().put("name", "bot").put("roles", roles));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject().getString("id");
  }

  private JsonObject credential(Account maker, String base, String sid) {
    var made = org.post(base + "/" + sid + "/credentials", maker.token(), null);
    assertEquals(201, made.statusCode(), made.bodyAsString());
    return made.bodyAsJsonObject();
  }
}
