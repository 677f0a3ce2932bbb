package dev.orgplane.org.event;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.orgplane.kit.db.BatchedPurge;
import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceTest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Ended hook deliveries, and those parked for an inactive hook, are purged with their attempts once past the retention;
 * an active hook's pending ones stay.
 */
class DeliveryRetentionTest extends OrgServiceTest {

  /**
   * A delivery made and last attempted more than the retention ago goes with its attempts, batch by batch; a recent
   * one stays, as do one that ended lately however long ago it was made and a pending one however old (a parked one
   * is {@link DeliveryRetention#parkedPurge}'s).
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
    deliveries(orgId, hookId, "stale", "delivered", "'infinity'", "40 days", stale, "40 days");
    deliveries(orgId, hookId, "failed", "failed", "'infinity'", "40 days", 1, "31 days");
    deliveries(orgId, hookId, "recent", "delivered", "'infinity'", "2 days", 1, "2 days");
    deliveries(orgId, hookId, "ended-lately", "failed", "'infinity'", "40 days", 1, "2 days");
    deliveries(orgId, hookId, "pending", "pending", "'infinity'", "40 days", 1, "39 days");
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
   * A delivery parked for an inactive hook (pending, due at 'infinity') made and last attempted, if ever, more than the
   * retention ago goes with its attempts as an ended one does: until session 41 a hook paused for good kept what was
   * queued before its pause for ever. One made or attempted within the retention stays, due once the hook is active
   * again; an active hook's pending delivery stays however old (it is still to be sent), and an ended one is left to
   * the ended purge.
   */
  @Test
  void parkedDeliveriesPastTheRetentionArePurgedAndThoseWithinItSentOnActivation() {
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "parked-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var hooks = "/v1/organizations/" + orgId + "/hooks";
    var paused = inactiveHook(owner, hooks, "paused");
    var active = org.post(hooks, owner.token(), new JsonObject().put("name", "active")
        .put("url", "https://hooks.example.com/active").put("events", new JsonArray().add("organization.updated")))
        .bodyAsJsonObject().getString("id");
    deliveries(orgId, paused, "parked-stale", "pending", "'infinity'", "40 days", 2, "31 days");
    deliveries(orgId, paused, "parked-untried", "pending", "'infinity'", "40 days", 1, null);
    deliveries(orgId, paused, "parked-recent", "pending", "'infinity'", "2 days", 1, null);
    deliveries(orgId, paused, "parked-tried-lately", "pending", "'infinity'", "40 days", 1, "2 days");
    deliveries(orgId, paused, "ended", "failed", "'infinity'", "40 days", 1, "40 days");
    // in its backoff: the dispatcher leaves it alone for the day
    deliveries(orgId, active, "backing-off", "pending", "now() + interval '1 day'", "40 days", 1, "39 days");
    var purge = DeliveryRetention.parkedPurge(Database.open(vertx, org.db(), 1, List.of()).await(), 30);

    assertEquals(3, purge.run().await());
    assertEquals(0, labelled("parked-stale") + labelled("parked-untried"));
    for (var kept : List.of("parked-recent", "parked-tried-lately", "ended", "backing-off")) {
      assertEquals(1, labelled(kept), kept);
    }
    assertEquals(0, PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.hook_delivery_attempts a WHERE NOT EXISTS "
        + "(SELECT 1 FROM org.hook_deliveries d WHERE d.id = a.delivery_id)"), "the attempts went with them");
    assertEquals(0, purge.run().await(), "nothing left to purge");

