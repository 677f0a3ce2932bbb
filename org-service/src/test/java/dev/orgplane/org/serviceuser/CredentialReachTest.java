package dev.orgplane.org.serviceuser;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.testing.Eventually;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.kit.testing.UncommittedTransaction;
import dev.orgplane.org.OrgServiceHarness.Account;
import dev.orgplane.org.OrgServiceTest;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A credential reaches no more than its maker, after the making too: a change that raises its service user above the
 * maker revokes it, where the credential went on signing in with what the maker never held.
 */
class CredentialReachTest extends OrgServiceTest {

  private static final JsonArray USER_MANAGER = new JsonArray().add("app_organization_get")
      .add("app_organization_userlist").add("app_organization_usermanage").add("app_group_list");

  /** A service user and the credential of it its maker made. */
  private record Made(String sid, JsonObject credential) {
  }

  @Test
  void raisingAServiceUserAboveItsMakerRevokesWhatTheyMade() {
    var owner = org.newUser("owner");
    var orgId = newOrg(owner);
    var makers = madeBy(userManager(owner, orgId), orgId, "member");
    var owners = credential(owner, orgId, makers.sid());
    var signedIn = signIn(makers.credential());

    var raised = org.send(HttpMethod.PUT, "/v1/organizations/" + orgId + "/users/" + makers.sid() + "/roles",
        owner.token(), new JsonObject().put("roles", new JsonArray().add("manager")));
    assertEquals(200, raised.statusCode(), raised.bodyAsString());

    assertRefused(makers.credential());
    assertProblem(org.get("/v1/organizations/" + orgId, signedIn), 401, "invalid_token");
    assertSignsIn(owners, "the owner still outranks the service user");
    assertRevokedAsOutranked(owner, orgId, makers);
  }

  @Test
  void wideningARoleAServiceUserHoldsRevokesWhatMakersBelowItMade() {
    var owner = org.newUser("owner");
    var orgId = newOrg(owner);
    var bot = roles(orgId) + "/" + newRole(owner, orgId, "bot", new JsonArray().add("app_organization_get"));
    var makers = madeBy(userManager(owner, orgId), orgId, "bot");

    var renamed = org.send(HttpMethod.PATCH, bot, owner.token(), new JsonObject().put("title", "Bot"));
    assertEquals(200, renamed.statusCode(), renamed.bodyAsString());
    assertSignsIn(makers.credential(), "a change that gives the role nothing more leaves the credential");

    var widened = org.send(HttpMethod.PATCH, bot, owner.token(),
        new JsonObject().put("permissions", new JsonArray().add("app_organization_get").add("app_audit_list")));
    assertEquals(200, widened.statusCode(), widened.bodyAsString());
    assertRefused(makers.credential());
  }

  /** A batch import widens and renames at once: the holders, under the role's new name, are asked about. */
  @Test
  void aBatchImportWideningARoleItRenamesRevokesWhatMakersBelowItMade() {
    var owner = org.newUser("owner");
    var orgId = newOrg(owner);
    var roleId = UUID.randomUUID().toString();
    var batch = roles(orgId) + ":batch";
    var made = org.post(batch, owner.token(), new JsonObject().put("items", new JsonArray().add(new JsonObject()
        .put("id", roleId).put("name", "bot").put("permissions", new JsonArray().add("app_organization_get")))));
    assertEquals(200, made.statusCode(), made.bodyAsString());
    var makers = madeBy(userManager(owner, orgId), orgId, "bot");
    var owners = credential(owner, orgId, makers.sid());

    var widened = org.post(batch, owner.token(), new JsonObject().put("items", new JsonArray().add(new JsonObject()
        .put("id", roleId).put("name", "robot")
        .put("permissions", new JsonArray().add("app_organization_get").add("app_audit_list")))));
    assertEquals(200, widened.statusCode(), widened.bodyAsString());
    assertRefused(makers.credential());
    assertSignsIn(owners, "the owner still outranks the service user");
  }

