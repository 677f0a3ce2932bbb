package dev.orgplane.org.event;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.orgplane.kit.db.BatchedPurge;
import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Ended hook deliveries and their attempts are purged once past the retention; pending ones stay. */
class DeliveryRetentionTest extends OrgServiceTest {

  /**
   * A delivery made and last attempted more than the retention ago goes with its attempts, batch by batch; a recent
   * one stays, as do one that ended lately however long ago it was made and a pending one however old.
   */
  @Test
  void endedDeliveriesPastTheRetentionArePurgedWithTheirAttempts() {
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "kept-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    // inactive: the dispatcher leaves its pending delivery alone
    var hookId = org.post("/v1/organizations/" + orgId + "/hooks", owner.token(), new JsonObject().put("name", "kept")
        .put("url", "https://hooks.example.com/kept").put("events", new JsonArray().add("organization.updated"))
        .put("active", false)).bodyAsJsonObject().getString("id");
    var stale = BatchedPurge.BATCH + 1;
    var insert = "WITH d AS (INSERT INTO org.hook_deliveries (org_id, hook_id, event, payload, state, next_attempt_at, "
        + "created_at) SELECT '" + orgId + "', '" + hookId + "', 'organization.updated', '{\"label\": \"%s\"}', '%s', "
        + "'infinity', now() - interval '%s' FROM generate_series(1, %d) RETURNING id) "
        + "INSERT INTO org.hook_delivery_attempts (delivery_id, attempt, status_code, duration_ms, attempted_at) "
        + "SELECT id, 1, 200, 5, now() - interval '%s' FROM d";
    PgFixture.execute(org.db(), insert.formatted("stale", "delivered", "40 days", stale, "40 days"),
        insert.formatted("failed", "failed", "40 days", 1, "31 days"),
        insert.formatted("recent", "delivered", "2 days", 1, "2 days"),
        insert.formatted("ended-lately", "failed", "40 days", 1, "2 days"),
        insert.formatted("pending", "pending", "40 days", 1, "39 days"));
    var purge = DeliveryRetention.endedPurge(Database.open(vertx, org.db(), 1, List.of()).await(), 30);

    assertEquals(stale + 1, purge.run().await());
    for (var kept : List.of("recent", "ended-lately", "pending")) {
      assertEquals(1, labelled(kept), kept);
    }
    assertEquals(0, labelled("stale") + labelled("failed"));
    assertEquals(3, PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.hook_delivery_attempts a "
        + "JOIN org.hook_deliveries d ON d.id = a.delivery_id WHERE d.org_id = '" + orgId + "'"));
    assertEquals(0, PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.hook_delivery_attempts a WHERE NOT EXISTS "
        + "(SELECT 1 FROM org.hook_deliveries d WHERE d.id = a.delivery_id)"), "the attempts went with them");
    assertEquals(0, purge.run().await(), "nothing left to purge");
  }

  /**
   * Pages run newest first, toward what the purge removes, so the delivery a page's cursor names may be gone when the
   * next page is asked for: that page is what the hook has left from before it (until session 36, 400 {@code
   * invalid_cursor}, "not one this API returned"). A cursor of another hook, or naming a delivery that is not there and
   * that the purge cannot have removed (made within the retention), is still refused.
   */
  @Test
  void aCursorWhoseDeliveryWasPurgedPagesOnWithTheDeliveriesBeforeIt() {
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "paged-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var hooks = "/v1/organizations/" + orgId + "/hooks";
    var hookId = inactiveHook(owner, hooks, "paged");
    var insert = "WITH d AS (INSERT INTO org.hook_deliveries (org_id, hook_id, event, payload, state, next_attempt_at, "
        + "created_at) VALUES ('" + orgId + "', '" + hookId + "', 'organization.updated', '{}', '%s', 'infinity', "
        + "now() - interval '%s') RETURNING id) "
        + "INSERT INTO org.hook_delivery_attempts (delivery_id, attempt, status_code, duration_ms, attempted_at) "
        + "SELECT id, 1, 503, 5, now() - interval '%s' FROM d";
    // oldest first: the sequence numbers them in the order they were made
    PgFixture.execute(org.db(), insert.formatted("pending", "42 days", "41 days"),
        insert.formatted("failed", "41 days", "2 days"), insert.formatted("delivered", "40 days", "40 days"),
        insert.formatted("delivered", "2 days", "2 days"));
    var deliveries = hooks + "/" + hookId + "/deliveries?limit=2";
    var first = org.get(deliveries, owner.token()).bodyAsJsonObject();
    assertEquals(List.of("delivered", "delivered"), states(first));
    var cursor = first.getString("nextCursor");

    DeliveryRetention.endedPurge(Database.open(vertx, org.db(), 1, List.of()).await(), 30).run().await();

    var next = org.get(deliveries + "&cursor=" + cursor, owner.token());
    assertEquals(200, next.statusCode(), next.bodyAsString());
    assertEquals(List.of("failed", "pending"), states(next.bodyAsJsonObject()));
    assertNull(next.bodyAsJsonObject().getString("nextCursor"));

    var otherHook = inactiveHook(owner, hooks, "other");
    assertProblem(org.get(hooks + "/" + otherHook + "/deliveries?cursor=" + cursor, owner.token()), 400,
        "invalid_cursor");
    var neverMade = Base64.getUrlEncoder().withoutPadding().encodeToString((hookId + "/" + UUID.randomUUID() + "/"
        + Instant.now()).getBytes(StandardCharsets.UTF_8));
    assertProblem(org.get(deliveries + "&cursor=" + neverMade, owner.token()), 400, "invalid_cursor");
  }

  private String inactiveHook(OrgServiceHarness.Account owner, String hooks, String name) {
    var created = org.post(hooks, owner.token(), new JsonObject().put("name", name)
        .put("url", "https://hooks.example.com/" + name).put("events", new JsonArray().add("organization.updated"))
        .put("active", false));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject().getString("id");
  }

  private static List<String> states(JsonObject page) {
    return page.getJsonArray("items").stream().map(d -> ((JsonObject) d).getString("state")).toList();
  }

  private long labelled(String label) {
    return PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.hook_deliveries WHERE payload ->> 'label' = '"
        + label + "'");
  }
}
