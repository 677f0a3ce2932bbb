package dev.orgplane.org.user;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.db.PgUrl;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceVerticle;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /v1/users/{uid}}: the whole account for platform admins and its owner, the member list's profile for
 * those who list the person as a member somewhere, and for everyone else the very 404 of an id nobody has.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UserReadTest {

  private static final Set<String> PROFILE = Set.of("id", "email", "name");

  private OrgServiceHarness org;
  private PgUrl db;
  private String admin;
  private OrgServiceHarness.Account owner;
  private OrgServiceHarness.Account target;
  private String acme;
  private String acmeGroup;

  @BeforeAll
  void start(Vertx vertx) {
    db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    org = OrgServiceHarness.start(vertx, db);
    admin = org.platformAdminToken();
    owner = org.newUser("owner");
    target = org.newUser("target");
    var created = org.createOrg(owner.token(), "acme-" + suffix());
    acme = created.getString("id");
    acmeGroup = created.getString("groupId");
    join(acme, target.id(), "member");
  }

  private static String suffix() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  private void join(String orgId, String userId, String role) {
    org.addMembers(orgId, List.of(userId), role);
  }

  private HttpResponse<Buffer> read(String userId, String token) {
    return org.get("/v1/users/" + userId, token);
  }

  private JsonObject seen(String userId, String token) {
    var response = read(userId, token);
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  /** A refusal that says no more than an id nobody has would. */
  private void assertNoSuchPerson(String userId, String token) {
    var refused = read(userId, token);
    assertProblem(refused, 404, "user_not_found");
    var nobody = read(UUID.randomUUID().toString(), token);
    assertEquals(nobody.bodyAsJsonObject().getString("detail"), refused.bodyAsJsonObject().getString("detail"));
  }

  @Test
  void platformAdminsSeeTheWholeAccountOfAnyPersonAndOwnersTheirOwn() {
    var whole = seen(target.id(), admin);
    assertEquals(target.email(), whole.getString("email"));
    assertEquals(false, whole.getBoolean("platformAdmin"));
    assertEquals(org.get("/v1/users/me", target.token()).bodyAsJsonObject(), seen(target.id(), target.token()));
    var loner = org.newUser("loner");
    assertEquals(loner.email(), seen(loner.id(), admin).getString("email"), "in no organization at all");
  }

  @Test
  void someoneWhoListsThePersonAsAMemberSeesTheMemberListsProfile() {
    var profile = seen(target.id(), owner.token());
    assertEquals(PROFILE, profile.fieldNames(), "no platformAdmin, createdAt or emailVerified");
    assertEquals(new JsonObject().put("id", target.id()).put("email", target.email()).put("name", "target"), profile);

    var viewer = org.newUser("viewer");
    join(acme, viewer.id(), "viewer");
    assertEquals(profile, seen(target.id(), viewer.token()));
    // every member: the owner too
    assertEquals(owner.email(), seen(owner.id(), viewer.token()).getString("email"));
  }

  @Test
  void aMemberWhoMayNotListTheMembersSeesNoOne() {
    var plain = org.newUser("plain");
    join(acme, plain.id(), "member");
    assertNoSuchPerson(target.id(), plain.token());
    assertNoSuchPerson(owner.id(), plain.token());
  }

  @Test
  void aCustomRoleWithTheMemberListShowsTheMembers() {
    var lister = org.newUser("lister");
    var role = org.post("/v1/organizations/" + acme + "/roles", owner.token(), new JsonObject()
        .put("name", "lister-" + suffix()).put("title", "Lister")
        .put("permissions", new JsonArray().add("app_organization_userlist")));
    assertEquals(201, role.statusCode(), role.bodyAsString());
    join(acme, lister.id(), role.bodyAsJsonObject().getString("name"));
    assertEquals(PROFILE, seen(target.id(), lister.token()).fieldNames());
  }

  @Test
  void anotherTenantGetsTheAnswerOfAnIdNobodyHas() {
    var stranger = org.newUser("stranger");
    org.createOrg(stranger.token(), "elsewhere-" + suffix());
    assertNoSuchPerson(target.id(), stranger.token());
    assertNoSuchPerson(owner.id(), stranger.token());
    // sharing nothing goes both ways
    assertNoSuchPerson(stranger.id(), owner.token());
  }

  @Test
  void groupAdminsSeeTheMembersOfTheirGroupsOrganizationsWithinTheirTokensScope() {
    var groupAdmin = org.newUser("groupadmin");
    PgFixture.execute(db, "INSERT INTO org.group_admins (group_id, user_id) VALUES ('" + acmeGroup + "', '"
        + groupAdmin.id() + "')");
    assertEquals(PROFILE, seen(target.id(), groupAdmin.token()).fieldNames());

    // a second organization of the group, which the target is not in
    var sibling = org.post("/v1/organizations", groupAdmin.token(), new JsonObject().put("name", "sibling-" + suffix())
        .put("title", "Sibling").put("groupId", acmeGroup));
    assertEquals(201, sibling.statusCode(), sibling.bodyAsString());
    assertEquals(PROFILE, seen(target.id(), scopedToken(groupAdmin, acme)).fieldNames());
    assertNoSuchPerson(target.id(), scopedToken(groupAdmin, sibling.bodyAsJsonObject().getString("id")));
  }

  /** Looking an address up tells a group admin no more than reading the person by id would. */
  @Test
  void groupAdminsFindByAddressOnlyThePeopleTheySee() {
    var groupAdmin = org.newUser("finder");
    PgFixture.execute(db, "INSERT INTO org.group_admins (group_id, user_id) VALUES ('" + acmeGroup + "', '"
        + groupAdmin.id() + "')");
    var outsider = org.newUser("unseen");

    var found = org.get("/v1/users?email=" + target.email(), groupAdmin.token()).bodyAsJsonObject()
        .getJsonArray("items");
    assertEquals(1, found.size());
    assertEquals(PROFILE, found.getJsonObject(0).fieldNames());
    assertEquals(target.id(), found.getJsonObject(0).getString("id"));
    assertEquals(new JsonArray(), org.get("/v1/users?email=" + outsider.email(), groupAdmin.token()).bodyAsJsonObject()
        .getJsonArray("items"), "another tenant's person is as an address without an account");
    var whole = org.get("/v1/users?email=" + outsider.email(), admin).bodyAsJsonObject().getJsonArray("items");
    assertTrue(whole.getJsonObject(0).containsKey("platformAdmin"), "platform admins see the whole account");
  }

  private String scopedToken(OrgServiceHarness.Account groupAdmin, String orgId) {
    var token = org.post("/v1/organization-groups/" + acmeGroup + "/organizations/" + orgId + "/token",
        groupAdmin.token(), null);
    assertEquals(200, token.statusCode(), token.bodyAsString());
    return token.bodyAsJsonObject().getString("access_token");
  }

  /** As the member list of a disabled organization is its administrators' alone. */
  @Test
  void aDisabledOrganizationShowsItsMembersToItsAdministratorsOnly() {
    var founder = org.newUser("founder");
    var dormant = org.createOrg(founder.token(), "dormant-" + suffix());
    var sleeper = org.newUser("sleeper");
    org.addMembers(dormant.getString("id"), List.of(sleeper.id()), "member");
    assertEquals(PROFILE, seen(sleeper.id(), founder.token()).fieldNames());
    assertEquals(200, org.post("/v1/organizations/" + dormant.getString("id") + "/disable", founder.token(), null)
        .statusCode());

    assertNoSuchPerson(sleeper.id(), founder.token());
    var groupAdmin = org.newUser("dormant-admin");
    PgFixture.execute(db, "INSERT INTO org.group_admins (group_id, user_id) VALUES ('" + dormant.getString("groupId")
        + "', '" + groupAdmin.id() + "')");
    assertEquals(PROFILE, seen(sleeper.id(), groupAdmin.token()).fieldNames());
  }

  /**
   * Service users and the engine are no persons: this endpoint shows neither, to anyone (their organization's
   * service-user API does). As callers they see what their rights in their organization show.
   */
  @Test
  void serviceUsersAndTheEngineAreNoPersonsHereButSeeAsTheirRightsAllow() {
    var base = "/v1/organizations/" + acme + "/service-users";
    var serviceUser = org.post(base, owner.token(), new JsonObject().put("name", "robot")
        .put("roles", new JsonArray().add("viewer"))).bodyAsJsonObject().getString("id");
    var credential = org.post(base + "/" + serviceUser + "/credentials", owner.token(), null).bodyAsJsonObject();
    var robot = org.clientCredentials(credential.getString("clientId"), credential.getString("clientSecret"))
        .bodyAsJsonObject().getString("access_token");

    assertNoSuchPerson(serviceUser, admin);
    assertNoSuchPerson(serviceUser, owner.token());
    assertNoSuchPerson(serviceUser, robot);
    assertNoSuchPerson(OrgServiceHarness.ENGINE_CLIENT_ID, admin);
    assertEquals(PROFILE, seen(target.id(), robot).fieldNames(), "a viewer lists the members");
    assertEquals(PROFILE, seen(target.id(), org.engineToken()).fieldNames(), "the engine lists every organization's");
  }

  @Test
  void anIdThatIsNoUuidIsTheCallersMistakeAndNoTokenNoAnswer() {
    assertProblem(read("not-a-uuid", admin), 400, "validation_failed");
    assertProblem(read("+" + target.id().substring(1), admin), 400, "validation_failed");
    assertProblem(read(UUID.randomUUID().toString(), admin), 404, "user_not_found");
    assertEquals(401, read(target.id(), null).statusCode());
  }
}