  @Test
  void removingAMakerRevokesWhatTheyMade() {
    var owner = org.newUser("owner");
    var orgId = newOrg(owner);
    var maker = userManager(owner, orgId);
    var makers = madeBy(maker, orgId, "member");
    var owners = credential(owner, orgId, makers.sid());
    var signedIn = signIn(makers.credential());

    var removed = org.send(HttpMethod.DELETE, "/v1/organizations/" + orgId + "/users/" + maker.id(), owner.token(),
        null);
    assertEquals(204, removed.statusCode(), removed.bodyAsString());

    assertRefused(makers.credential());
    assertProblem(org.get("/v1/organizations/" + orgId, signedIn), 401, "invalid_token");
    assertSignsIn(owners, "the owner is still there");
    assertRevokedAsOutranked(owner, orgId, makers);
  }

  @Test
  void aMakerLeavingRevokesWhatTheyMade() {
    var owner = org.newUser("owner");
    var orgId = newOrg(owner);
    var maker = userManager(owner, orgId);
    var makers = madeBy(maker, orgId, "member");

    var left = org.send(HttpMethod.DELETE, "/v1/organizations/" + orgId + "/users/" + maker.id(), maker.token(), null);
    assertEquals(204, left.statusCode(), left.bodyAsString());

    assertRefused(makers.credential());
    assertRevokedAsOutranked(owner, orgId, makers);
  }

  @Test
  void demotingAMakerRevokesWhatTheyMadeBeyondTheirNewRoles() {
    var owner = org.newUser("owner");
    var orgId = newOrg(owner);
    var maker = member(orgId, "maker", "manager");
    var beyond = madeBy(maker, orgId, "manager");
    var within = madeBy(maker, orgId, "viewer");

    var demoted = org.send(HttpMethod.PUT, "/v1/organizations/" + orgId + "/users/" + maker.id() + "/roles",
        owner.token(), new JsonObject().put("roles", new JsonArray().add("viewer")));
    assertEquals(200, demoted.statusCode(), demoted.bodyAsString());

    assertRefused(beyond.credential());
    assertSignsIn(within.credential(), "a viewer still holds all a viewer service user holds");
    assertRevokedAsOutranked(owner, orgId, beyond);
  }

  @Test
  void narrowingARoleAMakerHoldsRevokesWhatTheyMadeBeyondIt() {
    var owner = org.newUser("owner");
    var orgId = newOrg(owner);
    newRole(owner, orgId, "bot", new JsonArray().add("app_organization_get").add("app_group_list"));
    var roleName = "usermanager-" + UUID.randomUUID().toString().substring(0, 8);
    var role = roles(orgId) + "/" + newRole(owner, orgId, roleName, USER_MANAGER);
    var makers = madeBy(member(orgId, "usermanager", roleName), orgId, "bot");

    var narrowed = org.send(HttpMethod.PATCH, role, owner.token(),
        new JsonObject().put("permissions", new JsonArray().add("app_organization_get")
            .add("app_organization_userlist").add("app_organization_usermanage")));
    assertEquals(200, narrowed.statusCode(), narrowed.bodyAsString());

    assertRefused(makers.credential());
    assertRevokedAsOutranked(owner, orgId, makers);
  }

  @Test
  void revokingAGroupAdminRevokesWhatTheyMadeInTheGroupsOrganizations() {
    var admin = org.platformAdminToken();
    var group = org.post("/v1/organization-groups", admin, new JsonObject().put("name", "reach " + UUID.randomUUID()))
        .bodyAsJsonObject();
    var groupAdmin = org.newVerifiedUser("groupadmin");
    var adminship = "/v1/organization-groups/" + group.getString("id") + "/admins/" + groupAdmin.id();
    assertEquals(204, org.send(HttpMethod.PUT, adminship, admin, null).statusCode());
    var owner = org.newUser("owner");
    var made = org.send(HttpMethod.POST, "/v1/organizations", owner.token(), new JsonObject()
            .put("name", "reach-" + UUID.randomUUID().toString().substring(0, 8)).put("title", "Reach")
            .put("groupId", group.getString("id")),
        MultiMap.caseInsensitiveMultiMap().add("X-Create-Key", group.getString("createKey")));
    assertEquals(201, made.statusCode(), made.bodyAsString());
    var orgId = made.bodyAsJsonObject().getString("id");
    var admins = madeBy(groupAdmin, orgId, "manager");

    assertEquals(204, org.send(HttpMethod.DELETE, adminship, admin, null).statusCode());

    assertRefused(admins.credential());
    assertRevokedAsOutranked(owner, orgId, admins);
  }

