package dev.orgplane.org.event;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.db.PgUrl;
import dev.orgplane.kit.outbox.AttemptLease;
import dev.orgplane.kit.testing.Eventually;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Hooks deliver to a real HTTP receiver that checks every signature and fails the first attempts. */
@ExtendWith(VertxExtension.class)
class HookDeliveryTest {

  private static final String SECRET = "receiver-shared-secret-0123456789";

  record Received(String event, String delivery, boolean signatureValid, JsonObject payload, String host) {
  }

  @Test
  void eventsAreSignedRetriedWithBackoffAndRecorded(Vertx vertx) throws InterruptedException {
    var received = new CopyOnWriteArrayList<Received>();
    var calls = new AtomicInteger();
    var receiver = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      var header = req.getHeader("Orgplane-Signature");
      var parts = header.split(",");
      long t = Long.parseLong(parts[0].substring(2));
      var delivery = req.getHeader("Orgplane-Delivery");
      var valid = parts[1].equals("v1=" + HookDispatcher.sign(SECRET, t, body))
          && parts[2].equals("v2=" + HookDispatcher.sign(SECRET, t, delivery, body))
          && !parts[2].equals("v2=" + HookDispatcher.sign(SECRET, t, UUID.randomUUID().toString(), body))
          && Math.abs(System.currentTimeMillis() / 1000 - t) < 300;
      received.add(new Received(req.getHeader("Orgplane-Event"), delivery, valid, body.toJsonObject(), req.getHeader("Host")));
      req.response().setStatusCode(calls.incrementAndGet() <= 2 ? 503 : 200).end();
    })).listen(0, "127.0.0.1").await();

    var org = dispatching(vertx, PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS), new JsonObject()
        .put("ORGPLANE_HOOK_RETRY_BASE_MILLIS", "100"));
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "hooked-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var hook = org.post("/v1/organizations/" + orgId + "/hooks", owner.token(), new JsonObject().put("name", "receiver")
        .put("url", "http://localhost:" + receiver.actualPort() + "/events").put("secret", SECRET)
        .put("events", new JsonArray().add("organization.updated")));
    assertEquals(201, hook.statusCode(), hook.bodyAsString());
    var hookId = hook.bodyAsJsonObject().getString("id");

    org.send(HttpMethod.PATCH, "/v1/organizations/" + orgId, owner.token(), new JsonObject().put("title", "Changed"));
    org.send(HttpMethod.POST, "/v1/organizations/" + orgId + "/disable", owner.token(), null);

    long deadline = System.currentTimeMillis() + 15_000;
    while (received.size() < 3 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(3, received.size(), "two failures, then success: " + received);
    assertTrue(received.stream().allMatch(Received::signatureValid));
    assertTrue(received.stream().allMatch(r -> r.host().equals("localhost:" + receiver.actualPort())),
        "connected to the address checked, the host still named: " + received);
    assertTrue(received.stream().allMatch(r -> r.event().equals("organization.updated")),
        "only subscribed events are sent");
    assertEquals(orgId, received.get(2).payload().getString("organizationId"));

    org.send(HttpMethod.POST, "/v1/organizations/" + orgId + "/enable", owner.token(), null);
    // the receiver answers before the dispatcher records the attempt: wait for the record too
    JsonObject delivery;
    do {
      Thread.sleep(50);
      var deliveries = org.get("/v1/organizations/" + orgId + "/hooks/" + hookId + "/deliveries", owner.token())
          .bodyAsJsonObject().getJsonArray("items");
      assertEquals(1, deliveries.size());
      delivery = deliveries.getJsonObject(0);
    } while (!delivery.getString("state").equals("delivered") && System.currentTimeMillis() < deadline);
    assertEquals("delivered", delivery.getString("state"));
    assertEquals(List.of(503, 503, 200), delivery.getJsonArray("attempts").stream()
        .map(a -> ((JsonObject) a).getInteger("statusCode")).toList());
    var deliveryId = UUID.fromString(delivery.getString("id")).toString();
    assertTrue(received.stream().allMatch(r -> r.delivery().equals(deliveryId)),
        "every attempt names the delivery by its UUID, as its record does: " + received);
    assertProblem(org.get("/v1/organizations/" + orgId + "/hooks/" + hookId + "/deliveries?cursor=bm9wZQ",
        owner.token()), 400, "invalid_cursor");
    var unknownDelivery = Base64.getUrlEncoder().withoutPadding()
        .encodeToString(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
    assertProblem(org.get("/v1/organizations/" + orgId + "/hooks/" + hookId + "/deliveries?cursor=" + unknownDelivery,
        owner.token()), 400, "invalid_cursor");
  }

  /** A delivery queued for a hook that was then deactivated waits, neither sent nor failed, until it is active again. */
  @Test
  void anInactiveHooksDeliveriesWaitForItToBeActiveAgain(Vertx vertx) throws InterruptedException {
    var received = new AtomicInteger();
    var receiver = countingReceiver(vertx, received);
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = dispatching(vertx, db, new JsonObject());
    var owner = org.newUser("pauser");
    var orgId = org.createOrg(owner.token(), "paused-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var hook = org.post("/v1/organizations/" + orgId + "/hooks", owner.token(), new JsonObject().put("name", "paused")
        .put("url", "http://localhost:" + receiver.actualPort() + "/events").put("secret", SECRET)
        .put("events", new JsonArray().add("organization.updated")).put("active", false)).bodyAsJsonObject();
    // as if queued a moment before an admin deactivated the hook
    PgFixture.execute(db, "INSERT INTO org.hook_deliveries (org_id, hook_id, event, payload) VALUES ('" + orgId
        + "', '" + hook.getString("id") + "', 'organization.updated', '{}')");

    Thread.sleep(1_000);
    assertEquals(0, received.get(), "twenty polls, and the inactive hook's delivery is not sent");
    var path = "/v1/organizations/" + orgId + "/hooks/" + hook.getString("id");
    assertEquals("pending", org.get(path + "/deliveries", owner.token()).bodyAsJsonObject().getJsonArray("items")
        .getJsonObject(0).getString("state"));
    assertEquals(200, org.send(HttpMethod.PATCH, path, owner.token(), new JsonObject().put("active", true))
        .statusCode());
    long deadline = System.currentTimeMillis() + 10_000;
    while (received.get() == 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(1, received.get(), "sent once the hook is active again");
  }

  /**
   * Over HTTPS the delivery connects to the address it checked, yet the receiver's certificate, which names
   * localhost and no address, is checked against the hook's host: named by localhost it is accepted, named by
   * 127.0.0.1 (the very address connected to in both cases) it is refused.
   */
  @Test
  void httpsDeliveriesAreCheckedAgainstTheHooksHost(Vertx vertx) throws Exception {
    var cert = java.nio.file.Path.of(getClass().getResource("/tls/hook-receiver-cert.pem").toURI()).toString();
    var key = java.nio.file.Path.of(getClass().getResource("/tls/hook-receiver-key.pem").toURI()).toString();
    var received = new AtomicInteger();
    var receiver = vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setSsl(true)
            .setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions().setCertPath(cert).setKeyPath(key)))
        .requestHandler(req -> req.body().onSuccess(body -> {
          received.incrementAndGet();
          req.response().end();
        })).listen(0, "127.0.0.1").await();
    var org = dispatching(vertx, PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS), new JsonObject()
        .put("ORGPLANE_HOOK_MAX_ATTEMPTS", "1").put("ORGPLANE_HOOKS_CA_FILE", cert));
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "tls-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var byName = hook(org, owner.token(), orgId, "https://localhost:" + receiver.actualPort() + "/events");
    var byAddress = hook(org, owner.token(), orgId, "https://127.0.0.1:" + receiver.actualPort() + "/events");
    org.send(HttpMethod.PATCH, "/v1/organizations/" + orgId, owner.token(), new JsonObject().put("title", "Changed"));

    assertEquals("delivered", finalState(org, owner.token(), orgId, byName).getString("state"));
    var refused = finalState(org, owner.token(), orgId, byAddress);
    assertEquals("failed", refused.getString("state"), refused.encode());
    assertEquals(null, refused.getJsonArray("attempts").getJsonObject(0).getInteger("statusCode"), "no TLS, no answer");
    assertEquals(1, received.get());
  }

  /**
   * A stored URL no request can be made of (as one written before URLs were checked, or by hand) fails its own
   * delivery, not sent; the round's other deliveries are sent and recorded as ever.
   */
  @Test
  void aStoredUrlNoRequestCanBeMadeOfFailsItsOwnDeliveryAlone(Vertx vertx) throws InterruptedException {
    var received = new AtomicInteger();
    var receiver = countingReceiver(vertx, received);
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = dispatching(vertx, db, new JsonObject().put("ORGPLANE_HOOK_MAX_ATTEMPTS", "1"));
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "badurl-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var broken = hook(org, owner.token(), orgId, "http://localhost:9/broken");
    var sound = hook(org, owner.token(), orgId, "http://localhost:" + receiver.actualPort() + "/events");
    PgFixture.execute(db, "UPDATE org.hooks SET url = 'localhost:9/no-scheme' WHERE id = '" + broken + "'");
    org.send(HttpMethod.PATCH, "/v1/organizations/" + orgId, owner.token(), new JsonObject().put("title", "Changed"));

    assertEquals("delivered", finalState(org, owner.token(), orgId, sound).getString("state"));
    var unsent = finalState(org, owner.token(), orgId, broken);
    assertEquals("failed", unsent.getString("state"), unsent.encode());
    var attempt = unsent.getJsonArray("attempts").getJsonObject(0);
    assertNull(attempt.getInteger("statusCode"));
    assertTrue(attempt.getString("error").startsWith("not sent: "), attempt.encode());
    assertEquals(1, received.get());
  }

  /** A hook event is audited once and queued once per subscribed hook, every copy naming the one event. */
  @Test
  void anAuditedEventIsQueuedForEachSubscribedHookUnderOneEventId(Vertx vertx) {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = withoutDispatch(vertx, db);
    var owner = org.newUser("owner");
    var orgId = updatedUnderHooks(org, owner.token(), "http://localhost:9/first", "http://localhost:9/second");
    org.send(HttpMethod.POST, "/v1/organizations/" + orgId + "/disable", owner.token(), null);

    var inOrg = " FROM org.hook_deliveries d JOIN org.hook_payloads p ON p.id = d.payload_id WHERE d.org_id = '"
        + orgId + "' AND d.event = ";
    assertEquals(2, PgFixture.queryLong(db, "SELECT count(*)" + inOrg + "'organization.updated'"));
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(DISTINCT p.payload->>'id')" + inOrg
        + "'organization.updated'"));
    assertEquals(0, PgFixture.queryLong(db, "SELECT count(*)" + inOrg + "'organization.disabled'"), "not subscribed");
    assertEquals(2, PgFixture.queryLong(db, "SELECT count(*) FROM org.audit_events WHERE org_id = '" + orgId
        + "' AND action IN ('organization.updated', 'organization.disabled')"), "both audited, once");
  }

  /** A failure counts only from the latest claim of a pending delivery; a success always; every attempt is kept. */
  /**
   * An event to many hooks is stored once (V64), each delivery naming it, and each hook is sent the bytes it was sent
   * when every delivery held its own copy: the event's JSON as stored, the same for all. An event no hook hears stores
   * nothing.
   */
  @Test
  void anEventToManyHooksIsStoredOnceAndSentToEachAsTheSameBytes(Vertx vertx) throws InterruptedException {
    var bodies = new CopyOnWriteArrayList<String>();
    var receiver = recordingReceiver(vertx, bodies);
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = dispatching(vertx, db, new JsonObject());
    var owner = org.newUser("owner");
    var hooks = 3;
    var urls = new String[hooks];
    for (int i = 0; i < hooks; i++) {
      urls[i] = "http://localhost:" + receiver.actualPort() + "/events/" + i;
    }
    var orgId = updatedUnderHooks(org, owner.token(), urls);
    Eventually.holds(() -> bodies.size() == hooks, () -> "every hook is sent the event: " + bodies);
    org.send(HttpMethod.POST, "/v1/organizations/" + orgId + "/disable", owner.token(), null);

    var inOrg = " FROM org.hook_payloads WHERE org_id = '" + orgId + "'";
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*)" + inOrg), "one payload, and none for the unheard event");
    assertEquals(hooks, PgFixture.queryLong(db, "SELECT count(*) FROM org.hook_deliveries WHERE org_id = '" + orgId
        + "' AND payload IS NULL AND payload_id = (SELECT id" + inOrg + ")"), "every delivery names it");
    var stored = new JsonObject(PgFixture.queryString(db, "SELECT payload::text" + inOrg));
    assertEquals(List.of("id", "event", "target", "details", "occurredAt", "organizationId"),
        List.copyOf(stored.fieldNames()), "the event as it was sent before V64");
    assertEquals(orgId, stored.getString("organizationId"));
    assertEquals(List.of(stored.encode()), bodies.stream().distinct().toList(), "each hook, the same bytes");
  }

  /**
   * A delivery queued before V64 holds its payload itself, naming none stored apart: it is sent that payload and shown
   * like any other until the retention purges it.
   */
  @Test
  void aDeliveryQueuedBeforeV64WithItsOwnPayloadIsSentAndShown(Vertx vertx) throws InterruptedException {
    var bodies = new CopyOnWriteArrayList<String>();
    var receiver = recordingReceiver(vertx, bodies);
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = dispatching(vertx, db, new JsonObject());
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "older-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var hookId = hook(org, owner.token(), orgId, "http://localhost:" + receiver.actualPort() + "/events");
    var inline = "{\"id\": \"" + UUID.randomUUID() + "\", \"event\": \"organization.updated\", \"label\": \"pre-v64\"}";
    PgFixture.execute(db, "INSERT INTO org.hook_deliveries (org_id, hook_id, event, payload) VALUES ('" + orgId
        + "', '" + hookId + "', 'organization.updated', '" + inline + "')");

    Eventually.holds(() -> bodies.size() == 1, "the delivery is sent");
    assertEquals(new JsonObject(PgFixture.queryString(db, "SELECT payload::text FROM org.hook_deliveries WHERE "
        + "hook_id = '" + hookId + "'")).encode(), bodies.get(0), "its own payload's bytes");
    assertEquals("pre-v64", new JsonObject(bodies.get(0)).getString("label"));
    var shown = finalState(org, owner.token(), orgId, hookId);
    assertEquals("delivered", shown.getString("state"));
    assertEquals("organization.updated", shown.getString("event"));
  }

  @Test
  void anAttemptOutlivedByALaterClaimRecordsItselfButOnlyASuccessSetsTheState(Vertx vertx) {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = withoutDispatch(vertx, db);
    var owner = org.newUser("owner");
    var orgId = updatedUnderHooks(org, owner.token(), "http://localhost:9/events");
    var delivery = PgFixture.queryLong(db, "SELECT id FROM org.hook_deliveries WHERE org_id = '" + orgId + "'");
    var where = " FROM org.hook_deliveries WHERE id = " + delivery;
    PgFixture.execute(db, "UPDATE org.hook_deliveries SET attempts = 2, next_attempt_at = now() WHERE id = " + delivery);
    var outcomes = new DeliveryOutcomes(Database.open(vertx, db, 1, List.of()).await(), 3, 60_000, 0);

    outcomes.record(List.of(outcome(delivery, 1, false, 503, null))).await();
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*)" + where + " AND state = 'pending' "
        + "AND next_attempt_at <= now()"), "the first claim's failure leaves the second claim's lease alone");
    outcomes.record(List.of(outcome(delivery, 2, false, null, "timeout"))).await();
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*)" + where + " AND state = 'pending' "
        + "AND next_attempt_at > now() + interval '30 seconds'"), "the latest claim's failure backs off");
    PgFixture.execute(db, "UPDATE org.hook_deliveries SET attempts = 4 WHERE id = " + delivery);
    outcomes.record(List.of(outcome(delivery, 3, true, 200, null))).await();
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*)" + where + " AND state = 'delivered'"),
        "a success counts whichever claim it came from");
    outcomes.record(List.of(outcome(delivery, 4, false, 503, null))).await();
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*)" + where + " AND state = 'delivered'"));
    assertEquals(4, PgFixture.queryLong(db, "SELECT count(*) FROM org.hook_delivery_attempts WHERE delivery_id = "
        + delivery), "every attempt is recorded");
  }

  /**
   * Deliveries that end failed count for their hook, a delivered one restarts the count; the third failure in a row
   * deactivates it, once, however many outcomes race, audited and told to the organization's other hooks.
   */
  @Test
  void aHookWhoseDeliveriesKeepFailingIsDeactivatedOnceAndToldAbout(Vertx vertx) {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = withoutDispatch(vertx, db);
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "failing-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var failing = hook(org, owner.token(), orgId, "http://localhost:9/failing");
    var watcher = org.post("/v1/organizations/" + orgId + "/hooks", owner.token(), new JsonObject().put("name", "watcher")
        .put("url", "http://localhost:9/watcher").put("events", new JsonArray().add("hook.updated")));
    assertEquals(201, watcher.statusCode(), watcher.bodyAsString());
    var pool = Database.open(vertx, db, 4, List.of()).await();
    var outcomes = new DeliveryOutcomes(pool, 2, 60_000, 3);
    var etag = org.get("/v1/organizations/" + orgId + "/hooks/" + failing, owner.token()).getHeader("ETag");

    var first = claimed(pool, orgId, failing, 2, 6);
    outcomes.record(List.of(outcome(first.get(0), 2, false, 503, null))).await();
    // a retry follows: the delivery has not ended
    outcomes.record(List.of(outcome(first.get(1), 1, false, 503, null))).await();
    outcomes.record(List.of(outcome(first.get(2), 2, false, null, "timeout"))).await();
    outcomes.record(List.of(outcome(first.get(3), 2, true, 200, null))).await();
    outcomes.record(List.of(outcome(first.get(4), 2, false, 503, null))).await();
    outcomes.record(List.of(outcome(first.get(5), 2, false, 503, null))).await();
    var hookRow = " FROM org.hooks WHERE id = '" + failing + "'";
    assertEquals(2, PgFixture.queryLong(db, "SELECT consecutive_failures" + hookRow), "counted since the success");
    assertTrue(active(org, owner.token(), orgId, failing));

    // six endings at once, one failure short: the first of them deactivates, the others find the hook inactive
    var racing = claimed(pool, orgId, failing, 2, 6);
    io.vertx.core.Future.all(racing.stream()
        .map(id -> outcomes.record(List.of(outcome(id, 2, false, 503, null)))).toList()).await();
    assertTrue(!active(org, owner.token(), orgId, failing), "deactivated");
    assertEquals(0, PgFixture.queryLong(db, "SELECT consecutive_failures" + hookRow),
        "the count restarts, and failures of an inactive hook do not count");
    var audited = org.audited(owner.token(), orgId, "hook.updated");
    assertEquals(1, audited.size(), "deactivated once: " + audited.encode());
    assertEquals("system", audited.getJsonObject(0).getString("actor"));
    assertEquals("hook:" + failing, audited.getJsonObject(0).getString("target"));
    assertEquals(new JsonObject().put("fields", new JsonArray().add("active")).put("reason", "consecutive_failures")
        .put("failures", 3), audited.getJsonObject(0).getJsonObject("details"));
    assertTrue(!etag.equals(org.get("/v1/organizations/" + orgId + "/hooks/" + failing, owner.token())
        .getHeader("ETag")), "the hook changed");
    var told = " FROM org.hook_deliveries WHERE org_id = '" + orgId + "' AND event = 'hook.updated' AND hook_id = ";
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*)" + told + "'" + watcher.bodyAsJsonObject()
        .getString("id") + "'"), "the hooks subscribed to hook.updated hear of it");
    assertEquals(0, PgFixture.queryLong(db, "SELECT count(*)" + told + "'" + failing + "'"),
        "not the deactivated hook itself");

    assertEquals(200, org.send(HttpMethod.PATCH, "/v1/organizations/" + orgId + "/hooks/" + failing, owner.token(),
        new JsonObject().put("active", true)).statusCode());
    var again = claimed(pool, orgId, failing, 2, 2);
    outcomes.record(List.of(outcome(again.get(0), 2, false, 503, null))).await();
    assertTrue(active(org, owner.token(), orgId, failing), "activated again, it has the whole allowance again");
    outcomes.record(List.of(outcome(again.get(1), 2, true, 204, null))).await();
    assertEquals(0, PgFixture.queryLong(db, "SELECT consecutive_failures" + hookRow), "a success restarts the count");
  }

  /**
   * A round's outcomes are recorded together, each as it would be alone: delivered, retried after its backoff, failed
   * for good, and a stale attempt's failure that leaves its delivery to the latest claim. The hook's count restarts at
   * the round's delivered one and counts its failure; a later round's failures deactivate it, once.
   */
  @Test
  void aRoundsMixedOutcomesAreRecordedTogether(Vertx vertx) {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = withoutDispatch(vertx, db);
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "round-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var hookId = hook(org, owner.token(), orgId, "http://localhost:9/round");
    var pool = Database.open(vertx, db, 1, List.of()).await();
    var outcomes = new DeliveryOutcomes(pool, 2, 60_000, 3);
    var hookRow = " FROM org.hooks WHERE id = '" + hookId + "'";
    PgFixture.execute(db, "UPDATE org.hooks SET consecutive_failures = 2 WHERE id = '" + hookId + "'");
    var round = claimed(pool, orgId, hookId, 2, 4);
    var retried = claimed(pool, orgId, hookId, 1, 1).get(0);

    outcomes.record(List.of(outcome(round.get(0), 2, true, 200, null), outcome(retried, 1, false, 503, null),
        outcome(round.get(1), 2, false, null, "timeout"), outcome(round.get(2), 1, false, 503, null),
        outcome(round.get(3), 1, true, 204, null))).await();
    assertTrue(inState(db, round.get(0), "delivered"));
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.hook_deliveries WHERE id = " + retried
        + " AND state = 'pending' AND next_attempt_at > now() + interval '30 seconds'"), "retried after its backoff");
    assertTrue(inState(db, round.get(1), "failed"), "out of attempts");
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.hook_deliveries WHERE id = " + round.get(2)
        + " AND state = 'pending' AND next_attempt_at <= now()"), "a stale failure leaves the latest claim alone");
    assertTrue(inState(db, round.get(3), "delivered"), "a stale success still delivers");
    assertEquals(5, PgFixture.queryLong(db, "SELECT count(*) FROM org.hook_delivery_attempts a "
        + "JOIN org.hook_deliveries d ON d.id = a.delivery_id WHERE d.hook_id = '" + hookId + "'"),
        "every attempt is recorded");
    assertEquals(1, PgFixture.queryLong(db, "SELECT consecutive_failures" + hookRow),
        "the round's delivery restarts the count, its failure counts after it");
    assertTrue(active(org, owner.token(), orgId, hookId));

    var failing = claimed(pool, orgId, hookId, 2, 3);
    outcomes.record(failing.stream().map(id -> outcome(id, 2, false, 503, null)).toList()).await();
    assertTrue(!active(org, owner.token(), orgId, hookId), "deactivated by the round's failures");
    assertEquals(0, PgFixture.queryLong(db, "SELECT consecutive_failures" + hookRow));
    assertEquals(1, org.audited(owner.token(), orgId, "hook.updated").size(), "deactivated once");
  }

  /** Paused by an admin and activated again, a hook has the whole allowance again; any other change keeps its count. */
  @Test
  void aHookPausedAndActivatedAgainHasTheWholeAllowance(Vertx vertx) {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = withoutDispatch(vertx, db);
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "paused-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var hookId = hook(org, owner.token(), orgId, "http://localhost:9/paused");
    var path = "/v1/organizations/" + orgId + "/hooks/" + hookId;
    var hookRow = " FROM org.hooks WHERE id = '" + hookId + "'";
    PgFixture.execute(db, "UPDATE org.hooks SET consecutive_failures = 2 WHERE id = '" + hookId + "'");

    assertEquals(200, org.send(HttpMethod.PATCH, path, owner.token(), new JsonObject().put("name", "renamed"))
        .statusCode());
    assertEquals(2, PgFixture.queryLong(db, "SELECT consecutive_failures" + hookRow), "kept by a change of name");
    assertEquals(200, org.send(HttpMethod.PATCH, path, owner.token(), new JsonObject().put("active", false))
        .statusCode());
    assertEquals(2, PgFixture.queryLong(db, "SELECT consecutive_failures" + hookRow), "kept while paused");
    assertEquals(200, org.send(HttpMethod.PATCH, path, owner.token(), new JsonObject().put("active", true))
        .statusCode());
    assertEquals(0, PgFixture.queryLong(db, "SELECT consecutive_failures" + hookRow), "restarted by the activation");
  }

  /**
   * A paused hook's pending deliveries are not due (off the claims' index), even one whose attempt fails after the
   * pause, and show no next attempt; activated again, the hook's deliveries are due at once.
   */
  @Test
  void aPausedHooksDeliveriesAreNotDueUntilItIsActiveAgain(Vertx vertx) {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = withoutDispatch(vertx, db);
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "paused-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var hookId = hook(org, owner.token(), orgId, "http://localhost:9/paused");
    org.send(HttpMethod.PATCH, "/v1/organizations/" + orgId, owner.token(), new JsonObject().put("title", "Changed"));
    var path = "/v1/organizations/" + orgId + "/hooks/" + hookId;
    var where = " FROM org.hook_deliveries WHERE org_id = '" + orgId + "'";
    PgFixture.execute(db, "UPDATE org.hook_deliveries SET attempts = 1 WHERE org_id = '" + orgId + "'");
    var delivery = PgFixture.queryLong(db, "SELECT id" + where);

    assertEquals(200, org.send(HttpMethod.PATCH, path, owner.token(), new JsonObject().put("active", false))
        .statusCode());
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*)" + where + " AND next_attempt_at = 'infinity'"));
    var shown = org.get(path + "/deliveries", owner.token()).bodyAsJsonObject().getJsonArray("items").getJsonObject(0);
    assertEquals("pending", shown.getString("state"));
    assertEquals(null, shown.getString("nextAttemptAt"), "waits for its hook, not for a time");
    new DeliveryOutcomes(Database.open(vertx, db, 1, List.of()).await(), 3, 100, 0)
        .record(List.of(outcome(delivery, 1, false, 503, null))).await();
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*)" + where + " AND next_attempt_at = 'infinity'"),
        "an attempt that failed after the pause waits too");

    assertEquals(200, org.send(HttpMethod.PATCH, path, owner.token(), new JsonObject().put("active", true))
        .statusCode());
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*)" + where + " AND next_attempt_at <= now()"), "due");
  }

  /**
   * A delivery being sent when its hook is paused and activated again keeps its claim's lease, so no other instance
   * claims it while the send is under way (until session 33 the activation made it due at once, and another instance
   * sent it a second time alongside); the hook's parked deliveries are due at once.
   */
  @Test
  void aDeliveryBeingSentKeepsItsLeaseThroughAPauseAndActivation(Vertx vertx) {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = withoutDispatch(vertx, db);
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "leased-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var hookId = hook(org, owner.token(), orgId, "http://localhost:9/leased");
    var path = "/v1/organizations/" + orgId + "/hooks/" + hookId;
    var pool = Database.open(vertx, db, 1, List.of()).await();
    var queued = claimed(pool, orgId, hookId, 0, 2);
    var sending = queued.get(0);
    var backingOff = queued.get(1);
    pool.preparedQuery("UPDATE org.hook_deliveries d SET " + AttemptLease.claim("d", 2) + " WHERE id = ANY ($1)")
        .execute(Tuple.of(queued.toArray(Long[]::new), 30_000.0)).await();
    new DeliveryOutcomes(pool, 3, 60_000, 0).record(List.of(outcome(backingOff, 1, false, 503, null))).await();
    var leased = " FROM org.hook_deliveries WHERE id = " + sending + " AND state = 'pending' "
        + "AND next_attempt_at > now() + interval '20 seconds' AND next_attempt_at < 'infinity'";

    assertEquals(200, org.send(HttpMethod.PATCH, path, owner.token(), new JsonObject().put("active", false))
        .statusCode());
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*)" + leased), "paused, it keeps its lease");
    assertEquals(200, org.send(HttpMethod.PATCH, path, owner.token(), new JsonObject().put("active", true))
        .statusCode());
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*)" + leased), "activated again, no other claim takes it");
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.hook_deliveries WHERE id = " + backingOff
        + " AND next_attempt_at <= now()"), "the hook's parked delivery is due at once");
  }

  /**
   * Tenant A's backlog of 96 to a receiver holding its answers, then answering in 2 s, queued with tenant B's one
   * delivery: B's goes out in the first round, B's next one while A's round is still waiting for its answers, and A's
   * go out once each, none failed for want of a connection to A's receiver.
   */
  @Test
  void aSlowReceiversBacklogDelaysNoOtherTenantsDeliveries(Vertx vertx) throws InterruptedException {
    var slow = HoldingReceiver.started(vertx, Duration.ofSeconds(2));
    var fastReceived = new AtomicInteger();
    var fast = countingReceiver(vertx, fastReceived);
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = dispatching(vertx, db, new JsonObject());
    var a = org.newUser("tenant-a");
    var b = org.newUser("tenant-b");
    var orgA = org.createOrg(a.token(), "slow-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var orgB = org.createOrg(b.token(), "fast-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var hookA = hook(org, a.token(), orgA, "http://localhost:" + slow.port() + "/events");
    var hookB = hook(org, b.token(), orgB, "http://localhost:" + fast.actualPort() + "/events");
    var queueB = "INSERT INTO org.hook_deliveries (org_id, hook_id, event, payload) VALUES ('" + orgB + "', '" + hookB
        + "', 'organization.updated', '{}')";
    PgFixture.execute(db, "BEGIN", "INSERT INTO org.hook_deliveries (org_id, hook_id, event, payload) SELECT '" + orgA
        + "', '" + hookA + "', 'organization.updated', '{}' FROM generate_series(1, 96)", queueB, "COMMIT");

    try {
      Eventually.holds(() -> fastReceived.get() == 1, "tenant B's delivery never went out");
      assertTrue(slow.noneGivenUp(), "tenant B's delivery waited behind tenant A's backlog");
      Eventually.holds(() -> slow.received() > 0, "tenant A's receiver was sent nothing");
      PgFixture.execute(db, queueB);
      Eventually.holds(() -> fastReceived.get() == 2, "tenant B's next delivery never went out");
      assertTrue(slow.noneGivenUp(), "tenant B's next delivery waited for tenant A's round");
    } finally {
      slow.release();
    }
    var delivered = "SELECT count(*) FROM org.hook_deliveries WHERE hook_id = '" + hookA + "' AND state = 'delivered'";
    long released = System.currentTimeMillis();
    while (PgFixture.queryLong(db, delivered) < 96 && System.currentTimeMillis() < released + 30_000) {
      Thread.sleep(50);
    }
    assertEquals(96, PgFixture.queryLong(db, delivered));
    assertEquals(96, slow.received(), "one request a delivery: none failed waiting for a connection");
  }

  /**
   * Every lookup thread held past the attempts' deadline (another tenant's hosts whose name servers never answer): no
   * POST goes out once the threads are free (until session 33 the deadline ran from the request, the round gave up on
   * the attempt at 15 s, and the lookup then led to a POST whose answer nobody recorded). The attempt was never made:
   * a recent delivery's is given back, pending, no attempt recorded, its hook's failures uncounted (until session 39 it
   * failed the delivery, and 50 such deactivated the hook); one older than its attempts' schedule counts as failed, so
   * a delivery whose lookups never get a thread is not retried for ever. A dispatcher of the test's own sends them, its
   * deadline 1 s instead of the shipped 10, one attempt each, the service's own polling once an hour.
   */
  @Test
  void anAttemptWhoseLookupNeverGotAThreadIsGivenBackWhileItsDeliveryIsRecentAndPostsNothing(Vertx vertx)
      throws InterruptedException {
    var received = new AtomicInteger();
    var receiver = countingReceiver(vertx, received);
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = withoutDispatch(vertx, db);
    var owner = org.newUser("owner");
    var recentOrg = org.createOrg(owner.token(), "late-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var oldOrg = org.createOrg(owner.token(), "old-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var recentHook = hook(org, owner.token(), recentOrg, "http://localhost:" + receiver.actualPort() + "/events");
    var oldHook = hook(org, owner.token(), oldOrg, "http://localhost:" + receiver.actualPort() + "/events");
    org.send(HttpMethod.PATCH, "/v1/organizations/" + recentOrg, owner.token(), new JsonObject().put("title", "Changed"));
    org.send(HttpMethod.PATCH, "/v1/organizations/" + oldOrg, owner.token(), new JsonObject().put("title", "Changed"));
    PgFixture.execute(db, "UPDATE org.hook_deliveries SET created_at = now() - interval '1 hour' WHERE hook_id = '"
        + oldHook + "'");
    var lookups = vertx.createSharedWorkerExecutor("orgplane-hook-resolver", HookResolver.THREADS);
    // past the 1 s deadline with seconds to spare: the given-back delivery must be seen before the threads are free
    long held = System.currentTimeMillis() + 5_000;
    for (int i = 0; i < HookResolver.THREADS; i++) {
      lookups.executeBlocking(() -> {
        Thread.sleep(held - System.currentTimeMillis());
        return null;
      }, false);
    }
    var dispatcher = new HookDispatcher(vertx, Database.open(vertx, db, 1, List.of()).await(), 1, 60_000, 1, true, "",
        1_000);
    dispatcher.start(50);
    try {
      var old = finalState(org, owner.token(), oldOrg, oldHook);
      assertEquals("failed", old.getString("state"), old.encode());
      assertEquals("not sent: the attempt had not ended within 1000 ms, its host's lookup still waiting for a thread",
          old.getJsonArray("attempts").getJsonObject(0).getString("error"), old.encode());
      var givenBack = "SELECT count(*) FROM org.hook_deliveries WHERE hook_id = '" + recentHook + "' AND state = "
          + "'pending' AND attempts = 0 AND next_attempt_at > now() + interval '30 seconds'";
      while (PgFixture.queryLong(db, givenBack) == 0 && System.currentTimeMillis() < held) {
        Thread.sleep(20);
      }
      assertTrue(System.currentTimeMillis() < held, "given back at its deadline, before the lookup threads were free");
      assertEquals(0, PgFixture.queryLong(db, "SELECT count(*) FROM org.hook_delivery_attempts a "
          + "JOIN org.hook_deliveries d ON d.id = a.delivery_id WHERE d.hook_id = '" + recentHook + "'"));
      assertTrue(active(org, owner.token(), recentOrg, recentHook), "one failure deactivates, but none was counted");
      Thread.sleep(held + 1_000 - System.currentTimeMillis());
      assertEquals(0, received.get(), "a POST went out after its attempt had ended");
    } finally {
      dispatcher.stop();
    }
  }

  private static boolean inState(PgUrl db, long deliveryId, String state) {
    return PgFixture.queryLong(db, "SELECT count(*) FROM org.hook_deliveries WHERE id = " + deliveryId
        + " AND state = '" + state + "'") == 1;
  }

  /** Attempt number {@code attempt} of the delivery {@code id}, answered after 5 ms. */
  private static DeliveryOutcomes.Outcome outcome(long id, int attempt, boolean delivered, Integer status, String error) {
    return new DeliveryOutcomes.Outcome(id, attempt, delivered, status, error, 5);
  }

  /** {@code count} deliveries of the hook, each as its attempt number {@code attempt} had just claimed it. */
  private static List<Long> claimed(io.vertx.sqlclient.Pool pool, String orgId, String hookId, int attempt, int count) {
    var ids = new java.util.ArrayList<Long>();
    pool.preparedQuery("INSERT INTO org.hook_deliveries (org_id, hook_id, event, payload, attempts) "
            + "SELECT $1, $2, 'ping', '{}', $3 FROM generate_series(1, $4) RETURNING id")
        .execute(io.vertx.sqlclient.Tuple.of(UUID.fromString(orgId), UUID.fromString(hookId), attempt, count)).await()
        .forEach(row -> ids.add(row.getLong("id")));
    return ids;
  }

  private static boolean active(OrgServiceHarness org, String token, String orgId, String hookId) {
    return org.get("/v1/organizations/" + orgId + "/hooks/" + hookId, token).bodyAsJsonObject().getBoolean("active");
  }

  /** The service with deliveries queued but never due while the test looks at them. */
  private static OrgServiceHarness withoutDispatch(Vertx vertx, PgUrl db) {
    return withHooksTo(vertx, db, new JsonObject().put("ORGPLANE_HOOK_POLL_MILLIS", "3600000"));
  }

  /** The service sending its deliveries every 50 ms, with {@code settings} besides. */
  private static OrgServiceHarness dispatching(Vertx vertx, PgUrl db, JsonObject settings) {
    return withHooksTo(vertx, db, settings.copy().put("ORGPLANE_HOOK_POLL_MILLIS", "50"));
  }

  /** The service with {@code settings}, whose hooks may call the test's receivers on this machine. */
  private static OrgServiceHarness withHooksTo(Vertx vertx, PgUrl db, JsonObject settings) {
    return OrgServiceHarness.start(vertx, db, settings.copy().put("ORGPLANE_HOOKS_ALLOW_PRIVATE_URLS", "true"));
  }

  /** A receiver on this machine that answers 200 to every delivery and counts them in {@code received}. */
  private static HttpServer countingReceiver(Vertx vertx, AtomicInteger received) {
    return vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      received.incrementAndGet();
      req.response().end();
    })).listen(0, "127.0.0.1").await();
  }

  /** A receiver on this machine that answers 200 to every delivery and keeps its body, as sent, in {@code bodies}. */
  private static HttpServer recordingReceiver(Vertx vertx, List<String> bodies) {
    return vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      bodies.add(body.toString(StandardCharsets.UTF_8));
      req.response().end();
    })).listen(0, "127.0.0.1").await();
  }

  /** A new organization with a hook on each of {@code urls} for organization.updated, then updated once. */
  private static String updatedUnderHooks(OrgServiceHarness org, String token, String... urls) {
    var orgId = org.createOrg(token, "hooked-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    for (var url : urls) {
      hook(org, token, orgId, url);
    }
    org.send(HttpMethod.PATCH, "/v1/organizations/" + orgId, token, new JsonObject().put("title", "Changed"));
    return orgId;
  }

  private static String hook(OrgServiceHarness org, String token, String orgId, String url) {
    var created = org.post("/v1/organizations/" + orgId + "/hooks", token, new JsonObject().put("name", "tls-" + url.hashCode())
        .put("url", url).put("secret", SECRET).put("events", new JsonArray().add("organization.updated")));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject().getString("id");
  }

  /** The hook's one delivery once it is delivered or failed for good. */
  private static JsonObject finalState(OrgServiceHarness org, String token, String orgId, String hookId)
      throws InterruptedException {
    var deadline = System.currentTimeMillis() + 15_000;
    while (true) {
      var items = org.get("/v1/organizations/" + orgId + "/hooks/" + hookId + "/deliveries", token).bodyAsJsonObject()
          .getJsonArray("items");
      var delivery = items.isEmpty() ? null : items.getJsonObject(0);
      if (delivery != null && !delivery.getString("state").equals("pending") || System.currentTimeMillis() > deadline) {
        return delivery;
      }
      Thread.sleep(50);
    }
  }
}
