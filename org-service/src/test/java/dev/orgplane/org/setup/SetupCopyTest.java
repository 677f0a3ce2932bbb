package dev.orgplane.org.setup;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.orgplane.copy.api.Existing;
import dev.orgplane.copy.api.IdFunction;
import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.http.PageRequest;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceTest;
import dev.orgplane.org.access.OrgAccess;
import dev.orgplane.org.organization.Organization;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code POST .../{kind}:copy}: org-service copying a page of a template's objects itself. */
class SetupCopyTest extends OrgServiceTest {

  private record Org(String id) {
    String path(String rest) {
      return "/v1/organizations/" + id + rest;
    }
  }

  private Org newOrg(OrgServiceHarness.Account owner) {
    return new Org(org.createOrg(owner.token(), "c-" + UUID.randomUUID().toString().substring(0, 8)).getString("id"));
  }

  private String create(OrgServiceHarness.Account owner, Org in, String kind, JsonObject body) {
    var created = org.post(in.path("/" + kind), owner.token(), body);
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject().getString("id");
  }

  private HttpResponse<Buffer> copy(OrgServiceHarness.Account caller, Org from, Org into, String kind, String query) {
    return org.post(into.path("/" + kind + ":copy" + query), caller.token(), new JsonObject().put("from", from.id()));
  }

  private static JsonObject counts(HttpResponse<Buffer> response, long created, long updated, long unchanged) {
    assertEquals(200, response.statusCode(), response.bodyAsString());
    var answer = response.bodyAsJsonObject();
    assertEquals(List.of(created, updated, unchanged), List.of(answer.getLong("created"), answer.getLong("updated"),
        answer.getLong("unchanged")), answer.encode());
    return answer;
  }

  @Test
  void copiesPageByPageWithReferencesAndEmbeddedIdsMappedAndReRunsChangeNothing() {
    var owner = org.newUser("owner");
    var template = newOrg(owner);
    var target = newOrg(owner);
    var main = create(owner, template, "workspaces", new JsonObject().put("name", "main"));
    var spare = create(owner, template, "workspaces", new JsonObject().put("name", "spare"));
    var schema = create(owner, template, "schemas", new JsonObject().put("name", "invoice")
        .put("content", new JsonObject().put("type", "object")));
    var elsewhere = UUID.randomUUID().toString();
    var queue = create(owner, template, "queues", new JsonObject().put("name", "inbox").put("workspaceId", main)
        .put("schemaId", schema).put("settings", new JsonObject().put("overflowTo", spare)
            .put("nested", new JsonArray().add(new JsonObject().put("ref", elsewhere)))));
    var hook = create(owner, template, "hooks", new JsonObject().put("name", "notify")
        .put("url", "https://hooks.example.com/n").put("events", new JsonArray().add("queue.created")).put("queueIds", new JsonArray().add(queue))
        .put("config", new JsonObject().put("queue", queue)).put("secret", "template-secret-1234567890"));

    var first = counts(copy(owner, template, target, "workspaces", "?limit=1"), 1, 0, 0);
    assertEquals(List.of(List.of(main, spare).stream().sorted().findFirst().orElseThrow()),
        first.getJsonArray("sourceIds").getList());
    assertNotNull(first.getString("nextCursor"));
    var last = counts(copy(owner, template, target, "workspaces", "?limit=1&cursor=" + first.getString("nextCursor")),
        1, 0, 0);
    assertNull(last.getString("nextCursor"));
    counts(copy(owner, template, target, "schemas", ""), 1, 0, 0);
    counts(copy(owner, template, target, "queues", ""), 1, 0, 0);
    counts(copy(owner, template, target, "hooks", ""), 1, 0, 0);

    var copyOf = IdFunction.nameBasedIn(target.id());
    var queueCopy = org.get(target.path("/queues/" + copyOf.apply(queue)), owner.token()).bodyAsJsonObject();
    assertEquals(copyOf.apply(main), queueCopy.getString("workspaceId"));
    assertEquals(copyOf.apply(schema), queueCopy.getString("schemaId"));
    assertEquals(new JsonObject().put("overflowTo", copyOf.apply(spare))
            .put("nested", new JsonArray().add(new JsonObject().put("ref", elsewhere))), queueCopy.getJsonObject("settings"),
        "an embedded id of a copied object is remapped, any other id is left alone");
    var hookCopy = org.get(target.path("/hooks/" + copyOf.apply(hook)), owner.token()).bodyAsJsonObject();
    assertEquals(List.of(copyOf.apply(queue)), hookCopy.getJsonArray("queueIds").getList());
    assertEquals(copyOf.apply(queue), hookCopy.getJsonObject("config").getString("queue"));
    var schemaCopy = org.get(target.path("/schemas/" + copyOf.apply(schema)), owner.token()).bodyAsJsonObject();
    assertEquals(new JsonObject().put("type", "object"), schemaCopy.getJsonObject("content"));

    counts(copy(owner, template, target, "workspaces", ""), 0, 0, 2);
    assertEquals(204, org.send(HttpMethod.DELETE, target.path("/workspaces/" + copyOf.apply(spare)),
        owner.token(), null).statusCode());
    counts(copy(owner, template, target, "workspaces", ""), 1, 0, 1);
    counts(copy(owner, template, target, "queues", ""), 0, 0, 1);
    counts(copy(owner, template, target, "hooks", ""), 0, 0, 1);
    org.send(HttpMethod.PATCH, template.path("/queues/" + queue), owner.token(),
        new JsonObject().put("name", "inbox-renamed"));
    counts(copy(owner, template, target, "queues", ""), 0, 1, 0);
    var audit = org.get(target.path("/audit-events?limit=500"), owner.token()).bodyAsJsonObject().getJsonArray("items");
    assertEquals(10, audit.stream().filter(e -> ((JsonObject) e).getString("action").endsWith(".copied")).count(),
        "every page is audited in the target, re-runs too");
  }

