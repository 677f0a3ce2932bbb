package dev.orgplane.org.access;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceTest;
import dev.orgplane.org.role.PermissionCatalog;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code GET /v1/organizations/{org}/permissions/me}: what each kind of caller may do, as the policy decides it. */
class EffectivePermissionsTest extends OrgServiceTest {

  private String platformAdmin;

  @BeforeAll
  void platformAdmin() {
    platformAdmin = org.platformAdminToken();
  }

  private JsonObject newOrg(OrgServiceHarness.Account owner) {
    return org.createOrg(owner.token(), "p-" + UUID.randomUUID().toString().substring(0, 8));
  }

  private String mine(String orgRef) {
    return "/v1/organizations/" + orgRef + "/permissions/me";
  }

  /** The caller's answer in {@code orgRef}, which must be 200. */
  private JsonObject permissions(String orgRef, String token) {
    var response = org.get(mine(orgRef), token);
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private static void assertAnswer(JsonObject answer, String orgId, List<String> roles, Collection<String> permissions,
      String via) {
    assertEquals(new JsonObject().put("organizationId", orgId).put("roles", new JsonArray(roles))
        .put("permissions", new JsonArray(List.copyOf(new TreeSet<>(permissions)))).put("via", via), answer);
  }

  private void appointGroupAdmin(String groupId, String userId) {
    assertEquals(204, org.send(HttpMethod.PUT, "/v1/organization-groups/" + groupId + "/admins/" + userId,
        platformAdmin, null).statusCode());
  }

  @Test
  void membersHoldWhatTheirRolesGrantSorted() {
    var owner = org.newUser("owner");
    var viewer = org.newUser("viewer");
    var id = newOrg(owner).getString("id");
    org.addMembers(id, List.of(viewer.id()), "viewer");

    assertAnswer(permissions(id, owner.token()), id, List.of("owner"), PermissionCatalog.PERMISSIONS.keySet(),
        "member");
    assertAnswer(permissions(id, viewer.token()), id, List.of("viewer"), PermissionCatalog.PREDEFINED_ROLES.get("viewer"),
        "member");
  }

  /**
   * A member's roles are a set: what they may do and their own memberships list them sorted by name, as the members'
   * list does, whatever order they were given in (both answered them as stored).
   */
  @Test
  void aMembersOwnAnswersListTheirRolesSortedByName() {
    var owner = org.newUser("owner");
    var member = org.newUser("member");
    var id = newOrg(owner).getString("id");
    org.addMembers(id, List.of(member.id()), "viewer", "manager");

    assertEquals(List.of("manager", "viewer"), permissions(id, member.token()).getJsonArray("roles").getList());
    var memberships = org.get("/v1/users/me/organizations", member.token());
    assertEquals(200, memberships.statusCode(), memberships.bodyAsString());
    assertEquals(List.of("manager", "viewer"), memberships.bodyAsJsonObject().getJsonArray("items").getJsonObject(0)
        .getJsonArray("roles").getList());
  }

  /** A custom role without {@code app_organization_get} still lets its holder read what they may do. */
  @Test
  void customRolesGrantTheirPermissionsAndFollowChanges() {
    var owner = org.newUser("owner");
    var editor = org.newUser("editor");
    var id = newOrg(owner).getString("id");
    var role = org.post("/v1/organizations/" + id + "/roles", owner.token(), new JsonObject().put("name", "hook-editor")
        .put("title", "Hook editor").put("permissions", new JsonArray().add("app_hook_get").add("app_hook_update")));
    assertEquals(201, role.statusCode(), role.bodyAsString());
    org.addMembers(id, List.of(editor.id()), "hook-editor");

    assertAnswer(permissions(id, editor.token()), id, List.of("hook-editor"), List.of("app_hook_get", "app_hook_update"),
        "member");
    assertProblem(org.get("/v1/organizations/" + id, editor.token()), 403, "forbidden");
    assertEquals(200, org.send(HttpMethod.PATCH, "/v1/organizations/" + id + "/roles/"
            + role.bodyAsJsonObject().getString("id"), owner.token(),
        new JsonObject().put("permissions", new JsonArray().add("app_hook_get"))).statusCode());
    assertAnswer(permissions(id, editor.token()), id, List.of("hook-editor"), List.of("app_hook_get"), "member");
  }

  @Test
  void groupAndPlatformAdminsHoldEveryPermissionAndScopedTokensOnlyInTheirOrganization() {
    var owner = org.newUser("owner");
    var admin = org.newVerifiedUser("group-admin");
    var created = newOrg(owner);
    var id = created.getString("id");
    appointGroupAdmin(created.getString("groupId"), admin.id());

    assertAnswer(permissions(id, admin.token()), id, List.of(), PermissionCatalog.PERMISSIONS.keySet(), "group_admin");
    assertAnswer(permissions(id, platformAdmin), id, List.of(), PermissionCatalog.PERMISSIONS.keySet(),
        "platform_admin");

    var scoped = org.post("/v1/organization-groups/" + created.getString("groupId") + "/organizations/" + id + "/token",
        admin.token(), null);
    assertEquals(200, scoped.statusCode(), scoped.bodyAsString());
    var scopedToken = scoped.bodyAsJsonObject().getString("access_token");
    assertAnswer(permissions(created.getString("name"), scopedToken), id, List.of(),
        PermissionCatalog.PERMISSIONS.keySet(), "group_admin");
    var elsewhere = org.createOrg(admin.token(), "own-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    assertEquals("owner", permissions(elsewhere, admin.token()).getJsonArray("roles").getString(0));
    assertProblem(org.get(mine(elsewhere), scopedToken), 404, "organization_not_found");
  }

  @Test
  void serviceUsersHoldTheirRolesInTheirOrganizationOnly() {
    var bot = org.newServiceUser("bot");
    assertAnswer(permissions(bot.orgId(), bot.token()), bot.orgId(), List.of("viewer"),
        PermissionCatalog.PREDEFINED_ROLES.get("viewer"), "member");
    var other = newOrg(org.newUser("other")).getString("id");
    assertProblem(org.get(mine(other), bot.token()), 404, "organization_not_found");
  }

  @Test
  void theProvisioningEngineHoldsItsOwnSetEverywhere() {
    var id = newOrg(org.newUser("owner")).getString("id");
    assertAnswer(permissions(id, org.engineToken()), id, List.of(), PermissionCatalog.PROVISIONER, "provisioner");
  }

  /** Members of a disabled organization keep only reading and disabling it; its administrators keep everything. */
  @Test
  void aDisabledOrganizationLeavesItsMembersOnlyWhatThePolicyStillAllows() {
    var owner = org.newUser("owner");
    var viewer = org.newUser("viewer");
    var admin = org.newVerifiedUser("group-admin");
    var created = newOrg(owner);
    var id = created.getString("id");
    org.addMembers(id, List.of(viewer.id()), "viewer");
    appointGroupAdmin(created.getString("groupId"), admin.id());
    assertEquals(200, org.post("/v1/organizations/" + id + "/disable", owner.token(), null).statusCode());

    assertAnswer(permissions(id, owner.token()), id, List.of("owner"),
        List.of(PermissionCatalog.ORG_GET, PermissionCatalog.ORG_DISABLE), "member");
    assertAnswer(permissions(id, viewer.token()), id, List.of("viewer"), List.of(PermissionCatalog.ORG_GET), "member");
    assertProblem(org.get("/v1/organizations/" + id + "/users", viewer.token()), 403, "organization_disabled");
    assertAnswer(permissions(id, admin.token()), id, List.of(), PermissionCatalog.PERMISSIONS.keySet(), "group_admin");
  }

  /**
   * {@code {org}} is an id or a name, so no reference is malformed: one that is neither is missing, as for every other
   * read of an organization.
   */
  @Test
  void callersNotInTheOrganizationFindNone() {
    var owner = org.newUser("owner");
    var id = newOrg(owner).getString("id");
    var stranger = org.newUser("stranger");
    assertProblem(org.get(mine(id), stranger.token()), 404, "organization_not_found");
    assertProblem(org.get(mine(UUID.randomUUID().toString()), owner.token()), 404, "organization_not_found");
    for (var malformed : List.of("not%20an%20id", "0000000000000000000000000000000000zz", "-".repeat(36))) {
      assertProblem(org.get(mine(malformed), owner.token()), 404, "organization_not_found");
      assertEquals(404, org.get("/v1/organizations/" + malformed, owner.token()).statusCode(), "as a read of it");
    }
    assertProblem(org.get(mine(id), null), 401, "invalid_token");
  }

  /** The engine's answer about {@code userId} in {@code orgRef}, which must be 200. */
  private JsonObject theirs(String orgRef, Object userId) {
    var response = org.get("/v1/organizations/" + orgRef + "/permissions/" + userId, org.engineToken());
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  /**
   * The provisioning engine asks what a job's requester may do, whose token it does not hold: what they would be
   * answered themselves, nothing ({@code none}) where they are not in the organization. Only the engine asks; to
   * anyone outside the organization it is missing, as everything in it is.
   */
  @Test
  void theEngineAsksWhatSomeoneElseMayDoAndNoOneElseDoes() {
    var owner = org.newUser("owner");
    var admin = org.newVerifiedUser("group-admin");
    var stranger = org.newUser("stranger");
    var created = newOrg(owner);
    var id = created.getString("id");
    appointGroupAdmin(created.getString("groupId"), admin.id());
    var platformAdminId = org.get("/v1/users/me", platformAdmin).bodyAsJsonObject().getString("id");

    assertAnswer(theirs(id, owner.id()), id, List.of("owner"), PermissionCatalog.PERMISSIONS.keySet(), "member");
    assertAnswer(theirs(created.getString("name"), admin.id()), id, List.of(), PermissionCatalog.PERMISSIONS.keySet(),
        "group_admin");
    assertAnswer(theirs(id, platformAdminId), id, List.of(), PermissionCatalog.PERMISSIONS.keySet(),
        "platform_admin");
    assertAnswer(theirs(id, stranger.id()), id, List.of(), List.of(), "none");
    assertAnswer(theirs(id, UUID.randomUUID()), id, List.of(), List.of(), "none");
    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organization-groups/" + created.getString("groupId")
        + "/admins/" + admin.id(), platformAdmin, null).statusCode());
    assertAnswer(theirs(id, admin.id()), id, List.of(), List.of(), "none");

    var someones = "/v1/organizations/" + id + "/permissions/" + owner.id();
    assertProblem(org.get(someones, owner.token()), 403, "forbidden");
    assertProblem(org.get(someones, platformAdmin), 403, "forbidden");
    assertProblem(org.get(someones, stranger.token()), 404, "organization_not_found");
    var missing = "/v1/organizations/" + UUID.randomUUID() + "/permissions/" + owner.id();
    assertProblem(org.get(missing, owner.token()), 404, "organization_not_found");
    var engine = org.engineToken();
    assertProblem(org.get(missing, engine), 404, "organization_not_found");
    assertProblem(org.get("/v1/organizations/" + id + "/permissions/not-an-id", engine), 400, "validation_failed");
  }

  @Test
  void anUnknownQueryParameterIsRefusedToMembersOnly() {
    var owner = org.newUser("owner");
    var id = newOrg(owner).getString("id");
    assertProblem(org.get(mine(id) + "?userId=" + owner.id(), owner.token()), 400, "unknown_parameter");
    assertProblem(org.get(mine(id) + "?userId=" + owner.id(), org.newUser("stranger").token()), 404,
        "organization_not_found");
  }
}
