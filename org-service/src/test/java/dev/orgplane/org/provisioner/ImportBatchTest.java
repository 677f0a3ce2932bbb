package dev.orgplane.org.provisioner;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceTest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code roles:batch}, {@code groups:batch} and the setup kinds' batches: many imports with chosen ids in one
 * transaction.
 */
class ImportBatchTest extends OrgServiceTest {

  private static JsonObject role(String id, String name, String permission) {
    return new JsonObject().put("id", id).put("name", name).put("title", name)
        .put("permissions", new JsonArray().add(permission));
  }

  private static JsonObject batch(JsonObject... items) {
    return new JsonObject().put("items", new JsonArray(java.util.List.of((Object[]) items)));
  }

  private static void assertCounts(io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> response,
      long created, long updated, long unchanged) {
    assertEquals(200, response.statusCode(), response.bodyAsString());
    var counts = response.bodyAsJsonObject();
    assertEquals(created, counts.getLong("created"), counts.encode());
    assertEquals(updated, counts.getLong("updated"), counts.encode());
    assertEquals(unchanged, counts.getLong("unchanged"), counts.encode());
  }

  @Test
  void rolesAreImportedCreatedThenUnchangedThenUpdated() {
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "roles-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var path = "/v1/organizations/" + orgId + "/roles:batch";
    var a = UUID.randomUUID().toString();
    var b = UUID.randomUUID().toString();
    assertCounts(org.post(path, owner.token(), batch(role(a, "auditor", "app_audit_list"),
        role(b, "editor", "app_organization_get"))), 2, 0, 0);
    assertCounts(org.post(path, owner.token(), batch(role(a, "auditor", "app_audit_list"),
        role(b, "editor", "app_organization_get"))), 0, 0, 2);
    assertCounts(org.post(path, owner.token(), batch(role(a, "auditor", "app_organization_get"),
        role(b, "editor", "app_organization_get"))), 0, 1, 1);
    var listed = org.get("/v1/organizations/" + orgId + "/roles", owner.token()).bodyAsJsonObject().getJsonArray("items");
    assertEquals(2, listed.size());
  }

  /** A batch that renames roles in a chain carries each one's assignments to its new name, with one statement. */
  @Test
  void replacedRolesAreWrittenTogetherAndTheirHoldersFollowRenamesInOrder() {
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "chain-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var path = "/v1/organizations/" + orgId + "/roles:batch";
    var first = org.newUser("first");
    var second = org.newUser("second");
    var alpha = newId();
    var beta = newId();
    var kept = newId();
    var widened = newId();
    assertCounts(org.post(path, owner.token(), batch(role(alpha, "alpha", "app_audit_list"),
        role(beta, "beta", "app_audit_list"), role(kept, "kept", "app_audit_list"),
        role(widened, "widened", "app_audit_list"))), 4, 0, 0);
    for (var holder : List.of(List.of(first.id(), "alpha"), List.of(second.id(), "beta"))) {
      org.addMembers(orgId, List.of(holder.get(0)), holder.get(1));
    }

    assertCounts(org.post(path, owner.token(), batch(role(beta, "gamma", "app_audit_list"),
        role(widened, "widened", "app_organization_get"), role(alpha, "beta", "app_audit_list"),
        role(kept, "kept", "app_audit_list"))), 0, 3, 1);
    var roles = org.get("/v1/organizations/" + orgId + "/users", owner.token()).bodyAsJsonObject().getJsonArray("items")
        .stream().map(JsonObject.class::cast)
        .collect(java.util.stream.Collectors.toMap(m -> m.getString("userId"), m -> m.getJsonArray("roles").getList()));
    assertEquals(List.of("beta"), roles.get(first.id()), "alpha's holder holds it as beta");
    assertEquals(List.of("gamma"), roles.get(second.id()), "the old beta's holder holds it as gamma");
    var permissions = org.get("/v1/organizations/" + orgId + "/roles/" + widened, owner.token()).bodyAsJsonObject()
        .getJsonArray("permissions").getList();
    assertEquals(List.of("app_organization_get"), permissions);
    var updates = org.get("/v1/organizations/" + orgId + "/audit-events?action=role.updated&limit=500", owner.token())
        .bodyAsJsonObject().getJsonArray("items").stream().map(e -> ((JsonObject) e).getString("target")).sorted()
        .toList();
    assertEquals(java.util.stream.Stream.of(alpha, beta, widened).map(id -> "role:" + id).sorted().toList(), updates);
  }

