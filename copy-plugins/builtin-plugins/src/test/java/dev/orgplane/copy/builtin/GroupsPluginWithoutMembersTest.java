package dev.orgplane.copy.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A copy without the template's members ({@code copyMembers: false}, the launcher's {@code --no-members}, offered with
 * {@code --all-provisioned} over every tenant) leaves the members of the teams a tenant has as they are, and plan and
 * diff compare the teams without them. Until session 32 it wrote every team with no members, which the import took
 * as "none": each re-run emptied every team of every tenant, the template's members and the tenant's own alike.
 */
class GroupsPluginWithoutMembersTest {

  private static final String TEMPLATE = PluginRun.TEMPLATE;
  private static final String TARGET = PluginRun.TARGET;
  private static final JsonObject NO_MEMBERS = new JsonObject().put("copyMembers", false);

  @Test
  void aCopyWithoutMembersKeepsTheMembersOfExistingTeams() {
    var api = new InMemoryOrgApi();
    var member = member(api, TEMPLATE);
    var team = UUID.randomUUID().toString();
    api.objects(TEMPLATE, "groups").put(team, team(team, "support", "Support", member));
    copyAll(api, new JsonObject(), new UsersPlugin(), new GroupsPlugin());
    var copyId = IdFunction.nameBased(TARGET, team);
    var own = member(api, TARGET);
    api.edit(TARGET, "groups", copyId, team(copyId, "support", "Support", member, own));
    api.edit(TEMPLATE, "groups", team, team(team, "support", "Support desk", member));
    var added = UUID.randomUUID().toString();
    api.objects(TEMPLATE, "groups").put(added, team(added, "billing", "Billing", member));

    assertEquals(new Counts(1, 1, 0), new GroupsPlugin().plan(run(api, NO_MEMBERS), Checkpoint.START).await().counts());
    assertEquals(new Counts(1, 1, 0), new GroupsPlugin().copy(run(api, NO_MEMBERS), Checkpoint.START).await().counts());
    var copy = api.objects(TARGET, "groups").get(copyId);
    assertEquals("Support desk", copy.getString("title"), "the template's change is copied");
    assertEquals(new JsonArray(List.of(member, own).stream().sorted().toList()), copy.getJsonArray("userIds"),
        "the team keeps its members, the tenant's own too");
    assertEquals(new JsonArray(), api.objects(TARGET, "groups").get(IdFunction.nameBased(TARGET, added))
        .getJsonArray("userIds"), "a new team is made without members");

    assertEquals(new Counts(0, 0, 2), new GroupsPlugin().plan(run(api, NO_MEMBERS), Checkpoint.START).await().counts());
    var diff = new GroupsPlugin().diff(run(api, NO_MEMBERS)).await();
    assertTrue(diff.inSync(), "the teams' members are no drift without copied members: " + diff.toJson().encode());
    assertEquals(2, new GroupsPlugin().diff(run(api, new JsonObject())).await().tenantChanged().size(),
        "with copied members, a member the tenant added and one the copy left out are");
  }

  private static void copyAll(InMemoryOrgApi api, JsonObject options, CopyPlugin... plugins) {
    for (var plugin : plugins) {
      assertTrue(plugin.copy(run(api, options), Checkpoint.START).await().last(), "one page each");
    }
  }

  private static PluginRun run(InMemoryOrgApi api, JsonObject options) {
    return new PluginRun(api, UUID.randomUUID().toString(), TARGET, 10, new OncePerRun(), options);
  }

  private static String member(InMemoryOrgApi api, String organization) {
    var userId = UUID.randomUUID().toString();
    api.objects(organization, "users").put(userId, new JsonObject().put("userId", userId)
        .put("roles", new JsonArray().add("member")));
    return userId;
  }

  private static JsonObject team(String id, String name, String title, String... userIds) {
    return new JsonObject().put("id", id).put("name", name).put("title", title).put("metadata", new JsonObject())
        .put("userIds", new JsonArray(List.of(userIds).stream().sorted().toList()));
  }
}
