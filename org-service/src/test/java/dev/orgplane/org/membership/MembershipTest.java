package dev.orgplane.org.membership;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.kit.testing.UncommittedTransaction;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceTest;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MembershipTest extends OrgServiceTest {

  private String newOrg(OrgServiceHarness.Account owner) {
    return org.createOrg(owner.token(), "m-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
  }

  /** The id of a new viewer service user of the organization. */
  private String serviceUserOf(String orgId, OrgServiceHarness.Account owner) {
    var made = org.post("/v1/organizations/" + orgId + "/service-users", owner.token(), new JsonObject()
        .put("name", "bot-" + UUID.randomUUID().toString().substring(0, 8)).put("roles", new JsonArray().add("viewer")));
    assertEquals(201, made.statusCode(), made.bodyAsString());
    return made.bodyAsJsonObject().getString("id");
  }

  private void add(String orgId, OrgServiceHarness.Account by, OrgServiceHarness.Account who, String role) {
    var added = org.post("/v1/organizations/" + orgId + "/users", by.token(),
        new JsonObject().put("userIds", new JsonArray().add(who.id())).put("roles", new JsonArray().add(role)));
    assertEquals(200, added.statusCode(), added.bodyAsString());
  }

  /** Brings a person new to the organization's group in, as only an operator adds them directly. */
  private void join(String orgId, OrgServiceHarness.Account who, String role) {
    org.addMembers(orgId, List.of(who.id()), role);
  }

  @Test
  void addingIsIdempotentAndViewersCannotManage() {
    var owner = org.newUser("owner");
    var viewer = org.newUser("viewer");
    var id = newOrg(owner);
    join(id, viewer, "viewer");
    add(id, owner, viewer, "manager");
    var members = org.get("/v1/organizations/" + id + "/users", viewer.token()).bodyAsJsonObject().getJsonArray("items");
    assertEquals(2, members.size());
    var stranger = org.newUser("stranger");
    assertProblem(org.post("/v1/organizations/" + id + "/users", viewer.token(),
        new JsonObject().put("userIds", new JsonArray().add(stranger.id()))), 403, "forbidden");
    assertProblem(org.send(HttpMethod.PATCH, "/v1/organizations/" + id, viewer.token(),
        new JsonObject().put("title", "x")), 403, "forbidden");
  }

  /** What the engine's dry run asks to tell a named owner who is a member already. */
  @Test
  void theListFindsTheMemberOfOneAddress() {
    var owner = org.newUser("owner");
    var viewer = org.newUser("viewer");
    var outsider = org.newUser("outsider");
    var id = newOrg(owner);
    join(id, viewer, "viewer");
    var path = "/v1/organizations/" + id + "/users?email=";

    var found = org.get(path + viewer.email().toUpperCase(java.util.Locale.ROOT), owner.token()).bodyAsJsonObject();
    assertEquals(List.of(viewer.id()), found.getJsonArray("items").stream()
        .map(member -> ((JsonObject) member).getString("userId")).toList(), found.encode());
    assertEquals(0, org.get(path + outsider.email(), owner.token()).bodyAsJsonObject().getJsonArray("items").size(),
        "no member of that address");
    for (var refused : List.of("", "%20", "not-an-address")) {
      assertProblem(org.get(path + refused, owner.token()), 400, "invalid_filter");
    }
  }

  @Test
  void onlyMembersActuallyAddedAreAuditedWithTheRolesTheyGot() {
    var owner = org.newUser("owner");
    var viewer = org.newUser("viewer");
    var id = newOrg(owner);
    join(id, viewer, "viewer");
    add(id, owner, viewer, "manager");
    add(id, owner, owner, "viewer");
    var added = org.audited(owner.token(), id, "member.added");
    assertEquals(1, added.size(), "an unchanged member is no news: " + added.encode());
    var details = added.getJsonObject(0).getJsonObject("details");
    assertEquals(List.of(viewer.id()), details.getJsonArray("userIds").getList());
    assertEquals(List.of("viewer"), details.getJsonArray("roles").getList());
  }

  @Test
  void unknownUsersAndRolesAre422() {
    var owner = org.newUser("owner");
    var id = newOrg(owner);
    var missing = UUID.randomUUID().toString();
    assertProblem(org.post("/v1/organizations/" + id + "/users", owner.token(),
        new JsonObject().put("userIds", new JsonArray().add(missing))), 422, "unknown_users");
    var other = org.newUser("other");
    assertProblem(org.post("/v1/organizations/" + id + "/users", owner.token(), new JsonObject()
        .put("userIds", new JsonArray().add(other.id())).put("roles", new JsonArray().add("emperor"))), 422,
        "unknown_role");
    assertProblem(org.post("/v1/organizations/" + id + "/users", owner.token(),
        new JsonObject().put("userIds", new JsonArray().add("not-a-uuid"))), 400, "validation_failed");
  }

  /**
   * An add names 1 to 500 users and at most 500 roles: no one was 200 adding no one, and a refusal named every unknown
   * user or role, whole, in its detail and its errors. It names the first 20 now, each cut to 40 characters.
   */
  @Test
  void anAddNamesOneTo500UsersAndARefusalAFewOfThem() {
    var owner = org.newUser("owner");
    var id = newOrg(owner);
    var users = "/v1/organizations/" + id + "/users";
    var none = org.post(users, owner.token(), new JsonObject().put("userIds", new JsonArray()));
    assertProblem(none, 400, "validation_failed");
    assertEquals(new JsonObject().put("field", "userIds").put("message", "must hold 1 to 500 items"),
        none.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0));
    var tooMany = new JsonArray();
    IntStream.range(0, 501).forEach(i -> tooMany.add(UUID.randomUUID().toString()));
    assertProblem(org.post(users, owner.token(), new JsonObject().put("userIds", tooMany)), 400, "validation_failed");
    assertProblem(org.send(HttpMethod.PUT, users + "/" + owner.id() + "/roles", owner.token(),
        new JsonObject().put("roles", new JsonArray())), 400, "validation_failed");

    var unknownUsers = org.post(users, owner.token(), new JsonObject().put("userIds",
        new JsonArray(tooMany.getList().subList(0, 30))));
    assertProblem(unknownUsers, 422, "unknown_users");
    assertEquals(20, unknownUsers.bodyAsJsonObject().getJsonArray("errors").size());
    assertTrue(unknownUsers.bodyAsJsonObject().getString("detail").endsWith(" and 10 more"));
    var other = org.newUser("other");
    var roles = new JsonArray();
    IntStream.range(0, 30).forEach(i -> roles.add(i + "x".repeat(1000)));
    var unknownRoles = org.post(users, owner.token(), new JsonObject().put("userIds", new JsonArray().add(other.id()))
        .put("roles", roles));
    assertProblem(unknownRoles, 422, "unknown_role");
    var errors = unknownRoles.bodyAsJsonObject().getJsonArray("errors");
    assertEquals(20, errors.size());
    assertEquals("0" + "x".repeat(39) + "...", errors.getJsonObject(0).getString("message"));
    assertTrue(unknownRoles.bodyAsString().length() < 4000, unknownRoles.bodyAsString());
  }

  /**
   * Whoever is no member is told so, whatever the roles: making an unknown id or another organization's service user
   * an owner was told a service user cannot be one (400), which only this organization's service users hear; and a
   * role unknown (422 {@code unknown_role}) or beyond the caller's (403 {@code permission_not_held}) was refused first.
   */
  @Test
  void settingTheRolesOfANonMemberMakesNoOneAMember() {
    var owner = org.newUser("owner");
    var outsider = org.newUser("outsider");
    var id = newOrg(owner);
    var manager = org.newUser("manager");
    org.addMembers(id, List.of(manager.id()), "manager");
    var othersServiceUser = serviceUserOf(newOrg(owner), owner);
    for (var nonMember : List.of(outsider.id(), UUID.randomUUID().toString(), othersServiceUser)) {
      for (var roles : List.of("viewer", "owner", "emperor")) {
        assertProblem(org.send(HttpMethod.PUT, "/v1/organizations/" + id + "/users/" + nonMember + "/roles",
            owner.token(), new JsonObject().put("roles", new JsonArray().add(roles))), 404, "member_not_found");
      }
      assertProblem(org.send(HttpMethod.PUT, "/v1/organizations/" + id + "/users/" + nonMember + "/roles",
          manager.token(), new JsonObject().put("roles", new JsonArray().add("owner"))), 404, "member_not_found");
    }
    assertProblem(org.send(HttpMethod.PUT, "/v1/organizations/" + id + "/users/" + serviceUserOf(id, owner) + "/roles",
        owner.token(), new JsonObject().put("roles", new JsonArray().add("owner"))), 400, "validation_failed");
    assertProblem(org.get("/v1/organizations/" + id, outsider.token()), 404, "organization_not_found");
    assertEquals(2, org.get("/v1/organizations/" + id + "/users", owner.token()).bodyAsJsonObject()
        .getJsonArray("items").size(), "only the owner and the manager");
  }

  @Test
  void anUnknownRoleChangesNoMembersRoles() {
    var owner = org.newUser("owner");
    var viewer = org.newUser("viewer");
    var id = newOrg(owner);
    join(id, viewer, "viewer");
    assertProblem(org.send(HttpMethod.PUT, "/v1/organizations/" + id + "/users/" + viewer.id() + "/roles",
        owner.token(), new JsonObject().put("roles", new JsonArray().add("manager").add("emperor"))), 422,
        "unknown_role");
    var member = org.get("/v1/organizations/" + id + "/users", owner.token()).bodyAsJsonObject().getJsonArray("items")
        .stream().map(JsonObject.class::cast).filter(m -> m.getString("userId").equals(viewer.id())).findFirst()
        .orElseThrow();
    assertEquals(List.of("viewer"), member.getJsonArray("roles").getList());
  }

  /**
   * A member's {@code updatedAt} is when their roles last changed, as a copy's diff reads it to tell who changed them:
   * a change of roles moves it, by setting them, an import or a rename of the role; a write that changes no role
   * (an import or a setting of the roles they hold, adding them again) leaves it.
   */
  @Test
  void aMembersUpdatedAtMovesWhenTheirRolesChange() {
    var owner = org.newUser("owner");
    var member = org.newUser("member");
    var id = newOrg(owner);
    join(id, member, "viewer");
    var joined = listed(id, owner, member);
    assertEquals(joined.getString("memberSince"), joined.getString("updatedAt"), "no change since they joined");
    var rolesPath = "/v1/organizations/" + id + "/users/" + member.id() + "/roles";
    var toManager = new JsonObject().put("roles", new JsonArray().add("manager"));
    var set = org.send(HttpMethod.PUT, rolesPath, owner.token(), toManager);
    assertEquals(200, set.statusCode(), set.bodyAsString());
    var managed = movedSince(joined, listed(id, owner, member), "setting other roles");
    assertEquals(managed.getString("updatedAt"), set.bodyAsJsonObject().getString("updatedAt"), "as the answer says");
    assertEquals(200, org.send(HttpMethod.PUT, rolesPath, owner.token(), toManager).statusCode());
    assertEquals(managed, listed(id, owner, member), "setting the roles they hold");
    add(id, owner, member, "viewer");
    assertEquals(managed, listed(id, owner, member), "adding them again (they keep their roles)");

    var toViewer = importing(member, "viewer");
    assertEquals(200, org.post("/v1/organizations/" + id + "/users:batch", owner.token(), toViewer).statusCode());
    var imported = movedSince(managed, listed(id, owner, member), "an import of other roles");
    assertEquals(200, org.post("/v1/organizations/" + id + "/users:batch", owner.token(), toViewer).statusCode());
    assertEquals(imported, listed(id, owner, member), "an import changing nothing");

    var role = org.post("/v1/organizations/" + id + "/roles", owner.token(), new JsonObject().put("name", "auditor")
        .put("permissions", new JsonArray().add("app_audit_list"))).bodyAsJsonObject();
    assertEquals(200, org.post("/v1/organizations/" + id + "/users:batch", owner.token(), importing(member, "auditor"))
        .statusCode());
    var auditor = movedSince(imported, listed(id, owner, member), "an import of a custom role");
    var renamed = org.send(HttpMethod.PATCH, "/v1/organizations/" + id + "/roles/" + role.getString("id"),
        owner.token(), new JsonObject().put("name", "inspector"));
    assertEquals(200, renamed.statusCode(), renamed.bodyAsString());
    assertEquals(List.of("inspector"), movedSince(auditor, listed(id, owner, member), "renaming their role")
        .getJsonArray("roles").getList());
  }

  /**
   * Setting the roles a member holds is no change: not audited, and no hook hears of it, as adds and imports that
   * change nothing are not (it recorded a {@code member.roles_changed} each time).
   */
  @Test
  void settingTheRolesAMemberHoldsIsNoNews() {
    var owner = org.newUser("owner");
    var member = org.newUser("member");
    var id = newOrg(owner);
    join(id, member, "viewer");
    var hook = org.post("/v1/organizations/" + id + "/hooks", owner.token(), new JsonObject().put("name", "listener")
        .put("url", "https://hooks.example.com/roles").put("events", new JsonArray().add("member.roles_changed")));
    assertEquals(201, hook.statusCode(), hook.bodyAsString());
    var deliveries = "/v1/organizations/" + id + "/hooks/" + hook.bodyAsJsonObject().getString("id") + "/deliveries";
    var rolesPath = "/v1/organizations/" + id + "/users/" + member.id() + "/roles";
    var before = listed(id, owner, member);

    var same = org.send(HttpMethod.PUT, rolesPath, owner.token(),
        new JsonObject().put("roles", new JsonArray().add("viewer")));
    assertEquals(200, same.statusCode(), same.bodyAsString());
    assertEquals(before, same.bodyAsJsonObject(), "answered as they were");
    assertEquals(0, org.audited(owner.token(), id, "member.roles_changed").size());
    assertTrue(org.get(deliveries, owner.token()).bodyAsJsonObject().getJsonArray("items").isEmpty());

    assertEquals(200, org.send(HttpMethod.PUT, rolesPath, owner.token(),
        new JsonObject().put("roles", new JsonArray().add("manager"))).statusCode());
    assertEquals(1, org.audited(owner.token(), id, "member.roles_changed").size(), "a change is news");
    assertEquals(1, org.get(deliveries, owner.token()).bodyAsJsonObject().getJsonArray("items").size());
  }

  /**
   * Roles are a set: the same roles in another order, set or imported, are no change (nothing written, audited or
   * announced), and a member's roles are answered sorted by name whatever order they were given in.
   */
  @Test
  void theSameRolesInAnotherOrderAreNoChange() {
    var owner = org.newUser("owner");
    var member = org.newUser("member");
    var id = newOrg(owner);
    org.addMembers(id, List.of(member.id()), "viewer", "manager");
    var joined = listed(id, owner, member);
    assertEquals(List.of("manager", "viewer"), joined.getJsonArray("roles").getList());

    var reordered = new JsonArray().add("manager").add("viewer");
    var set = org.send(HttpMethod.PUT, "/v1/organizations/" + id + "/users/" + member.id() + "/roles", owner.token(),
        new JsonObject().put("roles", reordered));
    assertEquals(200, set.statusCode(), set.bodyAsString());
    assertEquals(joined, set.bodyAsJsonObject(), "answered as they were");
    var imported = org.post("/v1/organizations/" + id + "/users:batch", owner.token(), new JsonObject().put("items",
        new JsonArray().add(new JsonObject().put("id", member.id()).put("roles", reordered))));
    assertEquals(200, imported.statusCode(), imported.bodyAsString());
    assertEquals(1, imported.bodyAsJsonObject().getInteger("unchanged"), imported.bodyAsString());
    assertEquals(joined, listed(id, owner, member));
    assertEquals(0, org.audited(owner.token(), id, "member.roles_changed").size());
  }

  private static JsonObject importing(OrgServiceHarness.Account member, String role) {
    return new JsonObject().put("items", new JsonArray().add(new JsonObject().put("id", member.id())
        .put("roles", new JsonArray().add(role))));
  }

  /** {@code member} as the organization's member list (what a copy reads) shows them. */
  private JsonObject listed(String orgId, OrgServiceHarness.Account by, OrgServiceHarness.Account member) {
    return org.allPages("/v1/organizations/" + orgId + "/users", by.token(), 100).stream()
        .filter(m -> m.getString("userId").equals(member.id())).findFirst().orElseThrow();
  }

  private static JsonObject movedSince(JsonObject before, JsonObject now, String what) {
    assertTrue(Instant.parse(now.getString("updatedAt")).isAfter(Instant.parse(before.getString("updatedAt"))),
        what + ": " + now.encode());
    assertEquals(before.getString("memberSince"), now.getString("memberSince"), what);
    return now;
  }

  @Test
  void anyMemberMayLeaveButRemovesNoOneElse() {
    var owner = org.newUser("owner");
    var viewer = org.newUser("viewer");
    var other = org.newUser("other");
    var id = newOrg(owner);
    join(id, viewer, "viewer");
    join(id, other, "viewer");
    assertProblem(org.send(HttpMethod.DELETE, "/v1/organizations/" + id + "/users/" + other.id(), viewer.token(), null),
        403, "forbidden");
    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organizations/" + id + "/users/" + viewer.id(), viewer.token(),
        null).statusCode());
    assertProblem(org.get("/v1/organizations/" + id, viewer.token()), 404, "organization_not_found");
    var left = org.get("/v1/organizations/" + id + "/audit-events?action=member.removed", owner.token())
        .bodyAsJsonObject().getJsonArray("items").getJsonObject(0);
    assertEquals(true, left.getJsonObject("details").getBoolean("left"), left.encode());

    var auditor = org.newUser("auditor");
    assertEquals(201, org.post("/v1/organizations/" + id + "/roles", owner.token(), new JsonObject().put("name", "auditor")
        .put("title", "Auditor").put("permissions", new JsonArray().add("app_audit_list"))).statusCode());
    join(id, auditor, "auditor");
    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organizations/" + id + "/users/" + auditor.id(), auditor.token(),
        null).statusCode(), "a role that cannot even read the organization still lets its member leave");
  }

  /**
   * An invitation stays pending when its invitee is added directly; once they are removed, or leave, it goes with
   * their membership, audited as a withdrawal that says why: it takes no one back in, with its roles or any.
   */
  @Test
  void aRemovedMembersPendingInvitationGoesWithTheirMembership() {
    var owner = org.newVerifiedUser("owner");
    var id = newOrg(owner);
    var elsewhere = newOrg(owner);
    var member = org.newVerifiedUser("member");
    var invitation = invite(id, owner, member.email().toUpperCase(), "manager");
    var otherInvitation = invite(elsewhere, owner, member.email(), "viewer");
    join(id, member, "viewer");
    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organizations/" + id + "/users/" + member.id(), owner.token(),
        null).statusCode());

    assertProblem(org.post("/v1/invitations/" + invitation + "/accept", member.token(), null), 404,
        "invitation_not_found");
    assertProblem(org.get("/v1/organizations/" + id, member.token()), 404, "organization_not_found");
    var withdrawn = org.audited(owner.token(), id, "invitation.deleted");
    assertEquals(1, withdrawn.size(), withdrawn.encode());
    assertEquals("invitation:" + invitation, withdrawn.getJsonObject(0).getString("target"));
    assertEquals("member_removed", withdrawn.getJsonObject(0).getJsonObject("details").getString("reason"));
    assertEquals(200, org.get("/v1/organizations/" + elsewhere + "/invitations/" + otherInvitation, owner.token())
        .statusCode(), "another organization's invitation stays");
  }

  @Test
  void aMemberWhoLeavesTakesTheirPendingInvitationAlong() {
    var owner = org.newVerifiedUser("owner");
    var id = newOrg(owner);
    var member = org.newVerifiedUser("member");
    var invitation = invite(id, owner, member.email(), "manager");
    join(id, member, "viewer");
    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organizations/" + id + "/users/" + member.id(), member.token(),
        null).statusCode());

    assertProblem(org.post("/v1/invitations/" + invitation + "/accept", member.token(), null), 404,
        "invitation_not_found");
    assertProblem(org.get("/v1/organizations/" + id, member.token()), 404, "organization_not_found");
    var withdrawn = org.audited(owner.token(), id, "invitation.deleted").getJsonObject(0);
    assertEquals("member_left", withdrawn.getJsonObject("details").getString("reason"), withdrawn.encode());
    assertEquals(member.id(), withdrawn.getString("actor"), "they left: the withdrawal is theirs");
  }

  /** The id of a new invitation of {@code email} to {@code orgId} with {@code role}. */
  private String invite(String orgId, OrgServiceHarness.Account by, String email, String role) {
    var invited = org.post("/v1/organizations/" + orgId + "/invitations", by.token(), new JsonObject()
        .put("email", email).put("roles", new JsonArray().add(role)));
    assertEquals(201, invited.statusCode(), invited.bodyAsString());
    return invited.bodyAsJsonObject().getString("id");
  }

  /**
   * One member reads as the list shows them, with the tag a change of their roles compares {@code If-Match} with: of
   * two admins changing a member's roles from the same read, the second is refused (412) rather than undoing the
   * first, which until session 35 it silently did; the current tag, or none, changes them as ever.
   */
  @Test
  void aChangeOfRolesFromAStaleReadIsRefused() {
    var owner = org.newUser("owner");
    var admin = org.newUser("admin");
    var member = org.newUser("member");
    var id = newOrg(owner);
    join(id, admin, "owner");
    join(id, member, "viewer");
    var memberPath = "/v1/organizations/" + id + "/users/" + member.id();
    var read = org.get(memberPath, admin.token());
    assertEquals(200, read.statusCode(), read.bodyAsString());
    assertEquals(listed(id, owner, member), read.bodyAsJsonObject());
    var seen = read.getHeader("ETag");

    var first = org.send(HttpMethod.PUT, memberPath + "/roles", owner.token(), roles("manager"), ifMatch(seen));
    assertEquals(200, first.statusCode(), first.bodyAsString());
    var changed = first.getHeader("ETag");
    assertEquals(org.get(memberPath, admin.token()).getHeader("ETag"), changed, "the answer's tag is the member's");
    assertProblem(org.send(HttpMethod.PUT, memberPath + "/roles", admin.token(), roles("viewer"), ifMatch(seen)),
        412, "precondition_failed");
    assertEquals(List.of("manager"), listed(id, owner, member).getJsonArray("roles").getList(), "the first stands");
    assertEquals(1, org.audited(owner.token(), id, "member.roles_changed").size(), "the refused one is not audited");

    var current = org.send(HttpMethod.PUT, memberPath + "/roles", admin.token(), roles("viewer"), ifMatch(changed));
    assertEquals(200, current.statusCode(), current.bodyAsString());
    assertEquals(304, org.send(HttpMethod.GET, memberPath, admin.token(), null,
        MultiMap.caseInsensitiveMultiMap().add("If-None-Match", current.getHeader("ETag"))).statusCode());
    var unconditional = org.send(HttpMethod.PUT, memberPath + "/roles", admin.token(), roles("manager"));
    assertEquals(200, unconditional.statusCode(), "no If-Match: " + unconditional.bodyAsString());
    assertEquals(List.of("manager"), listed(id, owner, member).getJsonArray("roles").getList());
  }

  /** Of two changes of roles sent at once from the same read, one is made: the tag is compared under the row's lock. */
  @Test
  void ofTwoChangesOfRolesFromTheSameReadOneIsMade() {
    var owner = org.newUser("owner");
    var member = org.newUser("member");
    var id = newOrg(owner);
    join(id, member, "viewer");
    var memberPath = "/v1/organizations/" + id + "/users/" + member.id();
    var seen = org.get(memberPath, owner.token()).getHeader("ETag");
    var client = WebClient.create(vertx);
    var changes = List.of("manager", "owner").stream().map(role -> client
            .put(org.port(), "127.0.0.1", memberPath + "/roles")
            .bearerTokenAuthentication(owner.token()).putHeader("If-Match", seen)
            .sendJsonObject(roles(role)))
        .toList();
    Future.join(changes).otherwiseEmpty().await();
    assertEquals(List.of(200, 412), changes.stream().map(f -> f.result().statusCode()).sorted().toList());
    var made = changes.stream().map(Future::result).filter(r -> r.statusCode() == 200).findFirst().orElseThrow();
    assertEquals(made.bodyAsJsonObject(), listed(id, owner, member));
  }

  /**
   * A removal honours {@code If-Match} as a change of roles does: one from a read the member's roles changed since is
   * refused (412) and the member stays; the current tag removes them.
   */
  @Test
  void aRemovalFromAStaleReadIsRefused() {
    var owner = org.newUser("owner");
    var member = org.newUser("member");
    var outsider = org.newUser("outsider");
    var id = newOrg(owner);
    join(id, member, "viewer");
    var memberPath = "/v1/organizations/" + id + "/users/" + member.id();
    var seen = org.get(memberPath, owner.token()).getHeader("ETag");
    assertEquals(200, org.send(HttpMethod.PUT, memberPath + "/roles", owner.token(), roles("manager")).statusCode());

    assertProblem(org.send(HttpMethod.DELETE, memberPath, owner.token(), null, ifMatch(seen)), 412,
        "precondition_failed");
    assertEquals(List.of("manager"), listed(id, owner, member).getJsonArray("roles").getList(), "still a member");
    var current = org.get(memberPath, owner.token()).getHeader("ETag");
    assertEquals(204, org.send(HttpMethod.DELETE, memberPath, owner.token(), null, ifMatch(current)).statusCode());
    assertProblem(org.get(memberPath, owner.token()), 404, "member_not_found");
    assertProblem(org.get("/v1/organizations/" + id + "/users/" + outsider.id(), owner.token()), 404,
        "member_not_found");
    assertEquals(200, org.get("/v1/organizations/" + id + "/users/" + serviceUserOf(id, owner), owner.token())
        .statusCode(), "a service user is read as a change of its roles answers it");
  }

  private static JsonObject roles(String role) {
    return new JsonObject().put("roles", new JsonArray().add(role));
  }

  private static MultiMap ifMatch(String tag) {
    return MultiMap.caseInsensitiveMultiMap().add("If-Match", tag);
  }

  @Test
  void lastOwnerCanBeNeitherRemovedNorDemoted() {
    var owner = org.newUser("owner");
    var id = newOrg(owner);
    assertProblem(org.send(HttpMethod.DELETE, "/v1/organizations/" + id + "/users/" + owner.id(), owner.token(), null),
        409, "last_owner");
    assertProblem(org.send(HttpMethod.PUT, "/v1/organizations/" + id + "/users/" + owner.id() + "/roles",
        owner.token(), new JsonObject().put("roles", new JsonArray().add("viewer"))), 409, "last_owner");
  }

  @Test
  void concurrentDemotionsLeaveAnOwner() {
    var first = org.newUser("first");
    var second = org.newUser("second");
    var id = newOrg(first);
    join(id, second, "owner");
    var client = WebClient.create(vertx);
    var demotions = List.of(first, second).stream().map(a -> client
            .put(org.port(), "127.0.0.1", "/v1/organizations/" + id + "/users/" + a.id() + "/roles")
            .bearerTokenAuthentication(a.token())
            .sendJsonObject(new JsonObject().put("roles", new JsonArray().add("viewer"))))
        .toList();
    Future.join(demotions).otherwiseEmpty().await();
    var statuses = demotions.stream().map(f -> f.result().statusCode()).sorted().toList();
    assertEquals(List.of(200, 409), statuses);
    var refused = demotions.stream().map(Future::result).filter(r -> r.statusCode() == 409).findFirst().orElseThrow();
    assertProblem(refused, 409, "last_owner");
    var owners = org.get("/v1/organizations/" + id + "/users", first.token()).bodyAsJsonObject().getJsonArray("items")
        .stream().filter(m -> ((JsonObject) m).getJsonArray("roles").contains("owner")).count();
    assertEquals(1, owners);
  }

  /**
   * The engine's import (member A given other roles, B joining) waits for A's row, held here, while an owner changes
   * A's roles; both are made, one after the other. Until session 39 the engine took A's row, then the organization's
   * (at B's foreign key), the owner the organization's, then A's, and one of them failed 409 concurrent_update: the
   * engine, which does not retry a page, failed the template's copy.
   */
  @Test
  void theEnginesImportAndAnOwnersChangeOfTheRolesOfOneMemberAreBothMade() throws Exception {
    var owner = org.newUser("owner");
    var a = org.newUser("member-a");
    var b = org.newUser("joining-b");
    var id = newOrg(owner);
    join(id, a, "viewer");
    try (var rival = UncommittedTransaction.begin(org.db())) {
      rival.run("SELECT FROM org.memberships WHERE org_id = ?::uuid AND user_id = ?::uuid FOR UPDATE", id, a.id());
      var imported = inThread(() -> org.post("/v1/organizations/" + id + "/users:batch", org.engineToken(),
          importOf(a, "manager", b)));
      PgFixture.awaitLockWaits(org.db(), 1);
      var changed = inThread(() -> org.send(HttpMethod.PUT, "/v1/organizations/" + id + "/users/" + a.id() + "/roles",
          owner.token(), new JsonObject().put("roles", new JsonArray().add("member"))));
      PgFixture.awaitLockWaits(org.db(), 2);
      rival.commit();
      var importAnswer = imported.get(20, TimeUnit.SECONDS);
      assertEquals(200, importAnswer.statusCode(), importAnswer.bodyAsString());
      var changeAnswer = changed.get(20, TimeUnit.SECONDS);
      assertEquals(200, changeAnswer.statusCode(), changeAnswer.bodyAsString());
    }
    assertEquals(new JsonArray().add("member"), org.get("/v1/organizations/" + id + "/users/" + a.id(), owner.token())
        .bodyAsJsonObject().getJsonArray("roles"), "the owner's change came last");
  }

  /**
   * The engine's import of members with a custom role (its grant holds the role's row) and an owner's change of the
   * role (the organization's row, then the role's): both are made. Until session 39 the engine took the organization's
   * row last, at its new member's foreign key, and one of the two failed 409 concurrent_update.
   */
  @Test
  void theEnginesImportOfACustomRoleAndAnOwnersChangeOfTheRoleAreBothMade() throws Exception {
    var owner = org.newUser("owner");
    var a = org.newUser("member-a");
    var b = org.newUser("joining-b");
    var id = newOrg(owner);
    join(id, a, "viewer");
    var role = org.post("/v1/organizations/" + id + "/roles", owner.token(), new JsonObject().put("name", "auditor")
        .put("title", "Auditor").put("permissions", new JsonArray().add("app_organization_userlist")));
    assertEquals(201, role.statusCode(), role.bodyAsString());
    try (var rival = UncommittedTransaction.begin(org.db())) {
      rival.run("SELECT FROM org.memberships WHERE org_id = ?::uuid AND user_id = ?::uuid FOR UPDATE", id, a.id());
      var imported = inThread(() -> org.post("/v1/organizations/" + id + "/users:batch", org.engineToken(),
          importOf(a, "auditor", b)));
      PgFixture.awaitLockWaits(org.db(), 1);
      var changed = inThread(() -> org.send(HttpMethod.PATCH, "/v1/organizations/" + id + "/roles/"
          + role.bodyAsJsonObject().getString("id"), owner.token(), new JsonObject().put("title", "Auditors")));
      PgFixture.awaitLockWaits(org.db(), 2);
      rival.commit();
      var importAnswer = imported.get(20, TimeUnit.SECONDS);
      assertEquals(200, importAnswer.statusCode(), importAnswer.bodyAsString());
      var changeAnswer = changed.get(20, TimeUnit.SECONDS);
      assertEquals(200, changeAnswer.statusCode(), changeAnswer.bodyAsString());
    }
  }

  /** An import giving member {@code a} the role {@code role}, and {@code joining} the role viewer. */
  private static JsonObject importOf(OrgServiceHarness.Account a, String role, OrgServiceHarness.Account joining) {
    return new JsonObject().put("items", new JsonArray()
        .add(new JsonObject().put("id", a.id()).put("roles", new JsonArray().add(role)))
        .add(new JsonObject().put("id", joining.id()).put("roles", new JsonArray().add("viewer"))));
  }

  private static CompletableFuture<HttpResponse<Buffer>> inThread(Supplier<HttpResponse<Buffer>> request) {
    return CompletableFuture.supplyAsync(request, task -> new Thread(task).start());
  }

  @Test
  void removedMemberLosesAccessAtTheNextRequest() {
    var owner = org.newUser("owner");
    var member = org.newUser("member");
    var id = newOrg(owner);
    join(id, member, "viewer");
    assertEquals(200, org.get("/v1/organizations/" + id, member.token()).statusCode());
    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organizations/" + id + "/users/" + member.id(), owner.token(),
        null).statusCode());
    assertProblem(org.get("/v1/organizations/" + id, member.token()), 404, "organization_not_found");
    assertProblem(org.send(HttpMethod.DELETE, "/v1/organizations/" + id + "/users/" + member.id(), owner.token(),
        null), 404, "member_not_found");
  }

  @Test
  void catalogListsPermissionsAndPredefinedRoles() {
    var user = org.newUser("any");
    var permissions = org.get("/v1/permissions", user.token()).bodyAsJsonObject().getJsonArray("items");
    assertEquals("app_organization_get", permissions.getJsonObject(0).getString("name"));
    var roles = org.get("/v1/roles", user.token()).bodyAsJsonObject().getJsonArray("items");
    assertEquals(List.of("owner", "manager", "viewer", "member"),
        roles.stream().map(r -> ((JsonObject) r).getString("name")).toList());
  }

  @Test
  void theCatalogIsForSignedInCallers() {
    assertProblem(org.get("/v1/permissions", null), 401, "invalid_token");
    assertProblem(org.get("/v1/roles", null), 401, "invalid_token");
  }
}