  /** Two roles of a batch swap names (before session 33, 409 whatever the order): each one's holders follow it. */
  @Test
  void replacedRolesSwapNamesAndTheirHoldersFollowThem() {
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "swap-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var path = "/v1/organizations/" + orgId + "/roles:batch";
    var first = org.newUser("first");
    var second = org.newUser("second");
    var alpha = newId();
    var beta = newId();
    assertCounts(org.post(path, owner.token(), batch(role(alpha, "alpha", "app_audit_list"),
        role(beta, "beta", "app_organization_get"))), 2, 0, 0);
    org.addMembers(orgId, List.of(first.id()), "alpha");
    org.addMembers(orgId, List.of(second.id()), "beta");

    assertCounts(org.post(path, owner.token(), batch(role(alpha, "beta", "app_audit_list"),
        role(beta, "alpha", "app_organization_get"))), 0, 2, 0);
    var roles = org.get("/v1/organizations/" + orgId + "/users", owner.token()).bodyAsJsonObject().getJsonArray("items")
        .stream().map(JsonObject.class::cast)
        .collect(java.util.stream.Collectors.toMap(m -> m.getString("userId"), m -> m.getJsonArray("roles").getList()));
    assertEquals(List.of("beta"), roles.get(first.id()), "alpha's holder holds it as beta");
    assertEquals(List.of("alpha"), roles.get(second.id()), "beta's holder holds it as alpha");
    var renamed = org.get("/v1/organizations/" + orgId + "/roles/" + alpha, owner.token()).bodyAsJsonObject();
    assertEquals(List.of("beta", List.of("app_audit_list")),
        List.of(renamed.getString("name"), renamed.getJsonArray("permissions").getList()));
  }