  /**
   * A group admin's revocation (replayed: the group's row held, the adminship deleted, their credentials ranked against
   * the service users as they were) under way while an owner raises a service user the admin made a credential of
   * above what the admin holds as a member: the raise waits for the revocation, then ranks the credential against a
   * maker no longer a group admin, and revokes it. Until session 39 neither waited for the other, each ranked it
   * against what the other had not yet committed, and the credential signed in above its maker.
   */
  @Test
  void raisingAServiceUserWhileItsMakersGroupAdminshipIsRevokedRevokesWhatTheyMade() throws Exception {
    var admin = org.platformAdminToken();
    var groupId = org.post("/v1/organization-groups", admin, new JsonObject().put("name", "reach " + UUID.randomUUID()))
        .bodyAsJsonObject().getString("id");
    var groupAdmin = org.newVerifiedUser("groupadmin");
    assertEquals(204, org.send(HttpMethod.PUT, "/v1/organization-groups/" + groupId + "/admins/" + groupAdmin.id(),
        admin, null).statusCode());
    var orgId = org.createOrg(groupAdmin.token(), "reach-" + UUID.randomUUID().toString().substring(0, 8), groupId)
        .getString("id");
    var owner = member(orgId, "owner", "owner");
    var demoted = org.send(HttpMethod.PUT, "/v1/organizations/" + orgId + "/users/" + groupAdmin.id() + "/roles",
        owner.token(), new JsonObject().put("roles", new JsonArray().add("viewer")));
    assertEquals(200, demoted.statusCode(), demoted.bodyAsString());
    var created = org.post(serviceUsers(orgId), owner.token(), new JsonObject().put("name", "bot")
        .put("roles", new JsonArray().add("viewer")));
    var sid = created.bodyAsJsonObject().getString("id");
    var admins = credential(groupAdmin, orgId, sid);

    try (var revocation = UncommittedTransaction.begin(org.db())) {
      revocation.run("SELECT FROM org.organization_groups WHERE id = ?::uuid FOR UPDATE", groupId);
      revocation.run("DELETE FROM org.group_admins WHERE group_id = ?::uuid AND user_id = ?::uuid", groupId,
          groupAdmin.id());
      var raised = CompletableFuture.supplyAsync(() -> org.send(HttpMethod.PUT, "/v1/organizations/" + orgId
          + "/users/" + sid + "/roles", owner.token(), new JsonObject().put("roles", new JsonArray().add("manager"))),
          task -> new Thread(task).start());
      Eventually.holds(() -> raised.isDone() || PgFixture.lockWaits(org.db()) >= 1, "the raise neither waits nor ends");
      revocation.commit();
      assertEquals(200, raised.get(20, TimeUnit.SECONDS).statusCode());
    }
    assertRefused(admins);
  }

  @Test
  void deletingAMakersAccountRevokesWhatTheyMade() {
    var owner = org.newUser("owner");
    var orgId = newOrg(owner);
    var maker = userManager(owner, orgId);
    var makers = madeBy(maker, orgId, "member");

    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/users/" + maker.id(), org.platformAdminToken(), null)
        .statusCode());

