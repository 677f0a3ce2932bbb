package dev.orgplane.org.role;

import static dev.orgplane.org.OrgServiceHarness.ONE_LINE;
import static dev.orgplane.org.OrgServiceHarness.assertInvalid;
import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceTest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class CustomRoleTest extends OrgServiceTest {

  private String newOrg(OrgServiceHarness.Account owner) {
    return org.createOrg(owner.token(), "r-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
  }

  private JsonObject role(String name, String... permissions) {
    return new JsonObject().put("name", name).put("title", "Role " + name)
        .put("permissions", new JsonArray(java.util.List.of(permissions)));
  }

  /**
   * Roles page by id when asked ({@code order=id}), as a copy of the organization reads them: a role renamed between
   * two pages, to sort after the cursor by name (where it would come again), is listed once.
   */
  @Test
  void rolesPagedByIdComeOnceThoughOneIsRenamedBetweenPages() {
    var owner = org.newUser("owner");
    var roles = "/v1/organizations/" + newOrg(owner) + "/roles";
    var ids = Stream.of("role-b", "role-c", "role-d").map(name -> org.post(roles, owner.token(),
        role(name, "app_organization_get")).bodyAsJsonObject().getString("id")).sorted().toList();

    var listed = org.allPages(roles + "?order=id", owner.token(), 1, () -> assertEquals(200, org.send(HttpMethod.PATCH,
        roles + "/" + ids.get(0), owner.token(), new JsonObject().put("name", "role-z")).statusCode()));
    assertEquals(ids, listed.stream().map(role -> role.getString("id")).toList());
    assertProblem(org.get(roles + "?order=title", owner.token()), 400, "invalid_order");
  }

  /**
   * A disabled organization's roles are refused to its members, as its members, teams and every read but the
   * organization's own are: the route's permission, {@code app_organization_get}, is the one the organization's own read
   * needs, which a disabled organization leaves its members, and it let them list and read its roles.
   */
  @Test
  void disabledOrganizationRefusesItsRolesToMembersButNotToItsOperatorsOrTheEngine() {
    var owner = org.newUser("owner");
    var member = org.newUser("member");
    var id = newOrg(owner);
    var roles = "/v1/organizations/" + id + "/roles";
    var roleId = org.post(roles, owner.token(), role("auditors", "app_audit_list")).bodyAsJsonObject().getString("id");
    org.addMembers(id, List.of(member.id()), "member");
    assertEquals(200, org.post("/v1/organizations/" + id + "/disable", owner.token(), null).statusCode());

    for (var token : List.of(member.token(), owner.token())) {
      assertProblem(org.get(roles, token), 403, "organization_disabled");
      assertProblem(org.get(roles + "/" + roleId, token), 403, "organization_disabled");
      assertEquals(200, org.get("/v1/organizations/" + id, token).statusCode(), "the organization itself is read");
    }
    for (var token : List.of(org.platformAdminToken(), org.engineToken())) {
      assertEquals(1, org.get(roles, token).bodyAsJsonObject().getJsonArray("items").size());
      assertEquals(200, org.get(roles + "/" + roleId, token).statusCode());
    }
  }

  /**
   * A role's title is one line, as a team's is: a line break or another control character in it was taken, on create,
   * on an import and on a change.
   */
  @Test
  void aRolesTitleIsOneLine() {
    var owner = org.newUser("owner");
    var roles = "/v1/organizations/" + newOrg(owner) + "/roles";
    assertInvalid(org.post(roles, owner.token(), role("auditor", "app_audit_list").put("title", "a\nb")),
        "title: " + ONE_LINE);
    assertInvalid(org.send(HttpMethod.PUT, roles + "/" + UUID.randomUUID(), owner.token(),
        role("auditor", "app_audit_list").put("title", "a\tb")), "title: " + ONE_LINE);
    var path = roles + "/" + org.post(roles, owner.token(), role("auditor", "app_audit_list")).bodyAsJsonObject()
        .getString("id");
    org.assertPatchRefused(path, owner.token(), new JsonObject().put("title", "Audit\u0085Evil"),
        "title: " + ONE_LINE);
  }

  @Test
  void customRoleGrantsExactlyItsPermissionsAndFollowsChanges() {
    var owner = org.newUser("owner");
    var editor = org.newUser("editor");
    var id = newOrg(owner);
    var created = org.post("/v1/organizations/" + id + "/roles", owner.token(),
        role("profile-editor", "app_organization_get", "app_organization_update"));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    var roleId = created.bodyAsJsonObject().getString("id");
    org.addMembers(id, List.of(editor.id()), "profile-editor");
    assertEquals(200, org.send(HttpMethod.PATCH, "/v1/organizations/" + id, editor.token(),
        new JsonObject().put("title", "Edited")).statusCode());
    assertProblem(org.get("/v1/organizations/" + id + "/users", editor.token()), 403, "forbidden");

    var renamed = org.send(HttpMethod.PATCH, "/v1/organizations/" + id + "/roles/" + roleId, owner.token(),
        new JsonObject().put("name", "lister").put("permissions", new JsonArray().add("app_organization_userlist")));
    assertEquals(200, renamed.statusCode(), renamed.bodyAsString());
    assertEquals(200, org.get("/v1/organizations/" + id + "/users", editor.token()).statusCode());
    assertProblem(org.send(HttpMethod.PATCH, "/v1/organizations/" + id, editor.token(),
        new JsonObject().put("title", "Again")), 403, "forbidden");
  }

  @Test
  void changingOnlyARolesPermissionsRewritesNoneOfItsHolders() {
    var owner = org.newUser("owner");
    var holder = org.newUser("holder");
    var id = newOrg(owner);
    var roleId = org.post("/v1/organizations/" + id + "/roles", owner.token(), role("keeper", "app_organization_get"))
        .bodyAsJsonObject().getString("id");
    org.addMembers(id, List.of(holder.id()), "keeper");
    var version = "SELECT xmin::text::bigint FROM org.memberships WHERE user_id = '" + holder.id() + "'";
    var before = PgFixture.queryLong(org.db(), version);

    assertEquals(200, org.send(HttpMethod.PATCH, "/v1/organizations/" + id + "/roles/" + roleId, owner.token(),
        new JsonObject().put("permissions", new JsonArray().add("app_organization_userlist"))).statusCode());

    assertEquals(before, PgFixture.queryLong(org.db(), version), "the membership row was not rewritten");
    assertEquals(200, org.send(HttpMethod.PATCH, "/v1/organizations/" + id + "/roles/" + roleId, owner.token(),
        new JsonObject().put("name", "warden")).statusCode());
    assertNotEquals(before, PgFixture.queryLong(org.db(), version), "a rename follows into the membership");
  }

  /**
   * A rename rewrites the roles of everyone holding the role, so each member (a service user too) is recorded and told
   * to hooks as {@code member.roles_changed} with the roles they hold now, by a change or an import; {@code
   * role.updated} names the name the role had.
   */
  @Test
  void aRenameRecordsEachHoldersNewRoles() {
    var owner = org.newUser("owner");
    var holder = org.newUser("holder");
    var id = newOrg(owner);
    var roles = "/v1/organizations/" + id + "/roles";
    var roleId = org.post(roles, owner.token(), role("alpha", "app_organization_get")).bodyAsJsonObject()
        .getString("id");
    assertEquals(201, org.post(roles, owner.token(), role("other", "app_organization_get")).statusCode());
    org.addMembers(id, List.of(holder.id()), "alpha", "other");
    var bot = org.post("/v1/organizations/" + id + "/service-users", owner.token(), new JsonObject().put("name", "bot")
        .put("roles", new JsonArray().add("alpha"))).bodyAsJsonObject().getString("id");

    assertEquals(200, org.send(HttpMethod.PATCH, roles + "/" + roleId, owner.token(),
        new JsonObject().put("name", "beta")).statusCode());
    assertEquals(Map.of("user:" + holder.id(), List.of("beta", "other"), "user:" + bot, List.of("beta")),
        rolesChanged(owner, id));
    assertEquals("alpha", org.audited(owner.token(), id, "role.updated").getJsonObject(0).getJsonObject("details")
        .getString("previousName"));

    var imported = org.post(roles + ":batch", owner.token(), new JsonObject().put("items", new JsonArray()
        .add(role("gamma", "app_organization_get").put("id", roleId))));
    assertEquals(200, imported.statusCode(), imported.bodyAsString());
    assertEquals(Map.of("user:" + holder.id(), List.of("gamma", "other"), "user:" + bot, List.of("gamma")),
        rolesChanged(owner, id));
    assertEquals(4, org.audited(owner.token(), id, "member.roles_changed").size());
    assertEquals("beta", org.audited(owner.token(), id, "role.updated").getJsonObject(0).getJsonObject("details")
        .getString("previousName"));
  }

  /** The roles each member's latest {@code member.roles_changed} says they hold, by target. */
  private Map<String, List<Object>> rolesChanged(OrgServiceHarness.Account owner, String orgId) {
    var latest = new HashMap<String, List<Object>>();
    org.audited(owner.token(), orgId, "member.roles_changed").stream().map(JsonObject.class::cast)
        .forEach(event -> latest.putIfAbsent(event.getString("target"),
            event.getJsonObject("details").getJsonArray("roles").getList()));
    return latest;
  }

  @Test
  void rolesAreBuiltOnlyFromTheCatalog() {
    var owner = org.newUser("owner");
    var id = newOrg(owner);
    assertProblem(org.post("/v1/organizations/" + id + "/roles", owner.token(), role("x-role", "app_root")), 400,
        "validation_failed");
    assertProblem(org.post("/v1/organizations/" + id + "/roles", owner.token(), role("owner", "app_organization_get")),
        400, "validation_failed");
    assertEquals(201, org.post("/v1/organizations/" + id + "/roles", owner.token(), role("dup")).statusCode());
    assertProblem(org.post("/v1/organizations/" + id + "/roles", owner.token(), role("dup")), 409, "role_name_taken");
  }

  @Test
  void assignedRoleCannotBeDeleted() {
    var owner = org.newVerifiedUser("owner");
    var member = org.newUser("member");
    var id = newOrg(owner);
    var roleId = org.post("/v1/organizations/" + id + "/roles", owner.token(), role("auditor", "app_audit_list"))
        .bodyAsJsonObject().getString("id");
    org.addMembers(id, List.of(member.id()), "auditor");
    assertProblem(org.send(HttpMethod.DELETE, "/v1/organizations/" + id + "/roles/" + roleId, owner.token(), null),
        409, "role_in_use");
    org.send(HttpMethod.PUT, "/v1/organizations/" + id + "/users/" + member.id() + "/roles", owner.token(),
        new JsonObject().put("roles", new JsonArray().add("viewer")));
    var invited = org.post("/v1/organizations/" + id + "/invitations", owner.token(), new JsonObject()
        .put("email", "invitee-" + UUID.randomUUID() + "@test.local").put("roles", new JsonArray().add("auditor")));
    assertEquals(201, invited.statusCode(), invited.bodyAsString());
    var invitation = "/v1/organizations/" + id + "/invitations/" + invited.bodyAsJsonObject().getString("id");
    assertProblem(org.send(HttpMethod.DELETE, "/v1/organizations/" + id + "/roles/" + roleId, owner.token(), null),
        409, "role_in_use");
    assertEquals(200, org.send(HttpMethod.PATCH, "/v1/organizations/" + id + "/roles/" + roleId, owner.token(),
        new JsonObject().put("name", "inspector")).statusCode());
    assertEquals(List.of("inspector"), org.get(invitation, owner.token()).bodyAsJsonObject().getJsonArray("roles")
        .getList(), "an invitation follows a rename, as members do");
    assertEquals(204, org.send(HttpMethod.DELETE, invitation, owner.token(), null).statusCode());
    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organizations/" + id + "/roles/" + roleId, owner.token(), null)
        .statusCode());
    assertProblem(org.get("/v1/organizations/" + id + "/roles/" + roleId, owner.token()), 404, "role_not_found");
  }

  @Test
  void anotherOrganizationsRoleCannotBeUsedOrSeen() {
    var alice = org.newUser("alice");
    var bob = org.newUser("bob");
    var aliceOrg = newOrg(alice);
    var bobOrg = newOrg(bob);
    var bobRole = org.post("/v1/organizations/" + bobOrg + "/roles", bob.token(), role("bobs-role", "app_organization_get"))
        .bodyAsJsonObject().getString("id");
    assertProblem(org.post("/v1/organizations/" + aliceOrg + "/users", alice.token(), new JsonObject()
        .put("userIds", new JsonArray().add(bob.id())).put("roles", new JsonArray().add("bobs-role"))), 422, "unknown_role");
    assertProblem(org.get("/v1/organizations/" + aliceOrg + "/roles/" + bobRole, alice.token()), 404, "role_not_found");
    assertProblem(org.get("/v1/organizations/" + bobOrg + "/roles/" + bobRole, alice.token()), 404,
        "organization_not_found");
    assertProblem(org.send(HttpMethod.DELETE, "/v1/organizations/" + aliceOrg + "/roles/" + bobRole, alice.token(),
        null), 404, "role_not_found");
  }

  @Test
  void anotherOrganizationsRoleIsNotChangedThroughOnesOwn() {
    var alice = org.newUser("alice");
    var bob = org.newUser("bob");
    var aliceOrg = newOrg(alice);
    var bobOrg = newOrg(bob);
    var bobRole = org.post("/v1/organizations/" + bobOrg + "/roles", bob.token(), role("bobs-role", "app_audit_list"))
        .bodyAsJsonObject().getString("id");
    var before = org.get("/v1/organizations/" + bobOrg + "/roles/" + bobRole, bob.token()).bodyAsJsonObject();

    assertProblem(org.send(HttpMethod.PATCH, "/v1/organizations/" + aliceOrg + "/roles/" + bobRole, alice.token(),
        new JsonObject().put("name", "hijacked").put("permissions", new JsonArray().add("app_organization_get"))), 404,
        "role_not_found");

    assertEquals(before, org.get("/v1/organizations/" + bobOrg + "/roles/" + bobRole, bob.token()).bodyAsJsonObject());
  }

  /** A field sent as null in a change is refused, not read as absent, nor ({@code permissions}) as no permissions. */
  @Test
  void aChangeSendingAFieldAsNullChangesNothing() {
    var owner = org.newUser("owner");
    var id = newOrg(owner);
    var rolePath = "/v1/organizations/" + id + "/roles/" + org.post("/v1/organizations/" + id + "/roles", owner.token(),
        role("editor", "app_organization_get", "app_organization_update")).bodyAsJsonObject().getString("id");

    for (var field : List.of("permissions", "name", "title", "metadata")) {
      org.assertPatchRefused(rolePath, owner.token(), new JsonObject().put("title", "Editors").putNull(field),
          field + ": must not be null");
    }
  }

  /**
   * A patch sending the values stored (permissions in another order are the same set) is no change: answered with the
   * role as it was, {@code updatedAt} and ETag included, and not audited, as a {@code PUT} of the role as it is (it
   * moved both and recorded a role.updated).
   */
  @Test
  void aPatchThatChangesNothingIsNoUpdate() {
    var owner = org.newUser("owner");
    var id = newOrg(owner);
    var rolePath = "/v1/organizations/" + id + "/roles/" + org.post("/v1/organizations/" + id + "/roles", owner.token(),
        role("editor", "app_organization_get", "app_organization_update")).bodyAsJsonObject().getString("id");
    var before = org.get(rolePath, owner.token());

    org.assertPatchChangesNothing(rolePath, owner.token(), new JsonObject().put("title", "Role editor"));
    org.assertPatchChangesNothing(rolePath, owner.token(),
        role("editor", "app_organization_update", "app_organization_get").put("metadata", new JsonObject()));
    assertEquals(0, org.audited(owner.token(), id, "role.updated").size());

    var retitled = org.send(HttpMethod.PATCH, rolePath, owner.token(), new JsonObject().put("title", "Editors"));
    assertEquals("Editors", retitled.bodyAsJsonObject().getString("title"));
    assertNotEquals(before.getHeader("ETag"), retitled.getHeader("ETag"));
    assertEquals(1, org.audited(owner.token(), id, "role.updated").size(), "a change is still recorded");
  }

  @Test
  void aRoleIsChangedOnlyIntoAValidRoleOfAFreeName() {
    var owner = org.newUser("owner");
    var id = newOrg(owner);
    var rolePath = "/v1/organizations/" + id + "/roles/" + org.post("/v1/organizations/" + id + "/roles", owner.token(),
        role("auditor", "app_audit_list")).bodyAsJsonObject().getString("id");
    assertEquals(201, org.post("/v1/organizations/" + id + "/roles", owner.token(), role("reader", "app_organization_get"))
        .statusCode());
    var before = org.get(rolePath, owner.token()).bodyAsJsonObject();

    assertProblem(org.send(HttpMethod.PATCH, rolePath, owner.token(), new JsonObject()
        .put("permissions", new JsonArray().add("app_root"))), 400, "validation_failed");
    assertProblem(org.send(HttpMethod.PATCH, rolePath, owner.token(), new JsonObject().put("name", "owner")), 400,
        "validation_failed");
    assertProblem(org.send(HttpMethod.PATCH, rolePath, owner.token(), new JsonObject().put("name", "reader")), 409,
        "role_name_taken");

    assertEquals(before, org.get(rolePath, owner.token()).bodyAsJsonObject());
  }
}