  /**
   * A copied page is one {@code <kind>.copied} event in the target, with its counts, and no hook hears it: not a
   * hook of the target subscribed to the creations it makes, nor one of the hooks it copies (per-object events
   * would be queued to every hook active when they are recorded, the copies of the same page and job included).
   */
  @Test
  void aCopiedPageIsOneCopiedEventThatNoHookHears() {
    var owner = org.newUser("owner");
    var template = newOrg(owner);
    var target = newOrg(owner);
    var heard = new JsonArray().add("workspace.created").add("workspace.updated").add("hook.created");
    var listener = create(owner, target, "hooks", new JsonObject().put("name", "listener")
        .put("url", "https://hooks.example.com/l").put("events", heard));
    create(owner, template, "workspaces", new JsonObject().put("name", "main"));
    create(owner, template, "workspaces", new JsonObject().put("name", "spare"));
    var copiedHook = create(owner, template, "hooks", new JsonObject().put("name", "notify")
        .put("url", "https://hooks.example.com/n").put("events", heard));

    counts(copy(owner, template, target, "workspaces", ""), 2, 0, 0);
    counts(copy(owner, template, target, "hooks", ""), 1, 0, 0);

    var copied = org.audited(owner.token(), target.id(), "workspace.copied");
    assertEquals(1, copied.size(), copied.encode());
    assertEquals(new JsonObject().put("count", 2).put("created", 2).put("updated", 0).put("unchanged", 0)
        .put("from", template.id()).put("copySecrets", false).put("existing", "update"),
        copied.getJsonObject(0).getJsonObject("details"));
    assertEquals(1, org.audited(owner.token(), target.id(), "hook.copied").size());
    assertEquals(0, org.audited(owner.token(), target.id(), "workspace.created").size());
    assertEquals(List.of("hook:" + listener), org.audited(owner.token(), target.id(), "hook.created").stream()
        .map(event -> ((JsonObject) event).getString("target")).toList(), "the listener's own creation, a POST");
    Function<String, List<String>> delivered = hook -> org.get(target.path("/hooks/" + hook + "/deliveries"),
        owner.token()).bodyAsJsonObject().getJsonArray("items").stream()
        .map(delivery -> ((JsonObject) delivery).getString("event")).toList();
    assertEquals(List.of("hook.created"), delivered.apply(listener), "its own creation, none of the copies");
    assertEquals(List.of(), delivered.apply(IdFunction.nameBasedIn(target.id()).apply(copiedHook)));
  }

  /**
   * A template holding names stored before the rule of names (a blank at an end, dots only) still copies, the
   * names as they are: the rule applies to what a caller writes, and a copy writes what the template holds.
   */
  @Test
  void aTemplateWithNamesStoredBeforeTheRuleStillCopies() {
    var owner = org.newUser("owner");
    var template = newOrg(owner);
    var target = newOrg(owner);
    var trailing = UUID.randomUUID().toString();
    var dots = UUID.randomUUID().toString();
    PgFixture.execute(org.db(), "INSERT INTO org.workspaces (org_id, id, name) VALUES ('" + template.id() + "', '"
        + trailing + "', 'main '), ('" + template.id() + "', '" + dots + "', '...')");

    counts(copy(owner, template, target, "workspaces", ""), 2, 0, 0);
    var copyOf = IdFunction.nameBasedIn(target.id());
    assertEquals("main ", org.get(target.path("/workspaces/" + copyOf.apply(trailing)), owner.token())
        .bodyAsJsonObject().getString("name"));
    assertEquals("...", org.get(target.path("/workspaces/" + copyOf.apply(dots)), owner.token())
        .bodyAsJsonObject().getString("name"));
    counts(copy(owner, template, target, "workspaces", ""), 0, 0, 2);
  }

  /** Two hooks of {@code template}, in id order (a page of one each), the first running after the second. */
  private List<String> hookRunningAfterTheNext(OrgServiceHarness.Account owner, Org template) {
    var hooks = hooks(owner, template, "one", "two");
    runAfter(owner, template, hooks.get(0), hooks.get(1));
    return hooks;
  }

  /** Hooks of {@code template} named {@code names}, in id order (a page of one each), running after nothing. */
  private List<String> hooks(OrgServiceHarness.Account owner, Org template, String... names) {
    var hooks = new ArrayList<String>();
    for (var name : names) {
      hooks.add(create(owner, template, "hooks", new JsonObject().put("name", name)
          .put("url", "https://hooks.example.com/" + name).put("events", new JsonArray().add("queue.created"))));
    }
    hooks.sort(null);
    return hooks;
  }

  /** Makes {@code hook} of {@code in} run after {@code after} (nothing, if none). */
  private void runAfter(OrgServiceHarness.Account owner, Org in, String hook, String... after) {
    var patched = org.send(HttpMethod.PATCH, in.path("/hooks/" + hook), owner.token(),
        new JsonObject().put("runAfter", new JsonArray(List.of(after))));
    assertEquals(200, patched.statusCode(), patched.bodyAsString());
  }

  /** The run-after list of the copy in {@code target} of template hook {@code hook}, as template ids. */
  private List<String> copyRunsAfter(OrgServiceHarness.Account owner, Org target, String hook, List<String> hooks) {
    var copyOf = IdFunction.nameBasedIn(target.id());
    return org.get(target.path("/hooks/" + copyOf.apply(hook)), owner.token()).bodyAsJsonObject()
        .getJsonArray("runAfter").stream().map(copy -> hooks.stream().filter(h -> copyOf.apply(h).equals(copy))
            .findFirst().orElseThrow()).toList();
  }

  /** Copies {@code template}'s hooks into {@code target} a hook a page; answers each page's deferred count. */
  private List<Long> copyHookByHook(OrgServiceHarness.Account owner, Org template, Org target) {
    var deferred = new ArrayList<Long>();
    String cursor = null;
    do {
      var page = copy(owner, template, target, "hooks", "?limit=1" + (cursor == null ? "" : "&cursor=" + cursor));
      assertEquals(200, page.statusCode(), page.bodyAsString());
      deferred.add(page.bodyAsJsonObject().getLong("deferred"));
      cursor = page.bodyAsJsonObject().getString("nextCursor");
    } while (cursor != null);
    return deferred;
  }