  @Test
  void aBadItemRejectsTheBatchNamingItAndWritesNothing() {
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "bad-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var path = "/v1/organizations/" + orgId + "/roles:batch";
    var id = UUID.randomUUID().toString();
    var response = org.post(path, owner.token(), batch(role(UUID.randomUUID().toString(), "fine", "app_audit_list"),
        role(id, "owner", "app_audit_list"), role(id, "twice", "app_nonsense"), new JsonObject().put("name", "no-id")));
    assertProblem(response, 400, "validation_failed");
    var fields = response.bodyAsJsonObject().getJsonArray("errors").stream()
        .map(e -> ((JsonObject) e).getString("field")).toList();
    assertEquals(java.util.List.of("items[1].name", "items[2].id", "items[2].permissions", "items[3].id"), fields);
    assertEquals(0, org.get("/v1/organizations/" + orgId + "/roles", owner.token()).bodyAsJsonObject()
        .getJsonArray("items").size(), "nothing was written");
    assertProblem(org.post(path, owner.token(), new JsonObject().put("items", new JsonArray())), 400,
        "validation_failed");
    assertProblem(org.post(path, owner.token(), "{\"items\": ["), 400, "malformed_json");
    assertProblem(org.post(path, owner.token(), "null"), 400, "malformed_json");
    assertProblem(org.post(path, owner.token(), ""), 400, "body_required");
    var dryRun = org.post(path, owner.token(), batch(role(UUID.randomUUID().toString(), "fine", "app_audit_list"))
        .put("dryRun", true));
    assertProblem(dryRun, 400, "validation_failed");
    assertEquals("dryRun", dryRun.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"));
    assertEquals(0, org.get("/v1/organizations/" + orgId + "/roles", owner.token()).bodyAsJsonObject()
        .getJsonArray("items").size(), "a batch with a field it does not know writes nothing");
  }

  private static JsonObject hook(String id, String name, JsonArray queueIds, String... runAfter) {
    return new JsonObject().put("id", id).put("name", name).put("url", "https://hooks.example.com/" + name).put("events", new JsonArray().add("queue.created"))
        .put("queueIds", queueIds).put("runAfter", new JsonArray(java.util.List.of((Object[]) runAfter)));
  }

  @Test
  void hookBatchesWithBrokenReferencesOrRunOrderCyclesAreRefusedNewOrUpdated() {
    var owner = org.newUser("owner");
    var base = "/v1/organizations/" + org.createOrg(owner.token(), "hooks-" + UUID.randomUUID().toString()
        .substring(0, 8)).getString("id");
    var ws = org.post(base + "/workspaces", owner.token(), new JsonObject().put("name", "w")).bodyAsJsonObject();
    var schema = org.post(base + "/schemas", owner.token(), new JsonObject().put("name", "s")
        .put("content", new JsonObject())).bodyAsJsonObject();
    var queue = org.post(base + "/queues", owner.token(), new JsonObject().put("name", "q")
        .put("workspaceId", ws.getString("id")).put("schemaId", schema.getString("id"))).bodyAsJsonObject().getString("id");
    var queues = new JsonArray().add(queue);
    var path = base + "/hooks:batch";
    var a = UUID.randomUUID().toString();
    var b = UUID.randomUUID().toString();
    var c = UUID.randomUUID().toString();

    var newCycle = org.post(path, owner.token(), batch(hook(a, "a", queues, b), hook(b, "b", queues, a)));
    assertProblem(newCycle, 422, "invalid_reference");
    // the cycle is named on whichever of its two items the check meets first
    assertTrue(java.util.Set.of("items[0].runAfter", "items[1].runAfter").contains(
        newCycle.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field")), newCycle.bodyAsString());
    var unknown = UUID.randomUUID().toString();
    var broken = org.post(path, owner.token(), batch(hook(a, "a", new JsonArray().add(unknown)), hook(b, "b", queues, c)));
    assertProblem(broken, 422, "invalid_reference");
    assertEquals(java.util.Set.of("items[0].queueIds", "items[1].runAfter"), broken.bodyAsJsonObject().getJsonArray("errors").stream()
        .map(e -> ((JsonObject) e).getString("field")).collect(java.util.stream.Collectors.toSet()));
    assertEquals(0, org.get(base + "/hooks", owner.token()).bodyAsJsonObject().getJsonArray("items").size(),
        "refused batches wrote nothing");

    assertCounts(org.post(path, owner.token(), batch(hook(a, "a", queues), hook(b, "b", queues, a),
        hook(c, "c", queues, b))), 3, 0, 0);
    assertProblem(org.post(path, owner.token(), batch(hook(a, "a", queues, c))), 422, "invalid_reference");
    var updatedAndNew = org.post(path, owner.token(), batch(hook(a, "a", queues, c),
        hook(UUID.randomUUID().toString(), "d", queues, a)));
    assertProblem(updatedAndNew, 422, "invalid_reference");
    assertCounts(org.post(path, owner.token(), batch(hook(a, "a", queues), hook(b, "b", queues, a),
        hook(c, "c", queues, b))), 0, 0, 3);
  }

  @Test
  void importsNeedThePermissionAndStayInTheirTenant() {
    var owner = org.newUser("owner");
    var viewer = org.newUser("viewer");
    var stranger = org.newUser("stranger");
    var orgId = org.createOrg(owner.token(), "perm-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    org.addMembers(orgId, List.of(viewer.id()), "viewer");
    var roles = batch(role(UUID.randomUUID().toString(), "auditor", "app_audit_list"));
    assertProblem(org.post("/v1/organizations/" + orgId + "/roles:batch", viewer.token(), roles), 403, "forbidden");
    assertProblem(org.post("/v1/organizations/" + orgId + "/roles:batch", stranger.token(), roles), 404,
        "organization_not_found");
    var team = new JsonObject().put("id", UUID.randomUUID().toString()).put("name", "ops")
        .put("userIds", new JsonArray());
    assertProblem(org.post("/v1/organizations/" + orgId + "/groups:batch", viewer.token(), batch(team)), 403,
        "forbidden");
    assertProblem(org.post("/v1/organizations/" + orgId + "/groups:batch", stranger.token(), batch(team)), 404,
        "organization_not_found");
  }

  private String orgWithMember(OrgServiceHarness.Account owner, OrgServiceHarness.Account member, String prefix) {
    var orgId = org.createOrg(owner.token(), prefix + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    org.addMembers(orgId, List.of(member.id()), "member");
    return orgId;
  }

  @Test
  void teamsAreImportedWithExactlyTheirMembers() {
    var owner = org.newUser("owner");
    var member = org.newUser("member");
    var outsider = org.newUser("outsider");
    var orgId = orgWithMember(owner, member, "teams-");
    var path = "/v1/organizations/" + orgId + "/groups:batch";
    var support = UUID.randomUUID().toString();
    var ops = UUID.randomUUID().toString();
    var teams = batch(new JsonObject().put("id", support).put("name", "support")
            .put("userIds", new JsonArray().add(member.id()).add(owner.id())),
        new JsonObject().put("id", ops).put("name", "ops").put("userIds", new JsonArray()));
    assertCounts(org.post(path, owner.token(), teams), 2, 0, 0);
    assertCounts(org.post(path, owner.token(), teams), 0, 0, 2);
    var members = org.get("/v1/organizations/" + orgId + "/groups/" + support + "/users", owner.token())
        .bodyAsJsonObject().getJsonArray("items");
    assertEquals(2, members.size());
    assertProblem(org.post(path, owner.token(), batch(new JsonObject().put("id", ops).put("name", "ops")
        .put("userIds", new JsonArray().add(outsider.id())))), 422, "not_a_member");
  }

  /**
   * An item without {@code userIds} (or with null) leaves the team's members as they are, a new team having none: what
   * a copy without the template's members sends. Until session 32 such an item was refused, and that copy sent
   * {@code []} instead, emptying every team of the tenant it brought up to date. The PUT of one team still needs its
   * members: a forgotten list must not empty it.
   */
  @Test
  void teamItemsNamingNoMembersKeepTheTeamsMembers() {
    var owner = org.newUser("owner");
    var member = org.newUser("member");
    var orgId = orgWithMember(owner, member, "kept-");
    var path = "/v1/organizations/" + orgId + "/groups:batch";
    var support = newId();
    var fresh = newId();
    assertCounts(org.post(path, owner.token(), batch(team(support, "support", member.id(), owner.id()))), 1, 0, 0);

    assertCounts(org.post(path, owner.token(), batch(new JsonObject().put("id", support).put("name", "support"),
        new JsonObject().put("id", fresh).put("name", "fresh"))), 1, 0, 1);
    assertCounts(org.post(path, owner.token(), batch(new JsonObject().put("id", support).put("name", "support")
        .put("title", "Support").putNull("userIds"))), 0, 1, 0);
    assertEquals(List.of(entry("fresh"), entry("support", member.id(), owner.id())), teams(owner.token(), orgId));
    var event = org.get("/v1/organizations/" + orgId + "/audit-events?action=team.updated", owner.token())
        .bodyAsJsonObject().getJsonArray("items").getJsonObject(0).getJsonObject("details");
    assertEquals(new JsonArray(), event.getJsonArray("userIdsRemoved"), event.encode());

    assertCounts(org.post(path, owner.token(), batch(team(support, "support"))), 0, 1, 0);
    assertEquals(List.of(entry("fresh"), entry("support")), teams(owner.token(), orgId), "[] still empties a team");
    assertProblem(org.send(io.vertx.core.http.HttpMethod.PUT, "/v1/organizations/" + orgId + "/groups/" + support,
        owner.token(), new JsonObject().put("name", "support")), 400, "validation_failed");
  }

  @Test
  void newObjectsMayTakeNamesThatReplacedOnesGiveUpAndEachCreationIsAudited() {
    var owner = org.newUser("owner");
    var outsider = org.newUser("outsider");
    var orgId = org.createOrg(owner.token(), "names-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var roles = "/v1/organizations/" + orgId + "/roles:batch";
    var kept = UUID.randomUUID().toString();
    var fresh = UUID.randomUUID().toString();
    var other = UUID.randomUUID().toString();
    assertCounts(org.post(roles, owner.token(), batch(role(kept, "alpha", "app_audit_list"))), 1, 0, 0);
    assertCounts(org.post(roles, owner.token(), batch(role(fresh, "alpha", "app_audit_list"),
        role(kept, "beta", "app_audit_list"), role(other, "gamma", "app_organization_get"))), 2, 1, 0);
    var names = org.get("/v1/organizations/" + orgId + "/roles", owner.token()).bodyAsJsonObject().getJsonArray("items")
        .stream().map(r -> ((JsonObject) r).getString("id") + "=" + ((JsonObject) r).getString("name")).toList();
    assertEquals(java.util.List.of(fresh + "=alpha", kept + "=beta", other + "=gamma"), names);
    assertProblem(org.post(roles, owner.token(), batch(role(UUID.randomUUID().toString(), "gamma", "app_audit_list"))),
        409, "role_name_taken");

    var teams = "/v1/organizations/" + orgId + "/groups:batch";
    var ops = UUID.randomUUID().toString();
    var crew = UUID.randomUUID().toString();
    assertCounts(org.post(teams, owner.token(), batch(new JsonObject().put("id", ops).put("name", "ops")
        .put("userIds", new JsonArray()))), 1, 0, 0);
    assertCounts(org.post(teams, owner.token(), batch(new JsonObject().put("id", crew).put("name", "ops")
            .put("userIds", new JsonArray().add(owner.id())),
        new JsonObject().put("id", ops).put("name", "ops-old").put("userIds", new JsonArray()))), 1, 1, 0);
    assertEquals(1, org.get("/v1/organizations/" + orgId + "/groups/" + crew + "/users", owner.token())
        .bodyAsJsonObject().getJsonArray("items").size());
    assertProblem(org.post(teams, owner.token(), batch(new JsonObject().put("id", UUID.randomUUID().toString())
        .put("name", "strangers").put("userIds", new JsonArray().add(outsider.id())))), 422, "not_a_member");

    var created = org.get("/v1/organizations/" + orgId + "/audit-events?limit=500", owner.token()).bodyAsJsonObject()
        .getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(e -> e.getString("action").endsWith(".created") && !e.getString("action").startsWith("organization"))
        .map(e -> e.getString("action") + " " + e.getString("target")).sorted().toList();
    assertEquals(java.util.List.of("role.created role:" + fresh, "role.created role:" + kept,
        "role.created role:" + other, "team.created team:" + crew, "team.created team:" + ops).stream().sorted().toList(),
        created, "every creation is audited, the batch's together");
  }

  private static JsonObject team(String id, String name, String... userIds) {
    return new JsonObject().put("id", id).put("name", name).put("userIds", new JsonArray(List.of((Object[]) userIds)));
  }

  /**
   * Replaced teams are written together, and a rename may take a name another item gives up whatever their order: a
   * chain either way round and a swap work (before session 33 only a chain in the batch's order did). A name kept by a
   * team the batch leaves as it is, or does not name, is 409 naming the item that wanted it, and writes nothing.
   */
  @Test
  void replacedTeamsKeepTheirMembersExactAndTakeNamesOthersGiveUpInAnyOrder() {
    var owner = org.newUser("owner");
    var member = org.newUser("member");
    var orgId = orgWithMember(owner, member, "renames-");
    var path = "/v1/organizations/" + orgId + "/groups:batch";
    var a = newId();
    var b = newId();
    var c = newId();
    var d = newId();
    var kept = newId();
    assertCounts(org.post(path, owner.token(), batch(team(a, "alpha", owner.id()), team(b, "beta", owner.id()),
        team(c, "gamma"), team(d, "delta", member.id()), team(kept, "kept", member.id()))), 5, 0, 0);

    var fresh = newId();
    assertCounts(org.post(path, owner.token(), batch(team(a, "alpha-2", owner.id()),
        team(b, "beta", member.id()).put("title", "Beta"), team(d, "epsilon"), team(c, "delta", owner.id(), member.id()),
        team(fresh, "gamma", member.id()), team(kept, "kept", member.id()))), 1, 4, 1);
    assertEquals(List.of(entry("alpha-2", owner.id()), entry("beta", member.id()), entry("delta", owner.id(), member.id()),
        entry("epsilon"), entry("gamma", member.id()), entry("kept", member.id())), teams(owner.token(), orgId));

    assertCounts(org.post(path, owner.token(), batch(team(a, "alpha-3"), team(c, "epsilon"), team(d, "delta"))), 0, 3,
        0);
    assertEquals(List.of(entry("alpha-3"), entry("beta", member.id()), entry("delta"), entry("epsilon"),
        entry("gamma", member.id()), entry("kept", member.id())), teams(owner.token(), orgId), "a swap");
    assertCounts(org.post(path, owner.token(), batch(team(c, "delta"), team(d, "zeta"))), 0, 2, 0);
    assertEquals(List.of(entry("alpha-3"), entry("beta", member.id()), entry("delta"), entry("gamma", member.id()),
        entry("kept", member.id()), entry("zeta")), teams(owner.token(), orgId), "a chain, its taker first");

    var before = teams(owner.token(), orgId);
    var keptByTheBatch = org.post(path, owner.token(), batch(team(kept, "kept", member.id()), team(a, "kept")));
    assertProblem(keptByTheBatch, 409, "group_name_taken");
    assertEquals("items[1].name", keptByTheBatch.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0)
        .getString("field"), keptByTheBatch.bodyAsString());
    var keptOutside = org.post(path, owner.token(), batch(team(a, "alpha-4"), team(b, "gamma")));
    assertProblem(keptOutside, 409, "group_name_taken");
    assertEquals("items[1].name", keptOutside.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0)
        .getString("field"), keptOutside.bodyAsString());
    assertEquals(before, teams(owner.token(), orgId), "a name kept writes nothing");

    var updates = org.get("/v1/organizations/" + orgId + "/audit-events?action=team.updated&limit=500", owner.token())
        .bodyAsJsonObject().getJsonArray("items").stream().map(e -> ((JsonObject) e).getString("target")).sorted()
        .toList();
    assertEquals(java.util.stream.Stream.of(a, a, b, c, c, c, d, d, d).map(id -> "team:" + id).sorted().toList(),
        updates, "one event per replaced team and batch, none for the one left as it was");
  }

  /**
   * Items of one role or team batch named alike are 409 naming every item after the first of the name, and write
   * nothing: freeing names cannot help them, and the batch's statement was refused the name with no item named.
   */
  @Test
  void roleAndTeamBatchesNamingTwoItemsAlikeNameEachLaterOne() {
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "alike-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var roles = "/v1/organizations/" + orgId + "/roles:batch";
    var alpha = newId();
    assertCounts(org.post(roles, owner.token(), batch(role(alpha, "alpha", "app_audit_list"))), 1, 0, 0);
    var rolesAlike = org.post(roles, owner.token(), batch(role(alpha, "beta", "app_audit_list"),
        role(newId(), "beta", "app_audit_list"), role(newId(), "gamma", "app_audit_list"),
        role(newId(), "gamma", "app_audit_list"), role(newId(), "gamma", "app_audit_list")));
    assertProblem(rolesAlike, 409, "role_name_taken");
    assertEquals(List.of("items[1].name", "items[3].name", "items[4].name"), fields(rolesAlike),
        rolesAlike.bodyAsString());
    assertEquals(List.of("alpha"), org.get("/v1/organizations/" + orgId + "/roles", owner.token()).bodyAsJsonObject()
        .getJsonArray("items").stream().map(r -> ((JsonObject) r).getString("name")).toList());

    var teams = "/v1/organizations/" + orgId + "/groups:batch";
    var teamsAlike = org.post(teams, owner.token(), batch(team(newId(), "ops"), team(newId(), "crew"),
        team(newId(), "ops")));
    assertProblem(teamsAlike, 409, "group_name_taken");
    assertEquals(List.of("items[2].name"), fields(teamsAlike), teamsAlike.bodyAsString());
    assertEquals(List.of(), teams(owner.token(), orgId));
  }

  private static List<String> fields(io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> problem) {
    return problem.bodyAsJsonObject().getJsonArray("errors").stream().map(e -> ((JsonObject) e).getString("field"))
        .toList();
  }

  /**
   * A setup batch's items take each other's names whatever their order, as roles and teams do: a chain, its taker
   * first, whichever of the two has the lower id, and a swap (before session 33 each was 409 {@code name_taken}: the
   * batch's one statement met the name still held). A name kept by an object outside the batch, or by an item that
   * keeps it, is 409 naming the item that wanted it, and writes nothing.
   */
  @Test
  void setupBatchesTakeNamesTheirItemsGiveUpInAnyOrder() {
    var owner = org.newUser("owner");
    var base = "/v1/organizations/" + org.createOrg(owner.token(), "setup-renames-" + UUID.randomUUID().toString()
        .substring(0, 8)).getString("id");
    var queue = org.post(base + "/queues", owner.token(), new JsonObject().put("name", "q")
        .put("workspaceId", org.post(base + "/workspaces", owner.token(), new JsonObject().put("name", "w"))
            .bodyAsJsonObject().getString("id"))
        .put("schemaId", org.post(base + "/schemas", owner.token(), new JsonObject().put("name", "s")
            .put("content", new JsonObject())).bodyAsJsonObject().getString("id")))
        .bodyAsJsonObject().getString("id");
    assertSetupRenames(owner.token(), base + "/workspaces", (id, name) -> new JsonObject().put("id", id)
        .put("name", name));
    assertSetupRenames(owner.token(), base + "/hooks", (id, name) -> hook(id, name, new JsonArray().add(queue)));
  }

  private void assertSetupRenames(String token, String path,
      java.util.function.BiFunction<String, String, JsonObject> item) {
    var ids = java.util.stream.Stream.of(newId(), newId()).sorted().toList();
    var low = ids.get(0);
    var high = ids.get(1);
    var kept = newId();
    var batch = path + ":batch";
    assertCounts(org.post(batch, token, batch(item.apply(low, "alpha"), item.apply(high, "beta"),
        item.apply(kept, "kept"))), 3, 0, 0);

    assertCounts(org.post(batch, token, batch(item.apply(low, "beta"), item.apply(high, "gamma"))), 0, 2, 0);
    assertEquals(List.of(low + "=beta", high + "=gamma", kept + "=kept"), setupNames(token, path, low, high, kept),
        path + ": a chain, its taker first with the lower id");
    assertCounts(org.post(batch, token, batch(item.apply(high, "beta"), item.apply(low, "delta"))), 0, 2, 0);
    assertEquals(List.of(low + "=delta", high + "=beta", kept + "=kept"), setupNames(token, path, low, high, kept),
        path + ": a chain, its taker first with the higher id");
    assertCounts(org.post(batch, token, batch(item.apply(low, "beta"), item.apply(high, "delta"))), 0, 2, 0);
    assertEquals(List.of(low + "=beta", high + "=delta", kept + "=kept"), setupNames(token, path, low, high, kept),
        path + ": a swap");

    var keptOutside = org.post(batch, token, batch(item.apply(high, "epsilon"), item.apply(low, "kept")));
    assertProblem(keptOutside, 409, "name_taken");
    assertEquals("items[1].name", keptOutside.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0)
        .getString("field"), keptOutside.bodyAsString());
    var keptByTheBatch = org.post(batch, token, batch(item.apply(kept, "kept"), item.apply(newId(), "kept")));
    assertProblem(keptByTheBatch, 409, "name_taken");
    assertEquals("items[1].name", keptByTheBatch.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0)
        .getString("field"), keptByTheBatch.bodyAsString());
    assertEquals(List.of(low + "=beta", high + "=delta", kept + "=kept"), setupNames(token, path, low, high, kept),
        path + ": a name kept writes nothing");
  }

  /** The objects {@code ids} of a setup kind as {@code id=name}, in that order. */
  private List<String> setupNames(String token, String path, String... ids) {
    return java.util.Arrays.stream(ids).map(id -> id + "=" + org.get(path + "/" + id, token).bodyAsJsonObject()
        .getString("name")).toList();
  }

  /** Each team as {@code name=member ids}, by name. */
  private List<String> teams(String token, String orgId) {
    return org.get("/v1/organizations/" + orgId + "/groups?include=userIds", token).bodyAsJsonObject()
        .getJsonArray("items").stream().map(JsonObject.class::cast)
        .map(t -> entry(t.getString("name"), t.getJsonArray("userIds").stream().map(String::valueOf)
            .toArray(String[]::new)))
        .toList();
  }

  private static String newId() {
    return UUID.randomUUID().toString();
  }

  private static String entry(String name, String... userIds) {
    return name + "=" + String.join(",", java.util.Arrays.stream(userIds).sorted().toList());
  }

  @Test
  void anIdOfAnotherTenantsObjectCannotBeTakenOver() {
    var alice = org.newUser("alice");
    var mallory = org.newUser("mallory");
    var orgA = org.createOrg(alice.token(), "ida-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var orgB = org.createOrg(mallory.token(), "idb-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var workspace = org.post("/v1/organizations/" + orgA + "/workspaces", alice.token(),
        new JsonObject().put("name", "main")).bodyAsJsonObject().getString("id");
    assertProblem(org.send(io.vertx.core.http.HttpMethod.PUT, "/v1/organizations/" + orgB + "/workspaces/" + workspace,
        mallory.token(), new JsonObject().put("name", "squat")), 409, "id_taken");
    assertProblem(org.post("/v1/organizations/" + orgB + "/workspaces:batch", mallory.token(),
        batch(new JsonObject().put("id", workspace).put("name", "squat"))), 409, "id_taken");
    var team = org.post("/v1/organizations/" + orgA + "/groups", alice.token(), new JsonObject().put("name", "ops"))
        .bodyAsJsonObject().getString("id");
    assertProblem(org.post("/v1/organizations/" + orgB + "/groups:batch", mallory.token(),
        batch(new JsonObject().put("id", team).put("name", "ops").put("userIds", new JsonArray()))), 409, "id_taken");
    assertProblem(org.send(io.vertx.core.http.HttpMethod.PUT, "/v1/organizations/" + orgB + "/groups/" + team,
        mallory.token(), new JsonObject().put("name", "ops").put("userIds", new JsonArray())), 409, "id_taken");
    var role = org.post("/v1/organizations/" + orgA + "/roles", alice.token(), new JsonObject().put("name", "auditor")
        .put("permissions", new JsonArray().add("app_audit_list"))).bodyAsJsonObject().getString("id");
    assertProblem(org.post("/v1/organizations/" + orgB + "/roles:batch", mallory.token(),
        batch(role(role, "auditor", "app_audit_list"))), 409, "role_id_taken");
    assertEquals("ops", org.get("/v1/organizations/" + orgA + "/groups/" + team, alice.token()).bodyAsJsonObject()
        .getString("name"));
    assertEquals(List.of(), org.get("/v1/organizations/" + orgB + "/roles", mallory.token()).bodyAsJsonObject()
        .getJsonArray("items").getList(), "nothing was imported");
    assertProblem(org.get("/v1/organizations/" + orgB + "/hooks/" + workspace + "/deliveries", mallory.token()), 404,
        "hook_not_found");
  }

  @Test
  void membersAreImportedEachWithTheirRoles() {
    var owner = org.newUser("owner");
    var first = org.newUser("first");
    var second = org.newUser("second");
    var orgId = org.createOrg(owner.token(), "members-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var path = "/v1/organizations/" + orgId + "/users:batch";
    var engine = org.engineToken();
    var members = batch(new JsonObject().put("id", first.id()).put("roles", new JsonArray().add("viewer")),
        new JsonObject().put("id", second.id()).put("roles", new JsonArray().add("manager")),
        new JsonObject().put("id", owner.id()).put("roles", new JsonArray().add("viewer")));
    assertCounts(org.post(path, engine, members), 2, 0, 1);
    assertCounts(org.post(path, engine, members), 0, 0, 3);
    var added = org.audited(owner.token(), orgId, "member.added");
    assertEquals(2, added.size(), "one event per set of roles, none for the re-run: " + added.encode());
    var addedRoles = added.stream().map(JsonObject.class::cast).map(e -> e.getJsonObject("details"))
        .collect(java.util.stream.Collectors.toMap(d -> d.getJsonArray("userIds").getString(0),
            d -> d.getJsonArray("roles").getList()));
    assertEquals(java.util.Map.of(first.id(), List.of("viewer"), second.id(), List.of("manager")), addedRoles);
    var roles = org.get("/v1/organizations/" + orgId + "/users", owner.token()).bodyAsJsonObject().getJsonArray("items")
        .stream().map(JsonObject.class::cast)
        .collect(java.util.stream.Collectors.toMap(m -> m.getString("userId"), m -> m.getJsonArray("roles").getString(0)));
    assertEquals("viewer", roles.get(first.id()));
    assertEquals("manager", roles.get(second.id()));
    assertEquals("owner", roles.get(owner.id()), "an owner stays as they are");

    var promoted = batch(new JsonObject().put("id", first.id()).put("roles", new JsonArray().add("manager")),
        new JsonObject().put("id", second.id()).put("roles", new JsonArray().add("manager")),
        new JsonObject().put("id", owner.id()).put("roles", new JsonArray().add("viewer")));
    assertCounts(org.post(path, engine, promoted), 0, 1, 2);
    assertEquals(2, org.audited(owner.token(), orgId, "member.added").size(), "no one joined");
    var changed = org.audited(owner.token(), orgId, "member.roles_changed");
    assertEquals(1, changed.size(), changed.encode());
    assertEquals("user:" + first.id(), changed.getJsonObject(0).getString("target"));
    assertEquals(List.of("manager"), changed.getJsonObject(0).getJsonObject("details").getJsonArray("roles").getList());
    assertEquals("manager", org.get("/v1/organizations/" + orgId + "/users", owner.token()).bodyAsJsonObject()
        .getJsonArray("items").stream().map(JsonObject.class::cast).filter(m -> m.getString("userId").equals(first.id()))
        .findFirst().orElseThrow().getJsonArray("roles").getString(0), "a member there already takes the imported roles");
    assertProblem(org.post(path, engine, batch(new JsonObject().put("id", UUID.randomUUID().toString()))), 422,
        "unknown_users");
    assertProblem(org.post(path, engine, batch(new JsonObject().put("id", first.id())
        .put("roles", new JsonArray().add("astronaut")))), 422, "unknown_role");
  }

  /** Two identical imports at once (an engine's retry meeting its first attempt) both succeed, as one after the other. */
  @Test
  void identicalImportsAtOnceAreOneAfterTheOther() {
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "twice-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var client = WebClient.create(vertx);
    var roles = batch(role(UUID.randomUUID().toString(), "auditor", "app_audit_list"));
    var teams = batch(new JsonObject().put("id", UUID.randomUUID().toString()).put("name", "support")
        .put("userIds", new JsonArray()));
    for (var imported : List.of(List.of("roles:batch", roles), List.of("groups:batch", teams))) {
      var both = List.of(1, 2).stream().map(n -> client.post(org.port(), "127.0.0.1", "/v1/organizations/" + orgId + "/"
          + imported.get(0)).bearerTokenAuthentication(owner.token()).sendJsonObject((JsonObject) imported.get(1))).toList();
      Future.join(both).otherwiseEmpty().await();
      assertEquals(List.of(200, 200), both.stream().map(f -> f.result().statusCode()).toList(),
          imported.get(0) + ": " + both.stream().map(f -> f.result().bodyAsString()).toList());
    }
  }
}
