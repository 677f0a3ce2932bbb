package dev.orgplane.org.setup;

import static dev.orgplane.org.OrgServiceHarness.assertInvalid;
import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceTest;
import dev.orgplane.org.event.HookEvents;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class SetupResourcesTest extends OrgServiceTest {

  private record Tenant(OrgServiceHarness.Account owner, String id) {
    String path(String rest) {
      return "/v1/organizations/" + id + rest;
    }
  }

  private Tenant tenant() {
    var owner = org.newUser("owner");
    return new Tenant(owner, org.createOrg(owner.token(), "s-" + UUID.randomUUID().toString().substring(0, 8))
        .getString("id"));
  }

  private String create(Tenant t, String kind, JsonObject body) {
    var created = org.post(t.path("/" + kind), t.owner().token(), body);
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject().getString("id");
  }

  private JsonObject queue(String name, String workspaceId, String schemaId) {
    return new JsonObject().put("name", name).put("workspaceId", workspaceId).put("schemaId", schemaId)
        .put("settings", new JsonObject().put("retention", 7));
  }

  @Test
  void queueReferencesItsOrganizationsWorkspaceAndSchema() {
    var t = tenant();
    var ws = create(t, "workspaces", new JsonObject().put("name", "Main"));
    var schema = create(t, "schemas", new JsonObject().put("name", "Invoice").put("content",
        new JsonObject().put("type", "object")));
    var q = create(t, "queues", queue("Inbox", ws, schema));
    var read = org.get(t.path("/queues/" + q), t.owner().token()).bodyAsJsonObject();
    assertEquals(ws, read.getString("workspaceId"));
    assertEquals(7, read.getJsonObject("settings").getInteger("retention"));
    var inUse = org.send(HttpMethod.DELETE, t.path("/workspaces/" + ws), t.owner().token(), null);
    assertProblem(inUse, 409, "in_use");
    assertTrue(inUse.bodyAsJsonObject().getString("detail").contains("queue Inbox"), inUse.bodyAsString());
    assertProblem(org.post(t.path("/queues"), t.owner().token(), queue("Inbox", ws, schema)), 409, "name_taken");
    var patched = org.send(HttpMethod.PATCH, t.path("/queues/" + q), t.owner().token(), new JsonObject().put("name", "Renamed"));
    assertEquals("Renamed", patched.bodyAsJsonObject().getString("name"));
    assertEquals(ws, patched.bodyAsJsonObject().getString("workspaceId"));
    assertEquals(204, org.send(HttpMethod.DELETE, t.path("/queues/" + q), t.owner().token(), null).statusCode());
    assertEquals(204, org.send(HttpMethod.DELETE, t.path("/workspaces/" + ws), t.owner().token(), null).statusCode());
  }

  @Test
  void referenceToAnotherOrganizationsObjectIs422() {
    var mine = tenant();
    var theirs = tenant();
    var theirWorkspace = create(theirs, "workspaces", new JsonObject().put("name", "Theirs"));
    var mySchema = create(mine, "schemas", new JsonObject().put("name", "S").put("content", new JsonObject()));
    var response = org.post(mine.path("/queues"), mine.owner().token(), queue("Q", theirWorkspace, mySchema));
    assertProblem(response, 422, "invalid_reference");
    assertEquals("workspaceId", response.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"));
  }

  @Test
  void otherTenantsIdsLookMissing() {
    var mine = tenant();
    var theirs = tenant();
    var ws = create(theirs, "workspaces", new JsonObject().put("name", "Secret"));
    assertProblem(org.get(mine.path("/workspaces/" + ws), mine.owner().token()), 404, "workspace_not_found");
    assertProblem(org.send(HttpMethod.DELETE, mine.path("/workspaces/" + ws), mine.owner().token(), null), 404,
        "workspace_not_found");
    assertProblem(org.get(theirs.path("/workspaces/" + ws), mine.owner().token()), 404, "organization_not_found");
    assertProblem(org.send(HttpMethod.PUT, theirs.path("/workspaces/" + ws), mine.owner().token(),
        new JsonObject().put("name", "Pwned")), 404, "organization_not_found");
    assertEquals("Secret", org.get(theirs.path("/workspaces/" + ws), theirs.owner().token()).bodyAsJsonObject()
        .getString("name"));
  }

  @Test
  void putWithChosenIdTwiceIsOneObject() {
    var t = tenant();
    var id = UUID.randomUUID().toString();
    var first = org.send(HttpMethod.PUT, t.path("/workspaces/" + id), t.owner().token(), new JsonObject().put("name", "W"));
    var second = org.send(HttpMethod.PUT, t.path("/workspaces/" + id), t.owner().token(), new JsonObject().put("name", "W2"));
    assertEquals(201, first.statusCode(), first.bodyAsString());
    assertEquals("created", first.getHeader("Orgplane-Import-Result"));
    assertEquals(200, second.statusCode(), second.bodyAsString());
    assertEquals("updated", second.getHeader("Orgplane-Import-Result"));
    assertEquals("W2", second.bodyAsJsonObject().getString("name"));
    assertEquals(1, org.get(t.path("/workspaces"), t.owner().token()).bodyAsJsonObject().getJsonArray("items").size());
  }

  @Test
  void batchOf500IsOneWriteAndABadItemRejectsAllNamingIt() {
    var t = tenant();
    var items = new JsonArray();
    for (int i = 0; i < 500; i++) {
      items.add(new JsonObject().put("id", UUID.randomUUID().toString()).put("name", "S" + i)
          .put("content", new JsonObject().put("n", i)));
    }
    var ok = org.post(t.path("/schemas:batch"), t.owner().token(), new JsonObject().put("items", items));
    assertEquals(200, ok.statusCode(), ok.bodyAsString());
    assertEquals(500, ok.bodyAsJsonObject().getInteger("created"));
    var again = org.post(t.path("/schemas:batch"), t.owner().token(), new JsonObject().put("items", items));
    assertEquals(500, again.bodyAsJsonObject().getInteger("unchanged"), "re-running creates nothing twice");
    assertEquals(0, again.bodyAsJsonObject().getInteger("created"));
    items.getJsonObject(7).put("content", new JsonObject().put("changed", true));
    var changed = org.post(t.path("/schemas:batch"), t.owner().token(), new JsonObject().put("items", items));
    assertEquals(1, changed.bodyAsJsonObject().getInteger("updated"));
    assertEquals(499, changed.bodyAsJsonObject().getInteger("unchanged"));

    var bad = new JsonArray();
    for (int i = 0; i < 5; i++) {
      bad.add(new JsonObject().put("id", UUID.randomUUID().toString()).put("name", "W" + i));
    }
    bad.getJsonObject(3).put("name", 42);
    var rejected = org.post(t.path("/workspaces:batch"), t.owner().token(), new JsonObject().put("items", bad));
    assertProblem(rejected, 400, "validation_failed");
    assertEquals("items[3].name", rejected.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"));
    assertTrue(org.get(t.path("/workspaces"), t.owner().token()).bodyAsJsonObject().getJsonArray("items").isEmpty());
    assertProblem(org.post(t.path("/workspaces:batch"), t.owner().token(), new JsonObject().put("items", new JsonArray())),
        400, "validation_failed");
  }

  @Test
  void batchWithDanglingReferenceWritesNothing() {
    var t = tenant();
    var ws = create(t, "workspaces", new JsonObject().put("name", "W"));
    var schema = create(t, "schemas", new JsonObject().put("name", "S").put("content", new JsonObject()));
    var items = new JsonArray()
        .add(queue("Q1", ws, schema).put("id", UUID.randomUUID().toString()))
        .add(queue("Q2", ws, UUID.randomUUID().toString()).put("id", UUID.randomUUID().toString()));
    assertProblem(org.post(t.path("/queues:batch"), t.owner().token(), new JsonObject().put("items", items)), 422,
        "invalid_reference");
    assertTrue(org.get(t.path("/queues"), t.owner().token()).bodyAsJsonObject().getJsonArray("items").isEmpty());
  }

  /**
   * A batch names every item whose workspace or schema is not the organization's, {@code items[i].workspaceId}: the
   * foreign keys, checked at commit, refused the first they met as {@code items[].workspaceId}, naming no item.
   */
  @Test
  void aBatchNamesEveryItemReferringOutsideItsOrganization() {
    var mine = tenant();
    var theirs = tenant();
    var ws = create(mine, "workspaces", new JsonObject().put("name", "W"));
    var schema = create(mine, "schemas", new JsonObject().put("name", "S").put("content", new JsonObject()));
    var theirWorkspace = create(theirs, "workspaces", new JsonObject().put("name", "Theirs"));
    var items = new JsonArray()
        .add(queue("Q0", ws, schema))
        .add(queue("Q1", theirWorkspace, schema))
        .add(queue("Q2", ws, schema))
        .add(queue("Q3", theirWorkspace, UUID.randomUUID().toString()));
    items.forEach(item -> ((JsonObject) item).put("id", UUID.randomUUID().toString()));
    var refused = org.post(mine.path("/queues:batch"), mine.owner().token(), new JsonObject().put("items", items));
    assertProblem(refused, 422, "invalid_reference");
    assertEquals(List.of("items[1].workspaceId", "items[3].workspaceId", "items[3].schemaId"),
        refused.bodyAsJsonObject().getJsonArray("errors").stream().map(e -> ((JsonObject) e).getString("field")).toList(),
        refused.bodyAsString());
    assertTrue(org.get(mine.path("/queues"), mine.owner().token()).bodyAsJsonObject().getJsonArray("items").isEmpty());
  }

  @Test
  void importNeedsTheImportPermissionAndReadsNeedGet() {
    var t = tenant();
    var manager = org.newUser("manager");
    var viewer = org.newUser("viewer");
    org.addMembers(t.id(), List.of(manager.id()), "manager");
    org.addMembers(t.id(), List.of(viewer.id()), "viewer");
    assertEquals(201, org.post(t.path("/workspaces"), manager.token(), new JsonObject().put("name", "ByManager"))
        .statusCode());
    assertProblem(org.send(HttpMethod.PUT, t.path("/workspaces/" + UUID.randomUUID()), manager.token(),
        new JsonObject().put("name", "Imported")), 403, "forbidden");
    assertProblem(org.post(t.path("/workspaces"), viewer.token(), new JsonObject().put("name", "ByViewer")), 403,
        "forbidden");
    assertEquals(200, org.get(t.path("/workspaces"), viewer.token()).statusCode());
  }

  /** "a" and "a " were two names; "..." none: refused wherever a name is written, naming the rule. */
  @Test
  void namesWithBlanksAtEitherEndOrOfDotsOnlyAreRefusedOnEveryWrite() {
    var t = tenant();
    assertNameRefused(org.post(t.path("/workspaces"), t.owner().token(), new JsonObject().put("name", "Main ")), "name");
    assertNameRefused(org.send(HttpMethod.PUT, t.path("/workspaces/" + UUID.randomUUID()), t.owner().token(),
        new JsonObject().put("name", " Main")), "name");
    var ws = create(t, "workspaces", new JsonObject().put("name", "Main"));
    assertNameRefused(org.send(HttpMethod.PATCH, t.path("/workspaces/" + ws), t.owner().token(),
        new JsonObject().put("name", "...")), "name");
    var items = new JsonArray().add(new JsonObject().put("id", UUID.randomUUID().toString()).put("name", "Spare"))
        .add(new JsonObject().put("id", UUID.randomUUID().toString()).put("name", " . "));
    assertNameRefused(org.post(t.path("/workspaces:batch"), t.owner().token(), new JsonObject().put("items", items)),
        "items[1].name");
    assertEquals(List.of("Main"), org.get(t.path("/workspaces"), t.owner().token()).bodyAsJsonObject()
        .getJsonArray("items").stream().map(w -> ((JsonObject) w).getString("name")).toList());
  }

  /** A name stored before the rule is not rewritten, and its object stays editable without a rename. */
  @Test
  void aNameStoredBeforeTheRuleStaysAndItsObjectStaysEditable() {
    var t = tenant();
    var ws = UUID.randomUUID().toString();
    PgFixture.execute(org.db(), "INSERT INTO org.workspaces (org_id, id, name) VALUES ('" + t.id() + "', '" + ws
        + "', 'Legacy ')");
    var path = t.path("/workspaces/" + ws);
    org.assertPatchChangesNothing(path, t.owner().token(), new JsonObject().put("name", "Legacy "));
    var patched = org.send(HttpMethod.PATCH, path, t.owner().token(), new JsonObject().put("name", "Legacy ")
        .put("metadata", new JsonObject().put("team", "ops")));
    assertEquals(200, patched.statusCode(), patched.bodyAsString());
    assertEquals("Legacy ", patched.bodyAsJsonObject().getString("name"));
    assertNameRefused(org.send(HttpMethod.PATCH, path, t.owner().token(), new JsonObject().put("name", "Legacy  ")),
        "name");
  }

  private static void assertNameRefused(HttpResponse<Buffer> response, String field) {
    assertProblem(response, 400, "validation_failed");
    assertEquals(new JsonArray().add(new JsonObject().put("field", field).put("message", SetupInput.NAME_RULE)),
        response.bodyAsJsonObject().getJsonArray("errors"), response.bodyAsString());
  }

  @Test
  void badBodiesAreReported() {
    var t = tenant();
    assertProblem(org.post(t.path("/schemas"), t.owner().token(), new JsonObject().put("name", "S")), 400,
        "validation_failed");
    assertProblem(org.post(t.path("/workspaces"), t.owner().token(), new JsonObject().put("name", "W").put("colour", 1)),
        400, "validation_failed");
    assertProblem(org.post(t.path("/workspaces"), t.owner().token(), "{oops"), 400, "malformed_json");
    assertProblem(org.post(t.path("/workspaces"), t.owner().token(), "null"), 400, "malformed_json");
    assertProblem(org.get(t.path("/workspaces/not-a-uuid"), t.owner().token()), 400, "validation_failed");
  }

  /**
   * An id is a UUID as written, 8-4-4-4-12 hex digits: a sign or a part longer than its place, which UUID.fromString
   * takes, made another text of the same 36 characters write and read the object of a stored id.
   */
  @Test
  void idsInAnyOtherFormAreRefused() {
    var t = tenant();
    for (var id : List.of("+0000000-0000-4000-8000-00000000a2a2", "100000000-0000-4000-8000-0000000a2d2")) {
      assertProblem(org.send(HttpMethod.PUT, t.path("/workspaces/" + id), t.owner().token(),
          new JsonObject().put("name", "W")), 400, "validation_failed");
      var batch = org.post(t.path("/workspaces:batch"), t.owner().token(), new JsonObject().put("items",
          new JsonArray().add(new JsonObject().put("id", id).put("name", "W"))));
      assertProblem(batch, 400, "validation_failed");
      assertEquals("items[0].id", batch.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"));
    }
    assertTrue(org.get(t.path("/workspaces"), t.owner().token()).bodyAsJsonObject().getJsonArray("items").isEmpty());
  }

  private JsonObject hook(String name, JsonArray queueIds, JsonArray runAfter) {
    return new JsonObject().put("name", name).put("url", "https://hooks.example.com/" + name)
        .put("events", new JsonArray().add("queue.created")).put("queueIds", queueIds).put("runAfter", runAfter);
  }

  private String[] queueSetup(Tenant t) {
    var ws = create(t, "workspaces", new JsonObject().put("name", "W"));
    var schema = create(t, "schemas", new JsonObject().put("name", "S").put("content", new JsonObject()));
    return new String[] {ws, schema, create(t, "queues", queue("Q", ws, schema))};
  }

  @Test
  void hooksReferenceQueuesAndHooksAndNeverShowTheirSecret() {
    var t = tenant();
    var q = queueSetup(t)[2];
    var first = create(t, "hooks", hook("first", new JsonArray().add(q), new JsonArray()));
    var second = org.post(t.path("/hooks"), t.owner().token(), hook("second", new JsonArray().add(q),
        new JsonArray().add(first)).put("secret", "a-secret-of-enough-length"));
    assertEquals(201, second.statusCode(), second.bodyAsString());
    assertTrue(!second.bodyAsString().contains("secret"), second.bodyAsString());
    assertEquals(first, second.bodyAsJsonObject().getJsonArray("runAfter").getString(0));
    assertTrue(second.bodyAsJsonObject().getBoolean("active"));

    assertProblem(org.send(HttpMethod.DELETE, t.path("/queues/" + q), t.owner().token(), null), 409, "in_use");
    assertProblem(org.send(HttpMethod.DELETE, t.path("/hooks/" + first), t.owner().token(), null), 409, "in_use");
    var cycle = org.send(HttpMethod.PATCH, t.path("/hooks/" + first), t.owner().token(),
        new JsonObject().put("runAfter", new JsonArray().add(second.bodyAsJsonObject().getString("id"))));
    assertProblem(cycle, 422, "invalid_reference");
    assertTrue(org.get(t.path("/hooks/" + first), t.owner().token()).bodyAsJsonObject().getJsonArray("runAfter").isEmpty(),
        "the refused change left nothing behind");
  }

  /**
   * A new secret is a change of the hook like any other (audited as {@code hook.updated}): by patch, replace and batch
   * alike it moves {@code updatedAt} and the ETag, so a client holding the older tag is refused (it moved neither).
   */
  @Test
  void rotatingAHooksSecretMovesItsUpdatedAtAndTag() {
    var t = tenant();
    var token = t.owner().token();
    var id = create(t, "hooks", hook("rotated", new JsonArray(), new JsonArray()));
    var path = t.path("/hooks/" + id);
    var rotations = List.<Function<String, HttpResponse<Buffer>>>of(
        secret -> org.send(HttpMethod.PATCH, path, token, new JsonObject().put("secret", secret)),
        secret -> org.send(HttpMethod.PUT, path, token, hook("rotated", new JsonArray(), new JsonArray())
            .put("secret", secret)),
        secret -> org.post(t.path("/hooks:batch"), token, new JsonObject().put("items", new JsonArray().add(
            hook("rotated", new JsonArray(), new JsonArray()).put("id", id).put("secret", secret)))));
    for (int i = 0; i < rotations.size(); i++) {
      var before = org.get(path, token);
      var rotated = rotations.get(i).apply("a-secret-of-enough-length-" + i);
      assertEquals(200, rotated.statusCode(), rotated.bodyAsString());
      var after = org.get(path, token);
      assertTrue(Instant.parse(after.bodyAsJsonObject().getString("updatedAt"))
          .isAfter(Instant.parse(before.bodyAsJsonObject().getString("updatedAt"))), "rotation " + i + " moved updatedAt");
      assertProblem(org.send(HttpMethod.PATCH, path, token, new JsonObject().put("name", "stale"),
          MultiMap.caseInsensitiveMultiMap().add("If-Match", before.getHeader("ETag"))), 412, "precondition_failed");
    }
  }

  /**
   * A hook batch names the item whose queueIds name no queue of the organization, or whose runAfter closes a cycle,
   * {@code items[i].queueIds}, as its other errors name items: it named the field alone.
   */
  @Test
  void aHookBatchNamesTheItemWithABrokenReferenceOrACycle() {
    var t = tenant();
    var q = queueSetup(t)[2];
    var existing = create(t, "hooks", hook("existing", new JsonArray().add(q), new JsonArray()));
    var first = UUID.randomUUID().toString();
    var second = UUID.randomUUID().toString();
    var dangling = new JsonArray()
        .add(hook("a", new JsonArray().add(q), new JsonArray()).put("id", first))
        .add(hook("b", new JsonArray().add(UUID.randomUUID().toString()), new JsonArray()).put("id", second));
    assertRefusedAt(t, dangling, "items[1].queueIds");
    var newCycle = new JsonArray()
        .add(hook("a", new JsonArray(), new JsonArray()).put("id", UUID.randomUUID().toString()))
        .add(hook("b", new JsonArray(), new JsonArray().add(second)).put("id", first))
        .add(hook("c", new JsonArray(), new JsonArray().add(first)).put("id", second));
    assertRefusedAt(t, newCycle, "items[1].runAfter", "items[2].runAfter");
    var throughExisting = new JsonArray()
        .add(hook("a", new JsonArray(), new JsonArray()).put("id", first))
        .add(hook("existing", new JsonArray().add(q), new JsonArray().add(existing)).put("id", existing));
    assertRefusedAt(t, throughExisting, "items[1].runAfter");
  }

  private void assertRefusedAt(Tenant t, JsonArray items, String... oneOf) {
    var refused = org.post(t.path("/hooks:batch"), t.owner().token(), new JsonObject().put("items", items));
    assertProblem(refused, 422, "invalid_reference");
    var field = refused.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field");
    assertTrue(List.of(oneOf).contains(field), refused.bodyAsString());
  }

  /**
   * Layers of two hooks, each running after both of the layer before, have 2^layers run-order paths: the cycle check
   * followed every one of them (minutes for 20 layers, holding the organization's hook writes), where each hook
   * below the changed one needs visiting once. A statement timeout of a few seconds stands for "promptly".
   */
  @Test
  void aRunOrderOfManyPathsIsCheckedPromptly() {
    var quick = OrgServiceHarness.start(vertx, org.db(), new JsonObject()
        .put("ORGPLANE_PG_STATEMENT_TIMEOUT_MILLIS", "5000"));
    var owner = quick.newUser("owner");
    var t = new Tenant(owner, quick.createOrg(owner.token(), "d-" + UUID.randomUUID().toString().substring(0, 8))
        .getString("id"));
    var items = new JsonArray();
    var layer = new JsonArray();
    for (int depth = 0; depth < 20; depth++) {
      var next = new JsonArray();
      for (int i = 0; i < 2; i++) {
        var id = UUID.randomUUID().toString();
        items.add(hook("h" + depth + "-" + i, new JsonArray(), layer).put("id", id));
        next.add(id);
      }
      layer = next;
    }
    var top = UUID.randomUUID().toString();
    var bottom = items.getJsonObject(0).getString("id");
    items.add(hook("top", new JsonArray(), layer).put("id", top));
    var created = quick.post(t.path("/hooks:batch"), owner.token(), new JsonObject().put("items", items));
    assertEquals(200, created.statusCode(), created.bodyAsString());

    var renamed = quick.send(HttpMethod.PATCH, t.path("/hooks/" + top), owner.token(),
        new JsonObject().put("name", "top-renamed"));
    assertEquals(200, renamed.statusCode(), renamed.bodyAsString());
    var cycle = quick.send(HttpMethod.PATCH, t.path("/hooks/" + bottom), owner.token(),
        new JsonObject().put("runAfter", new JsonArray().add(top)));
    assertProblem(cycle, 422, "invalid_reference");
    assertEquals("runAfter", cycle.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"));
  }

  /**
   * Rewriting the last 500 hooks of a chain of 2,000 in one batch: the cycle check walked from each changed hook
   * down the chain (each step a row in the database), so a page of a long chain took seconds; the run order is now
   * checked in one pass. A cycle closed through the page is still refused, named on the page's first hook on it.
   */
  @Test
  void aLongRunOrderChainRewrittenInOneBatchIsCheckedInOnePass() {
    // pages of 500 hooks take more than the harness's 64 KiB bodies; a statement timeout stands for "promptly"
    var big = OrgServiceHarness.start(vertx, org.db(), new JsonObject().put("ORGPLANE_BODY_LIMIT_BYTES", "1048576")
        .put("ORGPLANE_PG_STATEMENT_TIMEOUT_MILLIS", "2000"));
    var owner = big.newUser("owner");
    var t = new Tenant(owner, big.createOrg(owner.token(), "c-" + UUID.randomUUID().toString().substring(0, 8))
        .getString("id"));
    var ids = new ArrayList<String>();
    for (int page = 0; page < 4; page++) {
      var items = new JsonArray();
      for (int i = 0; i < 500; i++) {
        var id = UUID.randomUUID().toString();
        items.add(hook("chain-" + ids.size(), new JsonArray(), ids.isEmpty() ? new JsonArray()
            : new JsonArray().add(ids.get(ids.size() - 1))).put("id", id));
        ids.add(id);
      }
      var created = big.post(t.path("/hooks:batch"), t.owner().token(), new JsonObject().put("items", items));
      assertEquals(200, created.statusCode(), created.bodyAsString());
    }
    var renamed = new JsonArray();
    for (int i = 1500; i < 2000; i++) {
      renamed.add(hook("renamed-" + i, new JsonArray(), new JsonArray().add(ids.get(i - 1))).put("id", ids.get(i)));
    }
    var rewritten = big.post(t.path("/hooks:batch"), t.owner().token(), new JsonObject().put("items", renamed));
    assertEquals(200, rewritten.statusCode(), rewritten.bodyAsString());

    var closing = renamed.copy();
    closing.getJsonObject(0).put("runAfter", new JsonArray().add(ids.get(1999)));
    var refused = big.post(t.path("/hooks:batch"), owner.token(), new JsonObject().put("items", closing));
    assertProblem(refused, 422, "invalid_reference");
    assertEquals("items[0].runAfter", refused.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"),
        refused.bodyAsString());
  }

  /**
   * A hook's array references have no foreign keys: they are checked by reading other rows, which concurrent
   * writes did not see. Two hooks made to run after each other at once, or a queue deleted while a hook is made to
   * name it, must still end consistent, whichever request wins.
   */
  @Test
  void concurrentHookWritesLeaveNoCycleAndNoDanglingQueue() {
    var t = tenant();
    var setup = queueSetup(t);
    var client = WebClient.create(vertx);
    for (int round = 0; round < 8; round++) {
      var one = create(t, "hooks", hook("one-" + round, new JsonArray(), new JsonArray()));
      var two = create(t, "hooks", hook("two-" + round, new JsonArray(), new JsonArray()));
      var patches = List.of(List.of(one, two), List.of(two, one)).stream().map(pair -> client
              .patch(org.port(), "127.0.0.1", t.path("/hooks/" + pair.get(0))).bearerTokenAuthentication(t.owner().token())
              .sendJsonObject(new JsonObject().put("runAfter", new JsonArray().add(pair.get(1)))))
          .toList();
      Future.join(patches).otherwiseEmpty().await();
      assertEquals(List.of(200, 422), patches.stream().map(f -> f.result().statusCode()).sorted().toList(),
          "one of two hooks naming each other is refused");

      var queue = create(t, "queues", queue("q-" + round, setup[0], setup[1]));
      var delete = client.delete(org.port(), "127.0.0.1", t.path("/queues/" + queue))
          .bearerTokenAuthentication(t.owner().token()).send();
      var naming = client.post(org.port(), "127.0.0.1", t.path("/hooks")).bearerTokenAuthentication(t.owner().token())
          .sendJsonObject(hook("naming-" + round, new JsonArray().add(queue), new JsonArray()));
      Future.join(delete, naming).otherwiseEmpty().await();
      var outcome = List.of(delete.result().statusCode(), naming.result().statusCode());
      assertTrue(outcome.equals(List.of(204, 422)) || outcome.equals(List.of(409, 201)),
          "the queue is deleted and the hook refused, or the hook made and the deletion refused: " + outcome);
    }
  }

  @Test
  void hookCannotPointAtAnotherOrganizationsQueue() {
    var mine = tenant();
    var theirs = tenant();
    var theirQueue = queueSetup(theirs)[2];
    var response = org.post(mine.path("/hooks"), mine.owner().token(), hook("h", new JsonArray().add(theirQueue),
        new JsonArray()));
    assertProblem(response, 422, "invalid_reference");
    assertEquals("queueIds", response.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"));
  }

  @Test
  void hookUrlsToInternalAddressesAndUnknownEventsAreRefused() {
    var t = tenant();
    for (var url : new String[] {"http://127.0.0.1/x", "http://10.1.2.3/x", "http://localhost:8080/x",
        "http://[::1]/x", "http://169.254.169.254/latest", "ftp://example.com/x", "https://user:pw@example.com/"}) {
      assertProblem(org.post(t.path("/hooks"), t.owner().token(), new JsonObject().put("name", "h").put("url", url)),
          400, "validation_failed");
    }
    assertProblem(org.post(t.path("/hooks"), t.owner().token(), new JsonObject().put("name", "h")
        .put("url", "https://example.com/x").put("events", new JsonArray().add("everything.happened"))), 400,
        "validation_failed");
  }

  /** A hook subscribed to nothing would never be called: 422 naming the field, however the hook is written. */
  @Test
  void aHookThatHearsNoEventIsRefusedHoweverItIsWritten() {
    var t = tenant();
    var token = t.owner().token();
    var hook = create(t, "hooks", hook("heard", new JsonArray(), new JsonArray()));
    var silent = hook("silent", new JsonArray(), new JsonArray()).put("events", new JsonArray());
    var omitted = hook("omitted", new JsonArray(), new JsonArray());
    omitted.remove("events");
    for (var body : List.of(silent, omitted)) {
      assertNoEvents(org.post(t.path("/hooks"), token, body), "events");
      assertNoEvents(org.send(HttpMethod.PUT, t.path("/hooks/" + UUID.randomUUID()), token, body), "events");
    }
    assertNoEvents(org.send(HttpMethod.PATCH, t.path("/hooks/" + hook), token,
        new JsonObject().put("events", new JsonArray())), "events");
    assertNoEvents(org.post(t.path("/hooks:batch"), token, new JsonObject().put("items", new JsonArray()
        .add(hook("fine", new JsonArray(), new JsonArray()).put("id", UUID.randomUUID().toString()))
        .add(silent.copy().put("id", UUID.randomUUID().toString())))), "items[1].events");
    assertProblem(org.post(t.path("/hooks"), token, silent.copy().put("url", "ftp://example.com/")), 400,
        "validation_failed");

    assertEquals(List.of("queue.created"), org.get(t.path("/hooks/" + hook), token).bodyAsJsonObject()
        .getJsonArray("events").getList());
    assertEquals(1, org.get(t.path("/hooks"), token).bodyAsJsonObject().getJsonArray("items").size(),
        "nothing refused was written");
  }

  /**
   * A hook stored without events before they were required stays editable: a patch that leaves the events alone is
   * not refused for them, one that sets them must name one.
   */
  @Test
  void aHookStoredWithoutEventsIsPatchedWithoutChoosingThem() {
    var t = tenant();
    var token = t.owner().token();
    var legacy = create(t, "hooks", hook("legacy", new JsonArray(), new JsonArray()));
    PgFixture.execute(org.db(), "UPDATE org.hooks SET events = '{}' WHERE id = '" + legacy + "'");

    var moved = org.send(HttpMethod.PATCH, t.path("/hooks/" + legacy), token,
        new JsonObject().put("url", "https://hooks.example.com/moved").put("active", false));
    assertEquals(200, moved.statusCode(), moved.bodyAsString());
    assertEquals("https://hooks.example.com/moved", moved.bodyAsJsonObject().getString("url"));
    assertEquals(List.of(), moved.bodyAsJsonObject().getJsonArray("events").getList(), "its events are as they were");

    assertNoEvents(org.send(HttpMethod.PATCH, t.path("/hooks/" + legacy), token,
        new JsonObject().put("name", "still-silent").put("events", new JsonArray())), "events");
    var heard = org.send(HttpMethod.PATCH, t.path("/hooks/" + legacy), token,
        new JsonObject().put("events", new JsonArray().add("member.added")));
    assertEquals(200, heard.statusCode(), heard.bodyAsString());
    assertEquals("legacy", heard.bodyAsJsonObject().getString("name"), "the refused patch wrote nothing");
  }

  /**
   * A hook's events name each event once: a repeat was stored as sent, tens of thousands of copies of one event
   * scanned for every audited event of the organization. Refused on create, patch and batch, naming the field.
   */
  @Test
  void aHooksEventsNameEachEventOnce() {
    var t = tenant();
    var twice = new JsonArray().add("queue.created").add("queue.deleted").add("queue.created");
    assertEventsRefused(org.post(t.path("/hooks"), t.owner().token(), hook("twice", new JsonArray(), new JsonArray())
        .put("events", twice)), "events");
    var copies = new JsonArray();
    for (int i = 0; i < 1_000; i++) {
      copies.add("queue.created");
    }
    assertEventsRefused(org.post(t.path("/hooks"), t.owner().token(), hook("copies", new JsonArray(), new JsonArray())
        .put("events", copies)), "events");
    var hook = create(t, "hooks", hook("once", new JsonArray(), new JsonArray())
        .put("events", new JsonArray(HookEvents.CATALOG)));
    assertEventsRefused(org.send(HttpMethod.PATCH, t.path("/hooks/" + hook), t.owner().token(),
        new JsonObject().put("events", twice)), "events");
    var items = new JsonArray().add(hook("batched", new JsonArray(), new JsonArray())
        .put("id", UUID.randomUUID().toString()).put("events", twice));
    assertEventsRefused(org.post(t.path("/hooks:batch"), t.owner().token(), new JsonObject().put("items", items)),
        "items[0].events");
    assertEquals(HookEvents.CATALOG.size(), org.get(t.path("/hooks/" + hook),
        t.owner().token()).bodyAsJsonObject().getJsonArray("events").size(), "the whole catalog, each once, is taken");
  }

  /**
   * A hook's queueIds and runAfter name each id once, compared as UUIDs (case aside): a repeat was stored, one id as
   * often as it was sent. Refused on create, patch and batch, naming the field.
   */
  @Test
  void aHooksReferencesNameEachIdOnce() {
    var t = tenant();
    var queue = queueSetup(t)[2];
    var repeated = new JsonArray().add(queue).add(queue.toUpperCase()).add(queue);
    assertInvalid(org.post(t.path("/hooks"), t.owner().token(), hook("twice", repeated, new JsonArray())),
        "queueIds: must name each id once");
    var before = create(t, "hooks", hook("before", new JsonArray(), new JsonArray()));
    var hook = create(t, "hooks", hook("once", new JsonArray().add(queue), new JsonArray().add(before)));
    assertInvalid(org.send(HttpMethod.PATCH, t.path("/hooks/" + hook), t.owner().token(),
        new JsonObject().put("runAfter", new JsonArray().add(before).add(before.toUpperCase()))),
        "runAfter: must name each id once");
    var items = new JsonArray().add(hook("batched", repeated, new JsonArray()).put("id", UUID.randomUUID().toString()));
    assertInvalid(org.post(t.path("/hooks:batch"), t.owner().token(), new JsonObject().put("items", items)),
        "items[0].queueIds: must name each id once");
    var stored = org.get(t.path("/hooks/" + hook), t.owner().token()).bodyAsJsonObject();
    assertEquals(List.of(queue), stored.getJsonArray("queueIds").getList(), stored.encode());
    assertEquals(List.of(before), stored.getJsonArray("runAfter").getList(), stored.encode());
  }

  private static void assertEventsRefused(HttpResponse<Buffer> response, String field) {
    assertProblem(response, 400, "validation_failed");
    assertEquals(List.of(field), response.bodyAsJsonObject().getJsonArray("errors").stream()
        .map(e -> ((JsonObject) e).getString("field")).toList(), response.bodyAsString());
  }

  private static void assertNoEvents(io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> response,
      String field) {
    assertProblem(response, 422, "no_events");
    assertEquals(List.of(field), response.bodyAsJsonObject().getJsonArray("errors").stream()
        .map(e -> ((JsonObject) e).getString("field")).toList(), response.bodyAsString());
  }

  @Test
  void everySetupEndpointRefusesAnotherOrganizationsIds() {
    var victim = tenant();
    var attacker = tenant();
    var ids = queueSetup(victim);
    var hookId = create(victim, "hooks", hook("h", new JsonArray().add(ids[2]), new JsonArray()));
    var objects = java.util.Map.of("workspaces", ids[0], "schemas", ids[1], "queues", ids[2], "hooks", hookId);
    var before = new java.util.HashMap<String, JsonObject>();
    objects.forEach((kind, id) -> before.put(kind, org.get(victim.path("/" + kind + "/" + id), victim.owner().token())
        .bodyAsJsonObject()));
    var token = attacker.owner().token();
    var validBodies = java.util.Map.of(
        "workspaces", new JsonObject().put("name", "pwned"),
        "schemas", new JsonObject().put("name", "pwned").put("content", new JsonObject()),
        "queues", queue("pwned", ids[0], ids[1]),
        "hooks", new JsonObject().put("name", "pwned").put("url", "https://evil.example.com/")
            .put("events", new JsonArray().add("queue.created")));
    objects.forEach((kind, id) -> {
      var body = validBodies.get(kind);
      var theirs = victim.path("/" + kind);
      assertProblem(org.get(theirs, token), 404, "organization_not_found");
      assertProblem(org.post(theirs, token, body), 404, "organization_not_found");
      assertProblem(org.post(theirs + ":batch", token, new JsonObject().put("items", new JsonArray()
          .add(body.copy().put("id", id)))), 404, "organization_not_found");
      for (var method : new HttpMethod[] {HttpMethod.GET, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE}) {
        assertProblem(org.send(method, theirs + "/" + id, token, method == HttpMethod.GET
            || method == HttpMethod.DELETE ? null : body), 404, "organization_not_found");
      }
      // the attacker's own organization with the victim's ids: nothing there (ids belong to their organization), so
      // a replace of only what the caller read makes nothing, and the rest is the kind's own 404
      var mine = attacker.path("/" + kind + "/" + id);
      var notFound = kind.substring(0, kind.length() - 1) + "_not_found";
      assertProblem(org.send(HttpMethod.PUT, mine, token, body, MultiMap.caseInsensitiveMultiMap().add("If-Match",
          "*")), 412, "precondition_failed");
      for (var method : new HttpMethod[] {HttpMethod.GET, HttpMethod.PATCH, HttpMethod.DELETE}) {
        assertProblem(org.send(method, mine, token, method == HttpMethod.PATCH ? body : null), 404, notFound);
      }
      assertProblem(org.get(attacker.path("/" + kind + "/" + UUID.randomUUID()), token), 404, notFound);
    });
    objects.forEach((kind, id) -> assertEquals(before.get(kind),
        org.get(victim.path("/" + kind + "/" + id), victim.owner().token()).bodyAsJsonObject(), kind + " unchanged"));
  }

  @Test
  void aTakenNameIsRefusedHoweverTheObjectIsWritten() {
    var t = tenant();
    var ws = create(t, "workspaces", new JsonObject().put("name", "Main"));
    create(t, "workspaces", new JsonObject().put("name", "Other"));
    var before = org.get(t.path("/workspaces/" + ws), t.owner().token()).bodyAsJsonObject();

    assertProblem(org.send(HttpMethod.PATCH, t.path("/workspaces/" + ws), t.owner().token(),
        new JsonObject().put("name", "Other")), 409, "name_taken");
    assertProblem(org.send(HttpMethod.PUT, t.path("/workspaces/" + UUID.randomUUID()), t.owner().token(),
        new JsonObject().put("name", "Other")), 409, "name_taken");
    assertProblem(org.post(t.path("/workspaces:batch"), t.owner().token(), new JsonObject().put("items",
        new JsonArray().add(new JsonObject().put("id", UUID.randomUUID().toString()).put("name", "Other")))), 409,
        "name_taken");
    assertProblem(org.send(HttpMethod.PATCH, t.path("/workspaces/" + ws), t.owner().token(),
        new JsonObject().put("colour", "red")), 400, "validation_failed");
    assertProblem(org.send(HttpMethod.PATCH, t.path("/workspaces/" + ws), t.owner().token(),
        new JsonObject().put("name", 42)), 400, "validation_failed");

    assertEquals(before, org.get(t.path("/workspaces/" + ws), t.owner().token()).bodyAsJsonObject());
    assertEquals(2, org.get(t.path("/workspaces"), t.owner().token()).bodyAsJsonObject().getJsonArray("items").size());
  }

  /**
   * Items of one batch named alike are 409 {@code name_taken} naming every item after the first of the name, compared
   * exactly as the unique index compares names: the statement was refused, the batch ran again freeing names and was
   * refused again, with no item named.
   */
  @Test
  void aBatchNamingTwoItemsAlikeNamesEachLaterOne() {
    var t = tenant();
    var items = new JsonArray();
    for (var name : List.of("Main", "Other", "Main", "main", "Main")) {
      items.add(new JsonObject().put("id", UUID.randomUUID().toString()).put("name", name));
    }
    var refused = org.post(t.path("/workspaces:batch"), t.owner().token(), new JsonObject().put("items", items));
    assertProblem(refused, 409, "name_taken");
    assertEquals(List.of("items[2].name", "items[4].name"), refused.bodyAsJsonObject().getJsonArray("errors").stream()
        .map(e -> ((JsonObject) e).getString("field")).toList(), refused.bodyAsString());
    assertTrue(org.get(t.path("/workspaces"), t.owner().token()).bodyAsJsonObject().getJsonArray("items").isEmpty());
  }

  /**
   * No setup column holds null, and a null taken as absent gave the field its default: a patch of nulls made a paused
   * hook active again, its metadata and config empty. However the object is written, an explicit null is refused.
   */
  @Test
  void anExplicitNullIsRefusedHoweverTheObjectIsWritten() {
    var t = tenant();
    var token = t.owner().token();
    var paused = create(t, "hooks", hook("paused", new JsonArray(), new JsonArray()).put("active", false)
        .put("metadata", new JsonObject().put("team", "billing")).put("config", new JsonObject().put("retries", 3)));
    var before = org.get(t.path("/hooks/" + paused), token).bodyAsJsonObject();

    var nulls = org.send(HttpMethod.PATCH, t.path("/hooks/" + paused), token,
        new JsonObject().putNull("active").putNull("metadata").putNull("config"));
    assertFieldErrors(nulls, List.of("active: must not be null", "config: must not be null",
        "metadata: must not be null"));
    assertEquals(before, org.get(t.path("/hooks/" + paused), token).bodyAsJsonObject(), "the hook stays paused");
    assertFieldErrors(org.send(HttpMethod.PATCH, t.path("/hooks/" + paused), token, new JsonObject().putNull("name")),
        List.of("name: must not be null"));

    var ids = queueSetup(t);
    var withNull = java.util.Map.of(
        "workspaces", new JsonObject().put("name", "W2").putNull("metadata"),
        "schemas", new JsonObject().put("name", "S2").put("content", new JsonObject()).putNull("metadata"),
        "queues", queue("Q2", ids[0], ids[1]).putNull("settings"),
        "hooks", hook("h2", new JsonArray(), new JsonArray()).putNull("runAfter"));
    var objects = java.util.Map.of("workspaces", ids[0], "schemas", ids[1], "queues", ids[2], "hooks", paused);
    withNull.forEach((kind, body) -> {
      var field = body.fieldNames().stream().filter(f -> body.getValue(f) == null).findFirst().orElseThrow();
      var refusal = List.of(field + ": must not be null");
      assertFieldErrors(org.post(t.path("/" + kind), token, body), refusal);
      assertFieldErrors(org.send(HttpMethod.PUT, t.path("/" + kind + "/" + UUID.randomUUID()), token, body), refusal);
      assertFieldErrors(org.send(HttpMethod.PATCH, t.path("/" + kind + "/" + objects.get(kind)), token,
          new JsonObject().putNull(field)), refusal);
      assertFieldErrors(org.post(t.path("/" + kind + ":batch"), token, new JsonObject().put("items", new JsonArray()
          .add(body.copy().put("id", UUID.randomUUID().toString())))), List.of("items[0]." + refusal.get(0)));
      assertEquals(1, org.get(t.path("/" + kind), token).bodyAsJsonObject().getJsonArray("items").size(),
          kind + ": nothing refused was written");
    });
  }

  /**
   * A lone UTF-16 surrogate (JSON {@code "\ud800"} without its pair) is no text: in a free-form object, a key or a
   * value at any depth, or in a hook's secret or URL, it was stored as {@code ?} (two such keys made one, one value
   * lost; a hook signed its deliveries with another key than the one sent), and a NUL there failed the whole request
   * at the database (400 {@code invalid_text}, naming no field); a number no double holds ({@code 1e400}), read as
   * infinite, was stored as the text {@code "Infinity"}. Each is refused by field, however the object is written. The
   * bodies are sent as written here: a Java string holding a lone surrogate is sent as {@code ?}.
   */
  @Test
  void textThatCannotBeStoredAsSentIsRefusedByFieldHoweverTheObjectIsWritten() {
    var t = tenant();
    var token = t.owner().token();
    var ids = queueSetup(t);
    var paused = create(t, "hooks", hook("paused", new JsonArray(), new JsonArray()).put("active", false));
    var objects = java.util.Map.of("workspaces", ids[0], "schemas", ids[1], "queues", ids[2], "hooks", paused);
    var before = new java.util.HashMap<String, JsonObject>();
    objects.forEach((kind, id) -> before.put(kind, org.get(t.path("/" + kind + "/" + id), token).bodyAsJsonObject()));
    var surrogate = "must not contain unpaired UTF-16 surrogates";
    record Case(String kind, String field, String body, String message) {
    }
    var cases = List.of(
        new Case("workspaces", "metadata", "{\"name\":\"W2\",\"metadata\":{\"a\":\"\\ud800\"}}", surrogate),
        new Case("workspaces", "metadata", "{\"name\":\"W2\",\"metadata\":{\"\\ud800\":1,\"\\udbff\":2}}",
            surrogate),
        new Case("schemas", "content",
            "{\"name\":\"S2\",\"content\":{\"type\":\"object\",\"description\":\"x\\udfff\"}}", surrogate),
        new Case("queues", "settings", "{\"name\":\"Q2\",\"workspaceId\":\"" + ids[0] + "\",\"schemaId\":\"" + ids[1]
            + "\",\"settings\":{\"a\":[{\"b\":{\"\\udc00c\":true}}]}}", surrogate),
        new Case("workspaces", "metadata", "{\"name\":\"W2\",\"metadata\":{\"a\":[1e400]}}",
            dev.orgplane.kit.http.FreeFormJson.NUMBER_RULE),
        new Case("hooks", "config", hook("h2", new JsonArray(), new JsonArray()).put("config",
            new JsonObject().put("a", "\u0000")).encode(), "must not contain NUL characters"),
        new Case("hooks", "secret", hook("h2", new JsonArray(), new JsonArray()).put("secret", "@@").encode()
            .replace("\"@@\"", "\"aaaaaaaaaaaaaaa\\ud800\""), surrogate),
        new Case("hooks", "url", hook("h2", new JsonArray(), new JsonArray()).put("url", "@@").encode()
            .replace("\"@@\"", "\"https://hooks.example.com/\\ud800\""), surrogate));
    for (var c : cases) {
      var refusal = List.of(c.field() + ": " + c.message());
      var item = "{\"items\":[{\"id\":\"" + UUID.randomUUID() + "\"," + c.body().substring(1) + "]}";
      assertFieldErrors(org.post(t.path("/" + c.kind()), token, c.body()), refusal);
      assertFieldErrors(org.send(HttpMethod.PUT, t.path("/" + c.kind() + "/" + UUID.randomUUID()), token, c.body()),
          refusal);
      assertFieldErrors(org.send(HttpMethod.PATCH, t.path("/" + c.kind() + "/" + objects.get(c.kind())), token,
          c.body()), refusal);
      assertFieldErrors(org.post(t.path("/" + c.kind() + ":batch"), token, item), List.of("items[0]." + refusal.get(0)));
    }
    objects.forEach((kind, id) -> {
      assertEquals(1, org.get(t.path("/" + kind), token).bodyAsJsonObject().getJsonArray("items").size(),
          kind + ": nothing refused was written");
      assertEquals(before.get(kind), org.get(t.path("/" + kind + "/" + id), token).bodyAsJsonObject(),
          kind + ": nothing refused was changed");
    });
  }

  private static void assertFieldErrors(io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> response,
      List<String> errors) {
    assertProblem(response, 400, "validation_failed");
    assertEquals(errors, response.bodyAsJsonObject().getJsonArray("errors").stream().map(JsonObject.class::cast)
        .map(e -> e.getString("field") + ": " + e.getString("message")).sorted().toList(), response.bodyAsString());
  }

  /**
   * A patch sending the values stored is no change: answered as the object was (its ETag too), and neither audited
   * nor announced, as a PUT of the object as stored is not. It moved {@code updatedAt} and told hooks of an update.
   */
  @Test
  void aPatchThatChangesNothingWritesAndAnnouncesNothing() {
    var t = tenant();
    var token = t.owner().token();
    var listener = create(t, "hooks", hook("listener", new JsonArray(), new JsonArray())
        .put("events", new JsonArray().add("workspace.updated").add("hook.updated")));
    var paused = create(t, "hooks", hook("paused", new JsonArray(), new JsonArray()).put("active", false));
    var ws = create(t, "workspaces", new JsonObject().put("name", "Main").put("metadata", new JsonObject().put("k", 1)));
    var samePatches = java.util.Map.of(
        "workspaces/" + ws, new JsonObject().put("name", "Main").put("metadata", new JsonObject().put("k", 1)),
        "hooks/" + paused, new JsonObject().put("active", false).put("events", new JsonArray().add("queue.created")));
    samePatches.forEach((object, body) -> org.assertPatchChangesNothing(t.path("/" + object), token, body));
    assertEquals(0, org.audited(token, t.id(), "workspace.updated").size());
    assertEquals(0, org.audited(token, t.id(), "hook.updated").size());
    assertTrue(org.get(t.path("/hooks/" + listener + "/deliveries"), token).bodyAsJsonObject().getJsonArray("items")
        .isEmpty(), "no update announced");

    var renamed = org.send(HttpMethod.PATCH, t.path("/workspaces/" + ws), token, new JsonObject().put("name", "Renamed"));
    assertEquals("Renamed", renamed.bodyAsJsonObject().getString("name"));
    assertEquals(1, org.audited(token, t.id(), "workspace.updated").size(), "a change is still news");
    assertEquals(1, org.get(t.path("/hooks/" + listener + "/deliveries"), token).bodyAsJsonObject()
        .getJsonArray("items").size());
  }

  /**
   * A patch's {@code <kind>.updated} names the fields it changed, not those it sent as stored, which it keeps unjudged:
   * it named every field sent.
   */
  @Test
  void aPatchsEventNamesOnlyTheFieldsItChanged() {
    var t = tenant();
    var token = t.owner().token();
    var ws = create(t, "workspaces", new JsonObject().put("name", "Main").put("metadata", new JsonObject().put("k", 1)));
    var patched = org.send(HttpMethod.PATCH, t.path("/workspaces/" + ws), token,
        new JsonObject().put("name", "Main").put("metadata", new JsonObject().put("k", 2)));
    assertEquals(200, patched.statusCode(), patched.bodyAsString());
    var updated = org.audited(token, t.id(), "workspace.updated");
    assertEquals(1, updated.size(), updated.encode());
    assertEquals(new JsonObject().put("fields", new JsonArray().add("metadata")),
        updated.getJsonObject(0).getJsonObject("details"));
  }

  /**
   * An import is recorded as the creation or update it is, with the details creating and patching record, so that the
   * hooks subscribed to those hear of it (it was a {@code *.imported} no hook could subscribe to); a batch records each
   * object it creates or replaces, and nothing for one that changes nothing.
   */
  @Test
  void importsAreRecordedAndAnnouncedAsTheCreationsAndUpdatesTheyAre() {
    var t = tenant();
    var token = t.owner().token();
    var events = new JsonArray().add("workspace.created").add("workspace.updated").add("hook.updated");
    var listener = create(t, "hooks", hook("listener", new JsonArray(), new JsonArray()).put("events", events));
    var ws = UUID.randomUUID().toString();
    for (var name : List.of("W", "W2")) {
      var put = org.send(HttpMethod.PUT, t.path("/workspaces/" + ws), token, new JsonObject().put("name", name));
      assertTrue(put.statusCode() == 201 || put.statusCode() == 200, put.bodyAsString());
    }
    var moved = org.send(HttpMethod.PUT, t.path("/hooks/" + listener), token, hook("listener", new JsonArray(),
        new JsonArray()).put("events", events).put("url", "https://hooks.example.com/moved"));
    assertEquals("updated", moved.getHeader("Orgplane-Import-Result"), moved.bodyAsString());

    assertEquals(List.of("workspace:" + ws), targets(t, "workspace.created"));
    var updated = org.audited(token, t.id(), "workspace.updated");
    assertEquals(1, updated.size(), updated.encode());
    assertEquals(new JsonObject().put("fields", new JsonArray().add("name").add("metadata")),
        updated.getJsonObject(0).getJsonObject("details"));
    var hookUpdated = org.audited(token, t.id(), "hook.updated").getJsonObject(0);
    assertEquals("hook:" + listener, hookUpdated.getString("target"));
    assertEquals(List.of("name", "url", "events", "queueIds", "runAfter", "active", "config", "metadata"),
        hookUpdated.getJsonObject("details").getJsonArray("fields").getList(), "the secret it leaves out is kept");

    var other = UUID.randomUUID().toString();
    var batch = new JsonObject().put("items", new JsonArray().add(new JsonObject().put("id", ws).put("name", "W3"))
        .add(new JsonObject().put("id", other).put("name", "X")));
    assertEquals(200, org.post(t.path("/workspaces:batch"), token, batch).statusCode());
    assertEquals(List.of("workspace:" + other, "workspace:" + ws), targets(t, "workspace.created"));
    assertEquals(List.of("workspace:" + ws, "workspace:" + ws), targets(t, "workspace.updated"));
    var trail = org.get(t.path("/audit-events?limit=500"), token).bodyAsJsonObject().getJsonArray("items").size();
    assertEquals(200, org.post(t.path("/workspaces:batch"), token, batch).statusCode());
    assertEquals(trail, org.get(t.path("/audit-events?limit=500"), token).bodyAsJsonObject().getJsonArray("items")
        .size(), "a batch that changes nothing records nothing");
    var delivered = org.get(t.path("/hooks/" + listener + "/deliveries"), token).bodyAsJsonObject()
        .getJsonArray("items").stream().map(d -> ((JsonObject) d).getString("event")).sorted().toList();
    assertEquals(List.of("hook.updated", "workspace.created", "workspace.created", "workspace.updated",
        "workspace.updated"), delivered);
  }

  /** The targets of the organization's events {@code action}, newest first. */
  private List<String> targets(Tenant t, String action) {
    return org.audited(t.owner().token(), t.id(), action).stream().map(e -> ((JsonObject) e).getString("target"))
        .toList();
  }

  @Test
  void aSchemaAQueueUsesIsNotDeleted() {
    var t = tenant();
    var ids = queueSetup(t);
    var inUse = org.send(HttpMethod.DELETE, t.path("/schemas/" + ids[1]), t.owner().token(), null);
    assertProblem(inUse, 409, "in_use");
    assertTrue(inUse.bodyAsJsonObject().getString("detail").contains("queue Q"), inUse.bodyAsString());
    assertEquals(200, org.get(t.path("/schemas/" + ids[1]), t.owner().token()).statusCode());
  }
}