  /**
   * A rollout of a template that reversed two hooks' run order, a hook a page: the first hook now runs after the
   * second, whose copy runs after the first's until the second page replaces it. Written at once, the reference
   * would close a cycle through that stale copy, so it waits (deferred) as one to a hook not copied yet does, and
   * copying the pages again completes it: the copies end as a rollout of one page leaves them, and a further run
   * changes nothing.
   */
  @Test
  void aRunOrderReversedAcrossPagesWaitsForTheLaterPageInsteadOfFailing() {
    var owner = org.newUser("owner");
    var template = newOrg(owner);
    var target = newOrg(owner);
    var hooks = hooks(owner, template, "one", "two");
    runAfter(owner, template, hooks.get(1), hooks.get(0));
    counts(copy(owner, template, target, "hooks", ""), 2, 0, 0);
    runAfter(owner, template, hooks.get(1));
    runAfter(owner, template, hooks.get(0), hooks.get(1));

    assertEquals(List.of(1L, 0L), copyHookByHook(owner, template, target), "the first hook's reference waits");
    assertEquals(List.of(), copyRunsAfter(owner, target, hooks.get(0), hooks));
    assertEquals(List.of(0L, 0L), copyHookByHook(owner, template, target), "the pages copied again complete it");
    assertEquals(List.of(hooks.get(1)), copyRunsAfter(owner, target, hooks.get(0), hooks));
    assertEquals(List.of(), copyRunsAfter(owner, target, hooks.get(1), hooks));
    counts(copy(owner, template, target, "hooks", ""), 0, 0, 2);
  }

  /**
   * A reference to a hook of an earlier page waits too when it would close a cycle through the stale copy of a later
   * page's hook, while a reference the copy holds already stays: here the first hook keeps running after the third,
   * whose copy still runs after the second until its page comes, and the second now runs after the first.
   */
  @Test
  void aReferenceClosingACycleThroughALaterPagesStaleCopyWaitsWhateverPageItNames() {
    var owner = org.newUser("owner");
    var template = newOrg(owner);
    var target = newOrg(owner);
    var hooks = hooks(owner, template, "one", "two", "three");
    runAfter(owner, template, hooks.get(0), hooks.get(2));
    runAfter(owner, template, hooks.get(2), hooks.get(1));
    counts(copy(owner, template, target, "hooks", ""), 3, 0, 0);
    runAfter(owner, template, hooks.get(2));
    runAfter(owner, template, hooks.get(1), hooks.get(0));

    assertEquals(List.of(0L, 1L, 0L), copyHookByHook(owner, template, target));
    assertEquals(List.of(hooks.get(2)), copyRunsAfter(owner, target, hooks.get(0), hooks),
        "a reference held already is not taken away");
    assertEquals(List.of(0L, 0L, 0L), copyHookByHook(owner, template, target));
    assertEquals(List.of(hooks.get(0)), copyRunsAfter(owner, target, hooks.get(1), hooks));
    counts(copy(owner, template, target, "hooks", ""), 0, 0, 3);
  }

  /**
   * A copy whose only change is a reference the page leaves out counts updated, not unchanged: copying the pages again
   * writes it, and a plan counts the copy updated, while the hooks plugin's second pass counts nothing.
   */
  @Test
  void aCopyWhoseOnlyChangeWaitsCountsUpdated() {
    var owner = org.newUser("owner");
    var template = newOrg(owner);
    var target = newOrg(owner);
    var hooks = hooks(owner, template, "one", "two");
    runAfter(owner, template, hooks.get(1), hooks.get(0));
    counts(copy(owner, template, target, "hooks", ""), 2, 0, 0);
    runAfter(owner, template, hooks.get(1));
    runAfter(owner, template, hooks.get(0), hooks.get(1));

    var first = copy(owner, template, target, "hooks", "?limit=1");
    assertEquals(1, counts(first, 0, 1, 0).getLong("deferred"), "its only change waits");
    assertEquals(List.of(), copyRunsAfter(owner, target, hooks.get(0), hooks));
    counts(copy(owner, template, target, "hooks", "?limit=1&cursor=" + first.bodyAsJsonObject()
        .getString("nextCursor")), 0, 1, 0);
  }

  /**
   * A hook of the tenant's own on the cycle does not stop the reference from waiting while the cycle also runs
   * through the stale copy of a later page's hook: that page replaces it, and the pages copied again complete it.
   */
  @Test
  void aCycleThroughATenantsHookAndALaterPagesStaleCopyWaitsForThatPage() {
    var owner = org.newUser("owner");
    var template = newOrg(owner);
    var target = newOrg(owner);
    var hooks = hooks(owner, template, "one", "two");
    counts(copy(owner, template, target, "hooks", ""), 2, 0, 0);
    var copyOf = IdFunction.nameBasedIn(target.id());
    var own = hooks(owner, target, "own").get(0);
    runAfter(owner, target, own, copyOf.apply(hooks.get(0)));
    runAfter(owner, target, copyOf.apply(hooks.get(1)), own);
    runAfter(owner, template, hooks.get(0), hooks.get(1));

    assertEquals(List.of(1L, 0L), copyHookByHook(owner, template, target), "the first hook's reference waits");
    assertEquals(List.of(0L, 0L), copyHookByHook(owner, template, target), "the pages copied again complete it");
    assertEquals(List.of(hooks.get(1)), copyRunsAfter(owner, target, hooks.get(0), hooks));
    assertEquals(List.of(), copyRunsAfter(owner, target, hooks.get(1), hooks));
  }

