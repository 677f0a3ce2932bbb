package dev.orgplane.copy.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyPlugin;
import dev.orgplane.copy.api.Counts;
import dev.orgplane.copy.api.IdFunction;
import dev.orgplane.copy.api.OncePerRun;
import dev.orgplane.copy.testkit.InMemoryOrgApi;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Plan and diff say what the copy does where org-service's import leaves an object as it is though the template gives
 * it otherwise: an owner of the target who is a member of the template (an import never changes an owner), and lists
 * the service keeps as sets, given in another order (a role's permissions, a member's roles). Until session 30 plan
 * counted them updated and diff found them changed by the tenant, for good, while every copy left them unchanged.
 * The job's requester whom org-service withholds from the target is left out of members and teams alike.
 */
class WhatAnImportLeavesTest {

  private static final String TEMPLATE = PluginRun.TEMPLATE;
  private static final String TARGET = PluginRun.TARGET;

  @Test
  void aTargetOwnerWhoIsATemplateMemberIsNoDrift() {
    var api = new InMemoryOrgApi();
    var user = UUID.randomUUID().toString();
    api.objects(TEMPLATE, "users").put(user, member(user, "member"));
    api.objects(TARGET, "users").put(user, member(user, "owner"));
    assertAgreeOnNothingToDo(new UsersPlugin(), api);
    assertEquals(new JsonArray().add("owner"), api.objects(TARGET, "users").get(user).getJsonArray("roles"));
  }

  /**
   * A tenant's owner who is no template member (its requester, or an invited owner who accepted) is no copy, and no
   * copy takes them away: until session 30 the diff listed them as {@code extra}, so a tenant was never in sync. A
   * member the tenant added is still extra.
   */
  @Test
  void aTargetOwnerWhoIsNoTemplateMemberIsNoDrift() {
    var api = new InMemoryOrgApi();
    var member = UUID.randomUUID().toString();
    var owner = UUID.randomUUID().toString();
    api.objects(TEMPLATE, "users").put(member, member(member, "member"));
    api.objects(TARGET, "users").put(owner, member(owner, "owner"));
    new UsersPlugin().copy(run(api), Checkpoint.START).await();
    var diff = new UsersPlugin().diff(run(api)).await();
    assertTrue(diff.inSync(), "the diff: " + diff.toJson().encode());

    var added = UUID.randomUUID().toString();
    api.objects(TARGET, "users").put(added, member(added, "admin"));
    assertEquals(List.of(added), new UsersPlugin().diff(run(api)).await().extra(), "a member the tenant added");
  }

  @Test
  void aMembersRolesInAnotherOrderAreNoDrift() {
    var api = new InMemoryOrgApi();
    var user = UUID.randomUUID().toString();
    api.objects(TEMPLATE, "users").put(user, member(user, "member", "viewer"));
    api.objects(TARGET, "users").put(user, member(user, "viewer", "member"));
    assertAgreeOnNothingToDo(new UsersPlugin(), api);
  }

  @Test
  void aRolesPermissionsInAnotherOrderAreNoDrift() {
    var api = new InMemoryOrgApi();
    var id = UUID.randomUUID().toString();
    var role = new JsonObject().put("id", id).put("name", "auditor").put("title", "Auditor")
        .put("permissions", new JsonArray().add("app_organization_get").add("app_user_list"))
        .put("metadata", new JsonObject());
    api.objects(TEMPLATE, "roles").put(id, role);
    var copyId = IdFunction.nameBased(TARGET, id);
    api.objects(TARGET, "roles").put(copyId, role.copy().put("id", copyId)
        .put("permissions", new JsonArray().add("app_user_list").add("app_organization_get")));
    assertAgreeOnNothingToDo(new RolesPlugin(), api);
  }

  /**
   * The job's requester whom org-service makes no member of the target ({@code withheldMembers}: a group admin who
   * does not own it) is planned in no count and is no drift, missing or with other roles: until session 41 the copy
   * made them the template's member there, and since it does not, plan and diff would have claimed it for good.
   */
  @Test
  void aWithheldRequesterIsNeitherPlannedNorDrift() {
    var api = new InMemoryOrgApi();
    var requester = UUID.randomUUID().toString();
    var member = UUID.randomUUID().toString();
    api.objects(TEMPLATE, "users").put(requester, member(requester, "owner"));
    api.objects(TEMPLATE, "users").put(member, member(member, "member"));

    assertEquals(new Counts(1, 0, 0), new UsersPlugin().plan(withholding(api, requester), Checkpoint.START).await()
        .counts());
    api.objects(TARGET, "users").put(member, member(member, "member"));
    var diff = new UsersPlugin().diff(withholding(api, requester)).await();
    assertTrue(diff.inSync(), "the requester is missing as the copy leaves them: " + diff.toJson().encode());
    assertEquals(List.of(requester), new UsersPlugin().diff(run(api)).await().missing(), "withheld from no one else");

    api.objects(TARGET, "users").put(requester, member(requester, "viewer"));
    assertEquals(new Counts(0, 0, 1), new UsersPlugin().plan(withholding(api, requester), Checkpoint.START).await()
        .counts());
    var held = new UsersPlugin().diff(withholding(api, requester)).await();
    assertTrue(held.inSync(), "the requester keeps the roles they hold: " + held.toJson().encode());
  }

