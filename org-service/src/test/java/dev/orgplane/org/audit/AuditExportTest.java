package dev.orgplane.org.audit;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.kit.testing.UncommittedTransaction;
import dev.orgplane.org.OrgServiceTest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The trail read for an export, oldest first ({@code order=oldest}): a client that pages to its end, then polls from its
 * last page, gets every event, whatever order their transactions commit in. Newest first, or from the newest
 * {@code createdAt} seen, it lost for good an event whose transaction began first and committed after another's.
 */
class AuditExportTest extends OrgServiceTest {

  /** An event written first and committed last: those committed meanwhile wait for it, so no cursor passes it. */
  @Test
  void anEventCommittedAfterLaterOnesIsExportedAllTheSame() throws Exception {
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "export-" + suffix()).getString("id");
    var base = "/v1/organizations/" + orgId;
    var export = new Export(base, owner.token());
    export.poll();

    try (var late = UncommittedTransaction.begin(org.db())) {
      late.run("INSERT INTO org.audit_events (org_id, actor, action, target) "
          + "VALUES (?::uuid, 'system', 'organization.updated', 'late')", orgId);
      var workspace = org.post(base + "/workspaces", owner.token(), new JsonObject().put("name", "Main"));
      assertEquals(201, workspace.statusCode(), workspace.bodyAsString());
      export.poll();
      assertFalse(export.actions().contains("workspace.created"), "held back while an older transaction runs");
      late.commit();
    }
    export.poll();

    assertTrue(export.actions().containsAll(List.of("organization.updated", "workspace.created")), export.actions()
        .toString());
    assertEquals(trail(base, owner.token()), export.events);
  }

  /**
   * The audit's poller: a change whose transaction began (its {@code createdAt}) before another event was written and
   * committed, after it.
   */
  @Test
  void aChangeThatWaitedForALockIsExported() throws Exception {
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "waited-" + suffix()).getString("id");
    var base = "/v1/organizations/" + orgId;
    var export = new Export(base, owner.token());
    export.poll();

    CompletableFuture<Integer> update;
    try (var holder = UncommittedTransaction.begin(org.db())) {
      holder.run("SELECT 1 FROM org.organizations WHERE id = ?::uuid FOR KEY SHARE", orgId);
      update = CompletableFuture.supplyAsync(() -> org.send(HttpMethod.PATCH, base, owner.token(),
          new JsonObject().put("title", "Late")).statusCode(), task -> new Thread(task).start());
      PgFixture.awaitLockWaits(org.db(), 1);
      assertEquals(201, org.post(base + "/workspaces", owner.token(), new JsonObject().put("name", "Main"))
          .statusCode());
      export.poll();
      holder.commit();
    }
    assertEquals(200, update.get(10, TimeUnit.SECONDS));
    export.poll();

    assertTrue(export.actions().containsAll(List.of("organization.updated", "workspace.created")), export.actions()
        .toString());
    assertEquals(trail(base, owner.token()), export.events);
  }

  /**
   * The export's cursor names an event of its own organization, and is marked as this order's: a newest-first cursor
   * can name an event the export holds back, and paging on from it would pass the older transactions' events.
   */
  @Test
  void theExportsCursorIsItsOwnAndItsOrganizations() {
    var alice = org.newUser("alice");
    var bob = org.newUser("bob");
    var base = "/v1/organizations/" + org.createOrg(alice.token(), "cursor-" + suffix()).getString("id");
    var bobs = "/v1/organizations/" + org.createOrg(bob.token(), "cursor-" + suffix()).getString("id");
    assertEquals(200, org.send(HttpMethod.PATCH, base, alice.token(), new JsonObject().put("title", "Again"))
        .statusCode());

    var first = org.get(base + "/audit-events?order=oldest&limit=1", alice.token()).bodyAsJsonObject();
    assertEquals("organization.created", first.getJsonArray("items").getJsonObject(0).getString("action"));
    var cursor = first.getString("nextCursor");
    var rest = org.get(base + "/audit-events?order=oldest&limit=500&cursor=" + cursor, alice.token())
        .bodyAsJsonObject().getJsonArray("items");
    assertEquals("organization.updated", rest.getJsonObject(rest.size() - 1).getString("action"));
    assertFalse(rest.stream().map(JsonObject.class::cast).anyMatch(e -> e.getString("action")
        .equals("organization.created")));

    assertProblem(org.get(bobs + "/audit-events?order=oldest&cursor=" + cursor, bob.token()), 400, "invalid_cursor");
    assertProblem(org.get(base + "/audit-events?cursor=" + cursor, alice.token()), 400, "invalid_cursor");
    var newest = org.get(base + "/audit-events?limit=1", alice.token()).bodyAsJsonObject().getString("nextCursor");
    assertProblem(org.get(base + "/audit-events?order=oldest&cursor=" + newest, alice.token()), 400, "invalid_cursor");
    for (var key : List.of("oldest:12345", "oldest:", "12345")) {
      assertProblem(org.get(base + "/audit-events?order=oldest&cursor=" + encoded(key), alice.token()), 400,
          "invalid_cursor");
    }
    assertProblem(org.get(base + "/audit-events?order=oldest&cursor=%25%25", alice.token()), 400, "invalid_cursor");
    assertProblem(org.get(base + "/audit-events?order=commit", alice.token()), 400, "invalid_order");
  }

  /** The events of the trail, by id, as the newest-first list answers them. */
  private Map<String, String> trail(String base, String token) {
    var events = new LinkedHashMap<String, String>();
    org.get(base + "/audit-events?limit=500", token).bodyAsJsonObject().getJsonArray("items").stream()
        .map(JsonObject.class::cast).forEach(e -> events.put(e.getString("id"), e.getString("action")));
    return events;
  }

  private static String encoded(String key) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
  }

  private static String suffix() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * An exporter, as README tells one to work: it pages to the end of the trail, two events a page, and polls again from
   * the cursor of the last page it read, whose events it has seen already.
   */
  private final class Export {

    private final String path;
    private final String token;
    private String lastPage = "";
    /** Each event exported, by id, in the order exported. */
    private final Map<String, String> events = new LinkedHashMap<>();

    Export(String base, String token) {
      this.path = base + "/audit-events?order=oldest&limit=2";
      this.token = token;
    }

    void poll() {
      while (true) {
        var response = org.get(path + lastPage, token);
        assertEquals(200, response.statusCode(), response.bodyAsString());
        var page = response.bodyAsJsonObject();
        page.getJsonArray("items").stream().map(JsonObject.class::cast)
            .forEach(e -> events.putIfAbsent(e.getString("id"), e.getString("action")));
        if (page.getString("nextCursor") == null) {
          return;
        }
        lastPage = "&cursor=" + page.getString("nextCursor");
      }
    }

    List<String> actions() {
      return List.copyOf(events.values());
    }
  }
}