  /**
   * A reference that closes a cycle no later page can break, through a hook of the tenant's own and a copy of an
   * earlier page changed since that page was copied, is refused as a cycle (as every one was before session 41), not
   * left out: nothing would write it, and the copy would end without it.
   */
  @Test
  void aCycleNoLaterPageBreaksIsRefusedNamingTheTemplateHook() {
    var owner = org.newUser("owner");
    var template = newOrg(owner);
    var target = newOrg(owner);
    var hooks = hooks(owner, template, "one", "two");
    counts(copy(owner, template, target, "hooks", ""), 2, 0, 0);
    runAfter(owner, template, hooks.get(1), hooks.get(0));
    var first = copy(owner, template, target, "hooks", "?limit=1");
    counts(first, 0, 0, 1);
    var copyOf = IdFunction.nameBasedIn(target.id());
    var own = hooks(owner, target, "own").get(0);
    runAfter(owner, target, own, copyOf.apply(hooks.get(1)));
    runAfter(owner, target, copyOf.apply(hooks.get(0)), own);

    var refused = copy(owner, template, target, "hooks", "?limit=1&cursor=" + first.bodyAsJsonObject()
        .getString("nextCursor"));
    assertProblem(refused, 422, "invalid_reference");
    var error = refused.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0);
    assertEquals("objects[" + hooks.get(1) + "].runAfter", error.getString("field"), error.encode());
    assertEquals("two would (indirectly) run after itself", error.getString("message"));
    assertEquals(List.of(), copyRunsAfter(owner, target, hooks.get(1), hooks));
  }

  /**
   * A cycle through a later page's copy is refused as well when that page keeps the reference that puts the copy on
   * it: here the third hook's copy runs after the first's, as its template hook does, and the first's was made to run
   * after a hook of the tenant's own since its page was copied.
   */
  @Test
  void aCycleThroughALaterPagesCopyThatItsPageKeepsIsRefused() {
    var owner = org.newUser("owner");
    var template = newOrg(owner);
    var target = newOrg(owner);
    var hooks = hooks(owner, template, "one", "two", "three");
    runAfter(owner, template, hooks.get(2), hooks.get(0));
    counts(copy(owner, template, target, "hooks", ""), 3, 0, 0);
    runAfter(owner, template, hooks.get(1), hooks.get(2));
    var first = copy(owner, template, target, "hooks", "?limit=1");
    counts(first, 0, 0, 1);
    var copyOf = IdFunction.nameBasedIn(target.id());
    var own = hooks(owner, target, "own").get(0);
    runAfter(owner, target, own, copyOf.apply(hooks.get(1)));
    runAfter(owner, target, copyOf.apply(hooks.get(0)), own);

    var refused = copy(owner, template, target, "hooks", "?limit=1&cursor=" + first.bodyAsJsonObject()
        .getString("nextCursor"));
    assertProblem(refused, 422, "invalid_reference");
    assertEquals("objects[" + hooks.get(1) + "].runAfter", refused.bodyAsJsonObject().getJsonArray("errors")
        .getJsonObject(0).getString("field"));
  }

  @Test
  void aHookRunningAfterAHookOfALaterPageIsDeferredUntilThatPageIsCopied() {
    var owner = org.newUser("owner");
    var template = newOrg(owner);
    var target = newOrg(owner);
    var hooks = hookRunningAfterTheNext(owner, template);

    var first = copy(owner, template, target, "hooks", "?limit=1");
    assertEquals(1, counts(first, 1, 0, 0).getLong("deferred"), "its run-after hook is not copied yet");
    var copyOf = IdFunction.nameBasedIn(target.id());
    var early = org.get(target.path("/hooks/" + copyOf.apply(hooks.get(0))), owner.token()).bodyAsJsonObject();
    assertEquals(List.of(), early.getJsonArray("runAfter").getList());
    var second = copy(owner, template, target, "hooks", "?limit=1&cursor=" + first.bodyAsJsonObject()
        .getString("nextCursor"));
    assertEquals(0, counts(second, 1, 0, 0).getLong("deferred"));
    assertEquals(0, counts(copy(owner, template, target, "hooks", "?limit=1"), 0, 1, 0).getLong("deferred"));
    var linked = org.get(target.path("/hooks/" + copyOf.apply(hooks.get(0))), owner.token()).bodyAsJsonObject();
    assertEquals(List.of(copyOf.apply(hooks.get(1))), linked.getJsonArray("runAfter").getList());
  }

  /**
   * Ids in settings name the copies whatever the order of the copy: of the same page, of a later page,
   * and of a kind copied later (hooks after queues); so the copy holds what a plan after it expects, and
   * a re-run changes nothing.
   */
  @Test
  void embeddedIdsOfTheTemplateNameTheirCopiesWhateverTheOrderOfTheCopy() {
    var owner = org.newUser("owner");
    var template = newOrg(owner);
    var target = newOrg(owner);
    var workspace = create(owner, template, "workspaces", new JsonObject().put("name", "main"));
    var schema = create(owner, template, "schemas", new JsonObject().put("name", "s")
        .put("content", new JsonObject()));
    var queues = new ArrayList<String>();
    for (var name : List.of("a", "b", "c")) {
      queues.add(create(owner, template, "queues", new JsonObject().put("name", name).put("workspaceId", workspace)
          .put("schemaId", schema)));
    }
    queues.sort(null);
    var hook = create(owner, template, "hooks", new JsonObject().put("name", "h")
        .put("url", "https://hooks.example.com/h").put("events", new JsonArray().add("queue.created")));
    var settings = List.of(new JsonObject().put("deadLetter", queues.get(2)).put("notify", hook),
        new JsonObject().put("deadLetter", queues.get(0)), new JsonObject().put("retryIn", queues.get(1)));
    for (int i = 0; i < 3; i++) {
      assertEquals(200, org.send(HttpMethod.PATCH, template.path("/queues/" + queues.get(i)),
          owner.token(), new JsonObject().put("settings", settings.get(i))).statusCode());
    }

    counts(copy(owner, template, target, "workspaces", ""), 1, 0, 0);
    counts(copy(owner, template, target, "schemas", ""), 1, 0, 0);
    var first = counts(copy(owner, template, target, "queues", "?limit=2"), 2, 0, 0);
    counts(copy(owner, template, target, "queues", "?limit=2&cursor=" + first.getString("nextCursor")), 1, 0, 0);

    var copyOf = IdFunction.nameBasedIn(target.id());
    for (int i = 0; i < 3; i++) {
      var copied = org.get(target.path("/queues/" + copyOf.apply(queues.get(i))), owner.token()).bodyAsJsonObject();
      var expected = new JsonObject();
      settings.get(i).forEach(e -> expected.put(e.getKey(), copyOf.apply((String) e.getValue())));
      assertEquals(expected, copied.getJsonObject("settings"), "queue " + i);
    }
    counts(copy(owner, template, target, "hooks", ""), 1, 0, 0);
    counts(copy(owner, template, target, "queues", ""), 0, 0, 3);
  }

  @Test
  void aPageWhoseReferencesAreNotCopiedYetIsRefusedWhole() {
    var owner = org.newUser("owner");
    var template = newOrg(owner);
    var target = newOrg(owner);
    var ws = create(owner, template, "workspaces", new JsonObject().put("name", "main"));
    var schema = create(owner, template, "schemas", new JsonObject().put("name", "s").put("content", new JsonObject()));
    var a = create(owner, template, "queues", new JsonObject().put("name", "a").put("workspaceId", ws)
        .put("schemaId", schema));
    var b = create(owner, template, "queues", new JsonObject().put("name", "b").put("workspaceId", ws)
        .put("schemaId", schema));
    var refused = copy(owner, template, target, "queues", "");
    assertProblem(refused, 422, "invalid_reference");
    var culprit = refused.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field");
    assertEquals(true, culprit.equals("objects[" + a + "].workspaceId") || culprit.equals("objects[" + b
        + "].workspaceId"), "the template object at fault is named: " + culprit);
    assertEquals(0, org.get(target.path("/queues"), owner.token()).bodyAsJsonObject().getJsonArray("items").size());

    create(owner, target, "workspaces", new JsonObject().put("name", "main"));
    var taken = copy(owner, template, target, "workspaces", "");
    assertProblem(taken, 409, "name_taken");
    assertEquals("This organization has a workspace named main.", taken.bodyAsJsonObject().getString("detail"));
    assertEquals("objects[" + ws + "].name", taken.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0)
        .getString("field"));
  }

  /** A hook's queues are no foreign key but are refused the same way, naming the template hook at fault. */
  @Test
  void aHookCopyNamingAQueueNotCopiedNamesItsTemplateHook() {
    var owner = org.newUser("owner");
    var template = newOrg(owner);
    var target = newOrg(owner);
    var ws = create(owner, template, "workspaces", new JsonObject().put("name", "main"));
    var schema = create(owner, template, "schemas", new JsonObject().put("name", "s").put("content", new JsonObject()));
    var queue = create(owner, template, "queues", new JsonObject().put("name", "q").put("workspaceId", ws)
        .put("schemaId", schema));
    var hook = create(owner, template, "hooks", new JsonObject().put("name", "h")
        .put("url", "https://hooks.example.com/h").put("events", new JsonArray().add("queue.created"))
        .put("queueIds", new JsonArray().add(queue)));

    var refused = copy(owner, template, target, "hooks", "");
    assertProblem(refused, 422, "invalid_reference");
    assertEquals("objects[" + hook + "].queueIds", refused.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0)
        .getString("field"));
  }

  @Test
  void theCallerMustImportIntoTheTargetAndReadTheSource() {
    var owner = org.newUser("owner");
    var stranger = org.newUser("stranger");
    var template = newOrg(owner);
    var target = newOrg(owner);
    var strangers = newOrg(stranger);
    create(owner, template, "workspaces", new JsonObject().put("name", "main"));

    assertProblem(copy(stranger, template, strangers, "workspaces", ""), 404, "organization_not_found");
    assertProblem(copy(stranger, strangers, target, "workspaces", ""), 404, "organization_not_found");
    org.addMembers(target.id(), List.of(stranger.id()), "viewer");
    assertProblem(copy(stranger, strangers, target, "workspaces", ""), 403, "forbidden");
    assertEquals(0, org.get(strangers.path("/workspaces"), stranger.token()).bodyAsJsonObject().getJsonArray("items")
        .size(), "nothing of the template reached the stranger's organization");
  }

  /**
   * {@code copySecrets} gives hook copies the template's secrets, on a first copy and on a re-run alike, and only to a
   * caller who may edit the template's hooks; without it a copy keeps its own.
   */
  @Test
  void copiedSecretsAreTheTemplatesOnlyForWhoMayEditItsHooks() {
    var owner = org.newUser("owner");
    var template = newOrg(owner);
    var secrets = List.of("template-secret-one-1234567890", "template-secret-two-1234567890");
    var hooks = new ArrayList<String>();
    for (var secret : secrets) {
      hooks.add(create(owner, template, "hooks", new JsonObject().put("name", "h-" + hooks.size())
          .put("url", "https://hooks.example.com/" + hooks.size()).put("secret", secret)
          .put("events", new JsonArray().add("queue.created"))));
    }
    var rerun = newOrg(owner);
    counts(copy(owner, template, rerun, "hooks", ""), 2, 0, 0);
    assertEquals(0, carried(rerun, hooks, secrets), "new secrets unless asked");
    counts(copyCarrying(owner, template, rerun, "hooks", true), 0, 2, 0);
    assertEquals(2, carried(rerun, hooks, secrets), "a re-run carrying the secrets replaces the copies' own");
    counts(copyCarrying(owner, template, rerun, "hooks", true), 0, 0, 2);
    var fresh = newOrg(owner);
    counts(copyCarrying(owner, template, fresh, "hooks", true), 2, 0, 0);
    assertEquals(2, carried(fresh, hooks, secrets));
    counts(copy(owner, template, fresh, "hooks", ""), 0, 0, 2);
    assertEquals(2, carried(fresh, hooks, secrets), "a copy without them keeps the secrets it has");
    assertEquals(true, org.audited(owner.token(), fresh.id(), "hook.copied").getJsonObject(1).getJsonObject("details")
        .getBoolean("copySecrets"));

    var reader = org.newUser("reader");
    var readers = newOrg(reader);
    org.addMembers(template.id(), List.of(reader.id()), "viewer");
    assertProblem(copyCarrying(reader, template, readers, "hooks", true), 403, "forbidden");
    assertEquals(0, org.get(readers.path("/hooks"), reader.token()).bodyAsJsonObject().getJsonArray("items").size());
    counts(copy(reader, template, readers, "hooks", ""), 2, 0, 0);
    assertEquals(0, carried(readers, hooks, secrets), "a reader copies the hooks, never their secrets");

    var notHooks = copyCarrying(owner, template, newOrg(owner), "workspaces", true);
    assertProblem(notHooks, 400, "validation_failed");
    assertEquals("copySecrets", notHooks.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"));
    assertProblem(org.post(fresh.path("/hooks:copy"), owner.token(), new JsonObject().put("from", template.id())
        .put("copySecrets", "yes")), 400, "validation_failed");
  }

  /**
   * Secrets a copy carries out of the template are audited in the template too, as {@code hook.secrets_copied} naming
   * the organization they went {@code to} and the hooks whose secrets they were, by the caller, who may read and edit
   * the template's hooks and nothing more there; a page that carries none (no {@code copySecrets}, copies that hold them
   * already, or copies kept as they are) records nothing there. Until session 32 only the target's trail told.
   */
  @Test
  void secretsCarriedOutAreAuditedInTheTemplate() {
    var owner = org.newUser("owner");
    var template = newOrg(owner);
    var hooks = new ArrayList<String>();
    for (var n = 0; n < 2; n++) {
      hooks.add(create(owner, template, "hooks", new JsonObject().put("name", "h-" + n)
          .put("url", "https://hooks.example.com/" + n).put("secret", "template-secret-" + n + "-1234567890")
          .put("events", new JsonArray().add("queue.created"))));
    }
    assertEquals(201, org.post(template.path("/roles"), owner.token(), new JsonObject().put("name", "hook-editor")
        .put("permissions", new JsonArray().add("app_hook_get").add("app_hook_update"))).statusCode());
    var editor = org.newUser("editor");
    org.addMembers(template.id(), List.of(editor.id()), "hook-editor");
    var target = newOrg(editor);

    counts(copy(editor, template, target, "hooks", ""), 2, 0, 0);
    assertEquals(0, org.audited(owner.token(), template.id(), "hook.secrets_copied").size(), "no secret went");
    counts(copyCarrying(editor, template, target, "hooks", true), 0, 2, 0);
    var carried = org.audited(owner.token(), template.id(), "hook.secrets_copied");
    assertEquals(1, carried.size(), carried.encode());
    var event = carried.getJsonObject(0);
    assertEquals(editor.id(), event.getString("actor"));
    assertEquals("hooks", event.getString("target"));
    assertEquals(target.id(), event.getJsonObject("details").getString("to"));
    assertEquals(hooks.stream().sorted().toList(), event.getJsonObject("details").getJsonArray("hookIds").stream()
        .map(Object::toString).sorted().toList());

    counts(copyCarrying(editor, template, target, "hooks", true), 0, 0, 2);
    var kept = newOrg(editor);
    counts(copy(editor, template, kept, "hooks", ""), 2, 0, 0);
    counts(org.post(kept.path("/hooks:copy"), editor.token(), new JsonObject().put("from", template.id())
        .put("copySecrets", true).put("existing", "keep")), 0, 0, 2);
    assertEquals(1, org.audited(owner.token(), template.id(), "hook.secrets_copied").size(),
        "a page that carries no secret records nothing in the template");
  }

  private HttpResponse<Buffer> copyCarrying(OrgServiceHarness.Account caller, Org from, Org into, String kind,
      boolean copySecrets) {
    return org.post(into.path("/" + kind + ":copy"), caller.token(), new JsonObject().put("from", from.id())
        .put("copySecrets", copySecrets));
  }

  /** How many copies in {@code target} of the template's hooks hold the template hook's secret. */
  private long carried(Org target, List<String> hooks, List<String> secrets) {
    var copyOf = IdFunction.nameBasedIn(target.id());
    var pairs = new ArrayList<String>();
    for (int i = 0; i < hooks.size(); i++) {
      pairs.add("('" + copyOf.apply(hooks.get(i)) + "'::uuid, '" + secrets.get(i) + "')");
    }
    return dev.orgplane.kit.testing.PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.hooks h JOIN (VALUES "
        + String.join(", ", pairs) + ") AS s(id, secret) ON h.id = s.id AND h.secret = s.secret");
  }

  private HttpResponse<Buffer> keep(OrgServiceHarness.Account caller, Org from, Org into, String kind, String query) {
    return org.post(into.path("/" + kind + ":copy" + query), caller.token(), new JsonObject().put("from", from.id())
        .put("existing", "keep"));
  }

  /**
   * With {@code "existing": "keep"} copies the tenant changed stay as they are and only missing ones are made; a copy
   * without it takes the template's fields again.
   */
  @Test
  void keepingExistingCopiesLeavesWhatTheTenantChangedAndMakesWhatIsMissing() {
    var owner = org.newUser("owner");
    var template = newOrg(owner);
    var target = newOrg(owner);
    var main = create(owner, template, "workspaces", new JsonObject().put("name", "main"));
    var schema = create(owner, template, "schemas", new JsonObject().put("name", "invoice")
        .put("content", new JsonObject().put("type", "object")));
    var queue = create(owner, template, "queues", new JsonObject().put("name", "inbox").put("workspaceId", main)
        .put("schemaId", schema).put("settings", new JsonObject().put("retries", 3)));
    var hook = create(owner, template, "hooks", new JsonObject().put("name", "notify")
        .put("url", "https://hooks.example.com/n").put("events", new JsonArray().add("queue.created")));
    for (var kind : List.of("workspaces", "schemas", "queues", "hooks")) {
      counts(copy(owner, template, target, kind, ""), 1, 0, 0);
    }
    var copyOf = IdFunction.nameBasedIn(target.id());
    var queueCopy = target.path("/queues/" + copyOf.apply(queue));
    var hookCopy = target.path("/hooks/" + copyOf.apply(hook));
    assertEquals(200, org.send(HttpMethod.PATCH, queueCopy, owner.token(), new JsonObject()
        .put("settings", new JsonObject().put("retries", 9))).statusCode());
    assertEquals(200, org.send(HttpMethod.PATCH, hookCopy, owner.token(), new JsonObject().put("active", false))
        .statusCode());
    var added = create(owner, template, "workspaces", new JsonObject().put("name", "added"));

    counts(keep(owner, template, target, "workspaces", ""), 1, 0, 1);
    assertEquals(200, org.get(target.path("/workspaces/" + copyOf.apply(added)), owner.token()).statusCode());
    counts(keep(owner, template, target, "queues", ""), 0, 0, 1);
    counts(keep(owner, template, target, "hooks", ""), 0, 0, 1);
    assertEquals(9, org.get(queueCopy, owner.token()).bodyAsJsonObject().getJsonObject("settings")
        .getInteger("retries"), "the tenant's settings stay");
    assertEquals(false, org.get(hookCopy, owner.token()).bodyAsJsonObject().getBoolean("active"),
        "the hook the tenant disabled stays disabled");
    var audited = org.get(target.path("/audit-events?action=queue.copied&limit=500"), owner.token())
        .bodyAsJsonObject().getJsonArray("items").getJsonObject(0).getJsonObject("details");
    assertEquals("keep", audited.getString("existing"), audited.encode());

    counts(copy(owner, template, target, "queues", ""), 0, 1, 0);
    counts(copy(owner, template, target, "hooks", ""), 0, 1, 0);
    assertEquals(3, org.get(queueCopy, owner.token()).bodyAsJsonObject().getJsonObject("settings")
        .getInteger("retries"), "a copy without keep takes the template's settings again");
    assertEquals(true, org.get(hookCopy, owner.token()).bodyAsJsonObject().getBoolean("active"));
  }

  /**
   * Keeping existing copies, a hook whose run-after hook was on a later page is completed by copying its page again,
   * as it is without the option; a copy whose run-after list the tenant changed is left as they made it.
   */
  @Test
  void keepingExistingCopiesStillCompletesDeferredReferencesOfCopiesNobodyChanged() {
    var owner = org.newUser("owner");
    var template = newOrg(owner);
    var target = newOrg(owner);
    var hooks = hookRunningAfterTheNext(owner, template);

    var first = keep(owner, template, target, "hooks", "?limit=1");
    assertEquals(1, counts(first, 1, 0, 0).getLong("deferred"));
    counts(keep(owner, template, target, "hooks", "?limit=1&cursor=" + first.bodyAsJsonObject()
        .getString("nextCursor")), 1, 0, 0);
    counts(keep(owner, template, target, "hooks", "?limit=1"), 0, 1, 0);
    var copyOf = IdFunction.nameBasedIn(target.id());
    var early = target.path("/hooks/" + copyOf.apply(hooks.get(0)));
    assertEquals(List.of(copyOf.apply(hooks.get(1))), org.get(early, owner.token()).bodyAsJsonObject()
        .getJsonArray("runAfter").getList());

    org.send(HttpMethod.PATCH, early, owner.token(), new JsonObject().put("runAfter", new JsonArray()));
    counts(keep(owner, template, target, "hooks", ""), 0, 0, 2);
    assertEquals(List.of(), org.get(early, owner.token()).bodyAsJsonObject().getJsonArray("runAfter").getList(),
        "the tenant's run order stays");
  }

  /**
   * Keeping existing copies, a copy nobody changed does not take a run-after reference its template hook gained
   * after the copy was made: completing is for what was left out when it was made, not for the template's changes.
   */
  @Test
  void keepingExistingCopiesGivesNoCopyARunAfterReferenceItsTemplateGainedLater() {
    var owner = org.newUser("owner");
    var template = newOrg(owner);
    var target = newOrg(owner);
    var hook = create(owner, template, "hooks", new JsonObject().put("name", "first")
        .put("url", "https://hooks.example.com/1").put("events", new JsonArray().add("queue.created")));
    counts(keep(owner, template, target, "hooks", ""), 1, 0, 0);
    var added = create(owner, template, "hooks", new JsonObject().put("name", "added")
        .put("url", "https://hooks.example.com/2").put("events", new JsonArray().add("queue.created")));
    assertEquals(200, org.send(HttpMethod.PATCH, template.path("/hooks/" + hook), owner.token(), new JsonObject()
        .put("runAfter", new JsonArray().add(added))).statusCode());
    var copyOf = IdFunction.nameBasedIn(target.id());
    var copy = target.path("/hooks/" + copyOf.apply(hook));
    var before = org.get(copy, owner.token()).bodyAsJsonObject();

    counts(keep(owner, template, target, "hooks", ""), 1, 0, 1);
    assertEquals(before, org.get(copy, owner.token()).bodyAsJsonObject(), "the existing copy stays exactly as it was");
    assertEquals(200, org.get(target.path("/hooks/" + copyOf.apply(added)), owner.token()).statusCode());
    counts(copy(owner, template, target, "hooks", ""), 0, 1, 1);
    assertEquals(List.of(copyOf.apply(added)), org.get(copy, owner.token()).bodyAsJsonObject()
        .getJsonArray("runAfter").getList(), "without keep the copy takes the template's run order");
  }

  /**
   * A page whose copies are in the target already (a re-run into an existing tenant, the hooks' linking pass) is
   * written by the upsert straight away: the page is read once and the transaction never fails on the plain INSERT,
   * which would cost a rollback and the whole page again in a new one.
   */
  @Test
  void aPageWhoseCopiesExistIsUpsertedWithoutAFailedFirstInsert() {
    var owner = org.newUser("owner");
    var template = newOrg(owner);
    var target = newOrg(owner);
    create(owner, template, "workspaces", new JsonObject().put("name", "main"));
    create(owner, template, "workspaces", new JsonObject().put("name", "spare"));
    var pool = Database.open(vertx, org.db(), 1, List.of()).await();
    try {
      var fresh = new AtomicInteger();
      var created = firstCopyOfWorkspaces(pool, template, target, fresh);
      assertEquals(List.of(2L, 0L), List.of(created.created(), created.unchanged()));
      var again = new AtomicInteger();
      var unchanged = firstCopyOfWorkspaces(pool, template, target, again);
      assertEquals(List.of(0L, 2L), List.of(unchanged.created(), unchanged.unchanged()));
      assertEquals(List.of(3, 3), List.of(fresh.get(), again.get()),
          "read, ask whether copies exist, write: into a new tenant and into one that has the copies alike");
    } finally {
      pool.close().await();
    }
  }

  private static SetupCopy.Result firstCopyOfWorkspaces(Pool pool, Org template, Org target, AtomicInteger statements) {
    var access = pool.preparedQuery("SELECT * FROM org.organizations WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(target.id())))
        .map(rows -> new OrgAccess(Organization.MAPPER.apply(rows.iterator().next()), null, List.of(), Set.of(),
            false, false, false))
        .await();
    return pool.withTransaction(tx -> new SetupCopy(SetupKind.WORKSPACES).page(counting(tx, statements),
            UUID.fromString(template.id()), access, PageRequest.FIRST_ID, 10,
            new SetupCopy.Mode(true, false, Existing.UPDATE, Set.of())))
        .await();
  }

  /** {@code client}, counting the statements sent through it. */
  private static SqlClient counting(SqlClient client, AtomicInteger statements) {
    return (SqlClient) Proxy.newProxyInstance(SqlClient.class.getClassLoader(), new Class<?>[] {SqlClient.class},
        (proxy, method, args) -> {
          if (method.getName().equals("query") || method.getName().equals("preparedQuery")) {
            statements.incrementAndGet();
          }
          try {
            return method.invoke(client, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"workspaces", "schemas", "queues", "hooks"})
  void badRequestsAreRefusedByName(String kind) {
    var owner = org.newUser("owner");
    var template = newOrg(owner);
    var target = newOrg(owner);
    assertProblem(copy(owner, template, template, kind, ""), 422, "same_organization");
    assertProblem(copy(owner, template, target, kind, "?limit=0"), 400, "invalid_limit");
    assertProblem(copy(owner, template, target, kind, "?limit=5001"), 400, "invalid_limit");
    assertEquals(200, copy(owner, template, target, kind, "?limit=5000").statusCode(),
        "a copy's page may be ten times a list's");
    assertProblem(copy(owner, template, target, kind, "?cursor=!!"), 400, "invalid_cursor");
    assertProblem(copy(owner, newOrg(org.newUser("stranger")), target, kind, ""), 404, "organization_not_found");
    var path = target.path("/" + kind + ":copy");
    assertProblem(org.post(path, owner.token(), ""), 400, "body_required");
    var fromless = org.post(path, owner.token(), new JsonObject());
    assertProblem(fromless, 400, "validation_failed");
    assertEquals("from", fromless.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"));
    assertProblem(org.post(path, owner.token(), new JsonObject().put("from", template.id()).put("to", "x")), 400,
        "validation_failed");
    assertProblem(org.post(path, owner.token(), "{\"from\": "), 400, "malformed_json");
    var merge = org.post(path, owner.token(), new JsonObject().put("from", template.id()).put("existing", "merge"));
    assertProblem(merge, 400, "validation_failed");
    assertEquals("existing", merge.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"));
    assertProblem(org.post(path, owner.token(), new JsonObject().put("from", UUID.randomUUID().toString())), 404,
        "organization_not_found");
  }

  @Test
  void aLookupAnswersWhichIdsNameObjectsOfTheOrganization() {
    var owner = org.newUser("owner");
    var stranger = org.newUser("stranger");
    var mine = newOrg(owner);
    var other = newOrg(owner);
    var workspace = create(owner, mine, "workspaces", new JsonObject().put("name", "main"));
    var team = create(owner, mine, "groups", new JsonObject().put("name", "crew"));
    var elsewhere = create(owner, other, "workspaces", new JsonObject().put("name", "main"));
    var path = mine.path("/objects:lookup");

    var found = org.post(path, owner.token(), new JsonObject().put("ids", new JsonArray().add(workspace)
        .add(elsewhere).add(UUID.randomUUID().toString()).add(team.toUpperCase())));
    assertEquals(200, found.statusCode(), found.bodyAsString());
    assertEquals(List.of(workspace, team).stream().sorted().toList(),
        found.bodyAsJsonObject().getJsonArray("found").getList(), "another organization's object is not found here");

    assertProblem(org.post(path, owner.token(), new JsonObject()), 400, "validation_failed");
    var bad = org.post(path, owner.token(), new JsonObject().put("ids", new JsonArray().add("not-an-id")));
    assertProblem(bad, 400, "validation_failed");
    assertEquals("ids", bad.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"));
    var tooMany = new JsonArray();
    for (int i = 0; i <= 5000; i++) {
      tooMany.add("i" + i);
    }
    var refused = org.post(path, owner.token(), new JsonObject().put("ids", tooMany));
    assertProblem(refused, 400, "validation_failed");
    assertEquals("at most 5000 ids", refused.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0)
        .getString("message"));
    assertProblem(org.post(path, stranger.token(), new JsonObject().put("ids", new JsonArray().add(workspace))), 404,
        "organization_not_found");
    org.addMembers(mine.id(), List.of(stranger.id()), "viewer");
    assertProblem(org.post(path, stranger.token(), new JsonObject().put("ids", new JsonArray().add(workspace))), 403,
        "forbidden");
  }

  /** A refused lookup names a few of its non-ids, not each: tens of thousands of them made a 400 of megabytes. */
  @Test
  void aRefusedLookupNamesAFewOfItsBadIds() {
    var owner = org.newUser("owner");
    var path = newOrg(owner).path("/objects:lookup");
    var tooMany = new JsonArray();
    for (int i = 0; i <= 5000; i++) {
      tooMany.add("i" + i);
    }
    var refused = org.post(path, owner.token(), new JsonObject().put("ids", tooMany));
    assertProblem(refused, 400, "validation_failed");
    var tooManyErrors = refused.bodyAsJsonObject().getJsonArray("errors");
    assertEquals(1, tooManyErrors.size(), "too many: the ids are not looked at");
    assertEquals("at most 5000 ids", tooManyErrors.getJsonObject(0).getString("message"));

    var notIds = new JsonArray().add(UUID.randomUUID().toString());
    for (int i = 0; i < 100; i++) {
      notIds.add("n" + i);
    }
    var named = org.post(path, owner.token(), new JsonObject().put("ids", notIds));
    assertProblem(named, 400, "validation_failed");
    var errors = named.bodyAsJsonObject().getJsonArray("errors");
    assertEquals(20, errors.size(), named.bodyAsString());
    assertEquals("holds n0, which is not a UUID", errors.getJsonObject(0).getString("message"));
  }
}