  /**
   * A withheld requester in a template team is in no copy of it, and a team of the target holding them (where a platform
   * admin made them a member) is no drift either, as org-service's import leaves them there: until session 42 the
   * copy named them, and the import refused the job (422 {@code not_a_member}) where they are no member.
   */
  @Test
  void aWithheldRequesterIsInNoTeamsCopyNorDrift() {
    var api = new InMemoryOrgApi();
    var requester = UUID.randomUUID().toString();
    var member = UUID.randomUUID().toString();
    api.objects(TEMPLATE, "users").put(requester, member(requester, "owner"));
    api.objects(TEMPLATE, "users").put(member, member(member, "member"));
    var team = UUID.randomUUID().toString();
    api.objects(TEMPLATE, "groups").put(team, team(team, requester, member));
    api.objects(TARGET, "users").put(member, member(member, "member"));

    assertEquals(new Counts(1, 0, 0), new GroupsPlugin().plan(withholding(api, requester), Checkpoint.START).await()
        .counts());
    assertEquals(new Counts(1, 0, 0), new GroupsPlugin().copy(withholding(api, requester), Checkpoint.START).await()
        .counts());
    var copyId = IdFunction.nameBased(TARGET, team);
    assertEquals(new JsonArray().add(member), api.objects(TARGET, "groups").get(copyId).getJsonArray("userIds"));
    assertEquals(new Counts(0, 0, 1), new GroupsPlugin().plan(withholding(api, requester), Checkpoint.START).await()
        .counts());
    var diff = new GroupsPlugin().diff(withholding(api, requester)).await();
    assertTrue(diff.inSync(), "the team is as the copy leaves it: " + diff.toJson().encode());
    assertFalse(new GroupsPlugin().diff(run(api)).await().inSync(), "withheld from no one else");

    api.objects(TARGET, "users").put(requester, member(requester, "viewer"));
    api.edit(TARGET, "groups", copyId, team(copyId, requester, member));
    assertEquals(new Counts(0, 0, 1), new GroupsPlugin().plan(withholding(api, requester), Checkpoint.START).await()
        .counts());
    var held = new GroupsPlugin().diff(withholding(api, requester)).await();
    assertTrue(held.inSync(), "the requester keeps their place in the team: " + held.toJson().encode());
  }

  /** The copy leaves the target as it is, and plan and diff say so, before and after it. */
  private static void assertAgreeOnNothingToDo(CopyPlugin plugin, InMemoryOrgApi api) {
    var planned = plugin.plan(run(api), Checkpoint.START).await();
    assertEquals(new Counts(0, 0, 1), planned.counts(), "the plan");
    var copied = plugin.copy(run(api), Checkpoint.START).await();
    assertEquals(new Counts(0, 0, 1), copied.counts(), "the copy");
    var diff = plugin.diff(run(api)).await();
    assertTrue(diff.inSync(), "the diff: " + diff.toJson().encode());
  }

  /** A job's run from the template into the target, on the kit's org-service. */
  private static PluginRun run(InMemoryOrgApi api) {
    return new PluginRun(api, UUID.randomUUID().toString(), TARGET, 10, new OncePerRun());
  }

  /** {@link #run}, org-service withholding {@code requester}. */
  private static PluginRun withholding(InMemoryOrgApi api, String requester) {
    return new PluginRun(api, UUID.randomUUID().toString(), TARGET, 10, new OncePerRun(), new JsonObject(),
        Set.of(requester));
  }

  private static JsonObject team(String id, String... userIds) {
    return new JsonObject().put("id", id).put("name", "support").put("title", "Support").put("metadata", new JsonObject())
        .put("userIds", new JsonArray(List.of(userIds).stream().sorted().toList()));
  }

  private static JsonObject member(String userId, String... roles) {
    return new JsonObject().put("userId", userId).put("roles", new JsonArray(List.of(roles)));
  }
}