    assertRefused(makers.credential());
    assertRevokedAsOutranked(owner, orgId, makers);
  }

  /** An import giving a maker lesser roles ranks what they made as a change of their roles does. */
  @Test
  void anImportDemotingAMakerRevokesWhatTheyMadeBeyondTheirNewRoles() {
    var owner = org.newUser("owner");
    var orgId = newOrg(owner);
    var maker = member(orgId, "maker", "manager");
    var makers = madeBy(maker, orgId, "manager");

    var imported = org.post("/v1/organizations/" + orgId + "/users:batch", owner.token(), new JsonObject()
        .put("items", new JsonArray().add(new JsonObject().put("id", maker.id())
            .put("roles", new JsonArray().add("viewer")))));
    assertEquals(200, imported.statusCode(), imported.bodyAsString());

    assertRefused(makers.credential());
  }

  private String signIn(JsonObject credential) {
    var signedIn = org.clientCredentials(credential.getString("clientId"), credential.getString("clientSecret"));
    assertEquals(200, signedIn.statusCode(), signedIn.bodyAsString());
    return signedIn.bodyAsJsonObject().getString("access_token");
  }

  private void assertSignsIn(JsonObject credential, String why) {
    assertEquals(200, org.clientCredentials(credential.getString("clientId"), credential.getString("clientSecret"))
        .statusCode(), why);
  }

  /** The credential no longer signs in: it was revoked. */
  private void assertRefused(JsonObject credential) {
    assertProblem(org.clientCredentials(credential.getString("clientId"), credential.getString("clientSecret")), 401,
        "invalid_client");
  }

  /** The one credential revoked in the organization is {@code made}'s, audited as beyond its maker. */
  private void assertRevokedAsOutranked(Account owner, String orgId, Made made) {
    var revoked = org.audited(owner.token(), orgId, "service_user.credential_revoked");
    assertEquals(1, revoked.size(), revoked.encode());
    assertEquals(new JsonObject().put("clientId", made.credential().getString("clientId"))
        .put("reason", "maker_outranked"), revoked.getJsonObject(0).getJsonObject("details"));
    assertEquals("service_user:" + made.sid(), revoked.getJsonObject(0).getString("target"));
  }

  private String newOrg(Account owner) {
    return org.createOrg(owner.token(), "reach-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
  }

  private static String roles(String orgId) {
    return "/v1/organizations/" + orgId + "/roles";
  }

  private static String serviceUsers(String orgId) {
    return "/v1/organizations/" + orgId + "/service-users";
  }

  /** A custom role of the organization; answers its id. */
  private String newRole(Account owner, String orgId, String name, JsonArray permissions) {
    var role = org.post(roles(orgId), owner.token(), new JsonObject().put("name", name)
        .put("permissions", permissions));
    assertEquals(201, role.statusCode(), role.bodyAsString());
    return role.bodyAsJsonObject().getString("id");
  }

  /** A new user, a member of the organization holding {@code role}. */
  private Account member(String orgId, String label, String role) {
    var member = org.newUser(label);
    org.addMembers(orgId, List.of(member.id()), role);
    return member;
  }

  /** A member holding a custom role that manages the organization's users, and no more. */
  private Account userManager(Account owner, String orgId) {
    var name = "usermanager-" + UUID.randomUUID().toString().substring(0, 8);
    newRole(owner, orgId, name, USER_MANAGER);
    return member(orgId, "usermanager", name);
  }

  /** A service user holding {@code role} that {@code maker} made, and a credential of it they made. */
  private Made madeBy(Account maker, String orgId, String role) {
    var created = org.post(serviceUsers(orgId), maker.token(), new JsonObject().put("name", "bot")
        .put("roles", new JsonArray().add(role)));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    var sid = created.bodyAsJsonObject().getString("id");
    return new Made(sid, credential(maker, orgId, sid));
  }

  private JsonObject credential(Account maker, String orgId, String sid) {
    var made = org.post(serviceUsers(orgId) + "/" + sid + "/credentials", maker.token(), null);
    assertEquals(201, made.statusCode(), made.bodyAsString());
    return made.bodyAsJsonObject();
  }
}