    var activated = org.send(HttpMethod.PATCH, hooks + "/" + paused, owner.token(),
        new JsonObject().put("active", true));
    assertEquals(200, activated.statusCode(), activated.bodyAsString());
    assertEquals(0, PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.hook_deliveries WHERE hook_id = '" + paused
        + "' AND state = 'pending' AND next_attempt_at = 'infinity'"), "what the retention kept is due again");
  }

  /**
   * An event's payload (V64), stored once for all its deliveries, goes once the last delivery naming it is purged, and
   * not before: while one delivery within the retention names it, it stays. One no delivery names (its hook deleted)
   * stays out the retention like its deliveries would have; an organization's deletion takes its payloads at once.
   */
  @Test
  void aPayloadIsPurgedOnceItsLastDeliveryIsAndNotBefore() {
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "payload-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var hooks = "/v1/organizations/" + orgId + "/hooks";
    var first = inactiveHook(owner, hooks, "first");
    var second = inactiveHook(owner, hooks, "second");
    var shared = payload(orgId, "shared", "40 days");
    var stale = payload(orgId, "stale", "40 days");
    var unheardRecent = payload(orgId, "unheard-recent", "2 days");
    var unheardOld = payload(orgId, "unheard-old", "40 days");
    namedBy(shared, first, "40 days");
    namedBy(shared, second, "2 days");
    namedBy(stale, first, "40 days");
    namedBy(stale, second, "40 days");
    var pool = Database.open(vertx, org.db(), 1, List.of()).await();
    var payloads = DeliveryRetention.unreferencedPurge(pool, 30);

    assertEquals(1, payloads.run().await(), "only the old one no delivery names, before the deliveries' purge");
    assertEquals(List.of(shared, stale, unheardRecent), payloadsOf(orgId));
    DeliveryRetention.endedPurge(pool, 30).run().await();
    assertEquals(1, payloads.run().await(), "the stale one, its last delivery gone");
    assertEquals(List.of(shared, unheardRecent), payloadsOf(orgId), "the shared one, a delivery still naming it");

    PgFixture.execute(org.db(), "UPDATE org.hook_deliveries SET created_at = now() - interval '40 days' WHERE "
        + "payload_id = " + shared, "UPDATE org.hook_delivery_attempts SET attempted_at = now() - interval '40 days' "
        + "WHERE delivery_id IN (SELECT id FROM org.hook_deliveries WHERE payload_id = " + shared + ")");
    DeliveryRetention.endedPurge(pool, 30).run().await();
    assertEquals(1, payloads.run().await());
    assertEquals(List.of(unheardRecent), payloadsOf(orgId));

    namedBy(unheardRecent, first, "2 days");
    PgFixture.execute(org.db(), "DELETE FROM org.organizations WHERE id = '" + orgId + "'");
    assertEquals(List.of(), payloadsOf(orgId), "gone with the organization, a delivery naming it as well");
  }

  /**
   * A purge leaves the deliveries another transaction holds to its next run rather than waiting for them: a hook's
   * activation takes its deliveries in another order than a batch does, and the two deadlocked, the activation
   * failing with 409 when it lost.
   */
  @Test
  void aPurgeSkipsTheDeliveriesAnotherTransactionHolds() {
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "held-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var paused = inactiveHook(owner, "/v1/organizations/" + orgId + "/hooks", "held");
    deliveries(orgId, paused, "parked-held", "pending", "'infinity'", "40 days", 1, null);
    deliveries(orgId, paused, "parked-free", "pending", "'infinity'", "40 days", 1, null);
    var pool = Database.open(vertx, org.db(), 2, List.of()).await();
    var holding = pool.getConnection().await();
    var held = holding.begin().await();
    holding.query("SELECT 1 FROM org.hook_deliveries WHERE payload ->> 'label' = 'parked-held' FOR UPDATE")
        .execute().await();

    var purged = DeliveryRetention.parkedPurge(pool, 30).run().timeout(20, TimeUnit.SECONDS).await();
    held.rollback().await();
    assertEquals(1, purged, "the free one, without waiting for the held one");
    assertEquals(1, labelled("parked-held"));
    assertEquals(1, DeliveryRetention.parkedPurge(pool, 30).run().await(), "the held one, at the next run");
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

  /**
   * Inserts {@code count} deliveries of {@code hookId} labelled {@code label} in {@code state}, due at the SQL {@code
   * due}, made {@code made} ago and attempted once {@code attempted} ago (null: never).
   */
  private void deliveries(String orgId, String hookId, String label, String state, String due, String made, int count,
      String attempted) {
    var queued = ("WITH d AS (INSERT INTO org.hook_deliveries (org_id, hook_id, event, payload, state, "
        + "next_attempt_at, created_at, attempts) SELECT '%s', '%s', 'organization.updated', '{\"label\": \"%s\"}', '%s', %s, "
        + "now() - interval '%s', %d FROM generate_series(1, %d) RETURNING id) ")
        .formatted(orgId, hookId, label, state, due, made, attempted == null ? 0 : 1, count);
    PgFixture.execute(org.db(), queued + (attempted == null ? "SELECT count(*) FROM d"
        : "INSERT INTO org.hook_delivery_attempts (delivery_id, attempt, status_code, duration_ms, attempted_at) "
            + "SELECT id, 1, 200, 5, now() - interval '" + attempted + "' FROM d"));
  }

  /** Stores a payload labelled {@code label} made {@code made} ago, named by no delivery yet; answers its id. */
  private long payload(String orgId, String label, String made) {
    return PgFixture.queryLong(org.db(), ("INSERT INTO org.hook_payloads (org_id, payload, created_at) VALUES ('%s', "
        + "'{\"label\": \"%s\"}', now() - interval '%s') RETURNING id").formatted(orgId, label, made));
  }

  /** A delivery of the payload {@code payloadId} to {@code hookId}, delivered, made and attempted {@code ago}. */
  private void namedBy(long payloadId, String hookId, String ago) {
    PgFixture.execute(org.db(), ("WITH d AS (INSERT INTO org.hook_deliveries (org_id, hook_id, event, payload_id, "
        + "state, next_attempt_at, created_at, attempts) SELECT org_id, '%s', 'organization.updated', id, 'delivered', "
        + "'infinity', now() - interval '%s', 1 FROM org.hook_payloads WHERE id = %d RETURNING id) "
        + "INSERT INTO org.hook_delivery_attempts (delivery_id, attempt, status_code, duration_ms, attempted_at) "
        + "SELECT id, 1, 200, 5, now() - interval '%s' FROM d").formatted(hookId, ago, payloadId, ago));
  }

  /** The ids of the organization's payloads, oldest first. */
  private List<Long> payloadsOf(String orgId) {
    return List.of(PgFixture.queryString(org.db(), "SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '') "
        + "FROM org.hook_payloads WHERE org_id = '" + orgId + "'").split(",")).stream().filter(id -> !id.isEmpty())
        .map(Long::valueOf).toList();
  }

  private static List<String> states(JsonObject page) {
    return page.getJsonArray("items").stream().map(d -> ((JsonObject) d).getString("state")).toList();
  }

  private long labelled(String label) {
    return PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.hook_deliveries WHERE payload ->> 'label' = '"
        + label + "'");
  }
}
