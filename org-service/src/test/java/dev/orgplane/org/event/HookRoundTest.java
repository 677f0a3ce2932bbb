package dev.orgplane.org.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.db.PgUrl;
import dev.orgplane.kit.testing.Eventually;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A round of hook deliveries is recorded whatever became of each one's hook, or of its receiver, meanwhile. */
@ExtendWith(VertxExtension.class)
class HookRoundTest {

  /** A hook deleted while its delivery was being sent takes only its own outcome away, not the round's others. */
  @Test
  void aHookDeletedDuringARoundLeavesTheOtherTenantsOutcomesRecorded(Vertx vertx) {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = roundsOfTheTests(vertx, db);
    var first = org.newUser("first");
    var second = org.newUser("second");
    var kept = updatedUnderAHook(org, first.token(), "http://localhost:9/kept");
    var deleted = updatedUnderAHook(org, second.token(), "http://localhost:9/deleted");
    var keptDelivery = deliveryOf(db, kept);
    var deletedDelivery = deliveryOf(db, deleted);
    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organizations/" + deleted.get(0) + "/hooks/" + deleted.get(1),
        second.token(), null).statusCode());

    new DeliveryOutcomes(Database.open(vertx, db, 1, List.of()).await(), 3, 60_000, 0).record(List.of(
        new DeliveryOutcomes.Outcome(deletedDelivery, 1, true, 200, null, 5),
        new DeliveryOutcomes.Outcome(keptDelivery, 1, true, 200, null, 5))).await();
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.hook_deliveries WHERE id = " + keptDelivery
        + " AND state = 'delivered'"));
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.hook_delivery_attempts WHERE delivery_id = "
        + keptDelivery));
  }

  /**
   * A hook whose deletion is under way (its deliveries held by the deleting transaction, which commits while the round
   * is recorded) takes only its own outcome away: the round neither waits for it nor fails with the foreign key.
   */
  @Test
  void aHookDeletionCommittingDuringARoundLeavesTheOtherTenantsOutcomesRecorded(Vertx vertx)
      throws InterruptedException {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = roundsOfTheTests(vertx, db);
    var kept = updatedUnderAHook(org, org.newUser("first").token(), "http://localhost:9/kept");
    var deleted = updatedUnderAHook(org, org.newUser("second").token(), "http://localhost:9/deleted");
    var keptDelivery = deliveryOf(db, kept);
    var deletedDelivery = deliveryOf(db, deleted);
    var pool = Database.open(vertx, db, 2, List.of()).await();
    var deleting = pool.getConnection().await();
    var deletion = deleting.begin().await();
    deleting.query("DELETE FROM org.hooks WHERE id = '" + deleted.get(1) + "'").execute().await();

    var recorded = new DeliveryOutcomes(pool, 3, 60_000, 0).record(List.of(
        new DeliveryOutcomes.Outcome(deletedDelivery, 1, true, 200, null, 5),
        new DeliveryOutcomes.Outcome(keptDelivery, 1, true, 200, null, 5)));
    Eventually.holds(() -> recorded.isComplete() || PgFixture.queryLong(db, "SELECT count(*) FROM pg_stat_activity "
        + "WHERE datname = current_database() AND wait_event_type = 'Lock'") > 0, "the round neither ended nor waited");
    deletion.commit().await();
    recorded.await();
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.hook_deliveries WHERE id = " + keptDelivery
        + " AND state = 'delivered'"));
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.hook_delivery_attempts WHERE delivery_id = "
        + keptDelivery));
  }

  /**
   * A delivery whose hook's deletion is under way while its outcome is recorded, and then rolled back, is recorded
   * once the deletion ends: until then the round waits for it alone, its other outcomes recorded. Skipped, it stayed
   * pending with no attempt recorded, and was sent to its receiver again once its lease lapsed, though delivered.
   */
  @Test
  void aDeliveryWhoseHooksDeletionIsRolledBackIsRecordedOnceTheDeletionEnds(Vertx vertx) throws InterruptedException {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = roundsOfTheTests(vertx, db);
    var kept = updatedUnderAHook(org, org.newUser("first").token(), "http://localhost:9/kept");
    var restored = updatedUnderAHook(org, org.newUser("second").token(), "http://localhost:9/restored");
    var keptDelivery = deliveryOf(db, kept);
    var restoredDelivery = deliveryOf(db, restored);
    var pool = Database.open(vertx, db, 2, List.of()).await();
    var deleting = pool.getConnection().await();
    var deletion = deleting.begin().await();
    deleting.query("DELETE FROM org.hooks WHERE id = '" + restored.get(1) + "'").execute().await();

    var recorded = new DeliveryOutcomes(pool, 3, 60_000, 0).record(List.of(
        new DeliveryOutcomes.Outcome(restoredDelivery, 1, true, 200, null, 5),
        new DeliveryOutcomes.Outcome(keptDelivery, 1, true, 200, null, 5)));
    Eventually.holds(() -> PgFixture.queryLong(db, "SELECT count(*) FROM org.hook_deliveries WHERE id = "
        + keptDelivery + " AND state = 'delivered'") == 1, "the round's other outcome is recorded meanwhile");
    deletion.rollback().await();
    recorded.await();
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.hook_deliveries WHERE id = " + restoredDelivery
        + " AND state = 'delivered'"), "delivered, so never sent again");
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.hook_delivery_attempts WHERE delivery_id = "
        + restoredDelivery));
  }

  /**
   * A round that deactivates a hook tells the organization's other hooks subscribed to {@code hook.updated}; one of
   * them deleted while the round is recorded is left out of it, rather than failing the round with its foreign key.
   */
  @Test
  void aListenerDeletedWhileARoundDeactivatesAHookIsLeftOutOfItsEvent(Vertx vertx) throws InterruptedException {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = roundsOfTheTests(vertx, db);
    var owner = org.newUser("owner");
    var failing = updatedUnderAHook(org, owner.token(), "http://localhost:9/failing");
    var listener = org.post("/v1/organizations/" + failing.get(0) + "/hooks", owner.token(), new JsonObject()
        .put("name", "listener").put("url", "http://localhost:9/listener")
        .put("events", new JsonArray().add("hook.updated")));
    assertEquals(201, listener.statusCode(), listener.bodyAsString());
    var failed = deliveryOf(db, failing);
    var pool = Database.open(vertx, db, 2, List.of()).await();
    var deleting = pool.getConnection().await();
    var deletion = deleting.begin().await();
    deleting.query("DELETE FROM org.hooks WHERE id = '" + listener.bodyAsJsonObject().getString("id") + "'")
        .execute().await();

    var recorded = new DeliveryOutcomes(pool, 1, 60_000, 1).record(List.of(
        new DeliveryOutcomes.Outcome(failed, 1, false, 500, null, 5)));
    PgFixture.awaitLockWaits(db, 1);
    deletion.commit().await();
    recorded.await();
    assertEquals(0, PgFixture.queryLong(db, "SELECT count(*) FROM org.hooks WHERE active AND id = '"
        + failing.get(1) + "'"), "deactivated");
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.audit_events WHERE actor = 'system' "
        + "AND action = 'hook.updated' AND target = 'hook:" + failing.get(1) + "'"));
    assertEquals(0, PgFixture.queryLong(db, "SELECT count(*) FROM org.hook_deliveries WHERE event = 'hook.updated'"));
  }

  /**
   * A listener whose own count the same round restarts (it delivered) still hears of the hook the round deactivates:
   * counted, it is already held by the round, and is not held again.
   */
  @Test
  void aListenerCountedInTheSameRoundHearsOfTheHookItDeactivates(Vertx vertx) {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = roundsOfTheTests(vertx, db);
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "round-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var failing = hookOf(org, owner.token(), orgId, "failing", new JsonArray().add("organization.updated"));
    var listener = hookOf(org, owner.token(), orgId, "listener", new JsonArray().add("organization.updated")
        .add("hook.updated"));
    org.send(HttpMethod.PATCH, "/v1/organizations/" + orgId, owner.token(), new JsonObject().put("title", "Changed"));
    PgFixture.execute(db, "UPDATE org.hook_deliveries SET attempts = 1",
        "UPDATE org.hooks SET consecutive_failures = 1 WHERE id = '" + listener + "'");

    new DeliveryOutcomes(Database.open(vertx, db, 1, List.of()).await(), 1, 60_000, 1).record(List.of(
        new DeliveryOutcomes.Outcome(deliveryTo(db, failing), 1, false, 500, null, 5),
        new DeliveryOutcomes.Outcome(deliveryTo(db, listener), 1, true, 200, null, 5))).await();
    assertEquals(0, PgFixture.queryLong(db, "SELECT count(*) FROM org.hooks WHERE active AND id = '" + failing + "'"));
    assertEquals(0, PgFixture.queryLong(db, "SELECT consecutive_failures FROM org.hooks WHERE id = '" + listener + "'"));
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.hook_deliveries WHERE event = 'hook.updated' "
        + "AND hook_id = '" + listener + "'"));
  }

  /**
   * Two rounds recording deliveries of the same hooks both end, whatever order the plan finds their hooks in (here a
   * hashed grouping, as the planner picks for larger rounds): each takes the hooks' rows in their ids' order. A round
   * waiting for the last of its hooks (held by another transaction) holds every other one already, and a second round
   * over that hook and any the first had not taken yet waits behind it. Taken in the plan's order, the first still
   * lacked some when it waited, the second took those and waited for the last, and once that was free one of the two
   * lost to a deadlock, its deliveries to be sent again once their leases lapsed.
   */
  @Test
  void twoRoundsEndingDeliveriesOfTheSameHooksBothRecord(Vertx vertx) throws InterruptedException {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = roundsOfTheTests(vertx, db);
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "round-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    for (int i = 0; i < 40; i++) {
      hookOf(org, owner.token(), orgId, "hook" + i, new JsonArray().add("organization.updated"));
    }
    for (var title : List.of("First", "Second")) {
      org.send(HttpMethod.PATCH, "/v1/organizations/" + orgId, owner.token(), new JsonObject().put("title", title));
    }
    PgFixture.execute(db, "UPDATE org.hook_deliveries SET attempts = 1",
        "UPDATE org.hooks SET consecutive_failures = 1", "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET "
            + "enable_sort = off', current_database()); END $$");
    var last = PgFixture.queryString(db, "SELECT max(id::text) FROM org.hooks");
    var pool = Database.open(vertx, db, 3, List.of()).await();
    var holding = pool.getConnection().await();
    var held = holding.begin().await();
    holding.query("SELECT 1 FROM org.hooks WHERE id = '" + last + "' FOR UPDATE").execute().await();

    var first = new DeliveryOutcomes(pool, 3, 60_000, 0).record(delivered(db,
        "SELECT min(id) AS id FROM org.hook_deliveries GROUP BY hook_id"));
    PgFixture.awaitLockWaits(db, 1);
    var secondRound = delivered(db, "SELECT max(id) AS id FROM org.hook_deliveries WHERE hook_id IN (SELECT id "
        + "FROM org.hooks WHERE id <> '" + last + "' FOR UPDATE SKIP LOCKED) OR hook_id = '" + last + "' "
        + "GROUP BY hook_id");
    var second = new DeliveryOutcomes(pool, 3, 60_000, 0).record(secondRound);
    PgFixture.awaitLockWaits(db, 2);
    held.commit().await();
    first.await();
    second.await();
    assertEquals(1, secondRound.size(), "the first round, waiting for the last hook, holds every other");
    assertEquals(41, PgFixture.queryLong(db, "SELECT count(*) FROM org.hook_deliveries WHERE state = 'delivered'"));
  }

  /**
   * A round deactivating a hook and a round counting a listener to that deactivation and another hook the first
   * counts both end, without either waiting for the other both ways. The first holds the hooks it counts and then the
   * listeners it tells ({@code hook.updated}, FOR KEY SHARE); the second counts the listener and then the other hook
   * (their ids' order). Counted under FOR UPDATE, the listener held by the second kept the first from holding it for
   * its event while the second waited for the hook the first held: PostgreSQL aborted one of the two after
   * deadlock_timeout (set to a minute here, so such a wait outlasts the test). Here the first waits for another
   * listener held meanwhile, until the second waits.
   */
  @Test
  void aRoundDeactivatingAHookAndOneCountingItsListenerBothRecord(Vertx vertx) throws Exception {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = roundsOfTheTests(vertx, db);
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "round-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    for (int i = 0; i < 4; i++) {
      hookOf(org, owner.token(), orgId, "hook" + i, new JsonArray().add("organization.updated").add("hook.updated"));
    }
    for (var title : List.of("First", "Second")) {
      org.send(HttpMethod.PATCH, "/v1/organizations/" + orgId, owner.token(), new JsonObject().put("title", title));
    }
    var byId = PgFixture.queryString(db, "SELECT string_agg(id::text, ',' ORDER BY id) FROM org.hooks").split(",");
    var heldListener = byId[0];
    var countedListener = byId[1];
    var countedByBoth = byId[2];
    var failing = byId[3];
    // one statement a hook, in their ids' order: their rows then lie in that order, so the listeners are held in it
    // whichever way the plan reads them
    PgFixture.execute(db, "UPDATE org.hooks SET consecutive_failures = 0 WHERE id = '" + heldListener + "'",
        "UPDATE org.hooks SET consecutive_failures = 1 WHERE id = '" + countedListener + "'",
        "UPDATE org.hooks SET consecutive_failures = 1, events = '{organization.updated}' WHERE id = '"
            + countedByBoth + "'",
        "UPDATE org.hooks SET consecutive_failures = 2, events = '{organization.updated}' WHERE id = '"
            + failing + "'",
        "UPDATE org.hook_deliveries SET attempts = 1", "DO $$ BEGIN EXECUTE format('ALTER DATABASE "
            + "%I SET deadlock_timeout = ''60s''', current_database()); END $$");
    var pool = Database.open(vertx, db, 3, List.of()).await();
    var holding = pool.getConnection().await();
    var held = holding.begin().await();
    holding.query("SELECT 1 FROM org.hooks WHERE id = '" + heldListener + "' FOR UPDATE").execute().await();

    var deactivating = new DeliveryOutcomes(pool, 1, 60_000, 3).record(failed(db, "SELECT min(id) AS id FROM "
        + "org.hook_deliveries WHERE hook_id IN ('" + countedByBoth + "', '" + failing + "') GROUP BY hook_id"));
    PgFixture.awaitLockWaits(db, 1);
    var counting = new DeliveryOutcomes(pool, 3, 60_000, 3).record(delivered(db, "SELECT max(id) AS id FROM "
        + "org.hook_deliveries WHERE hook_id IN ('" + countedListener + "', '" + countedByBoth + "') GROUP BY hook_id"));
    PgFixture.awaitLockWaits(db, 2);
    held.commit().await();
    deactivating.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    counting.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(0, PgFixture.queryLong(db, "SELECT count(*) FROM org.hooks WHERE active AND id = '" + failing + "'"));
    assertEquals(2, PgFixture.queryLong(db, "SELECT count(*) FROM org.hook_deliveries WHERE event = 'hook.updated'"),
        "both listeners told");
    assertEquals(0, PgFixture.queryLong(db, "SELECT sum(consecutive_failures) FROM org.hooks WHERE id IN ('"
        + countedListener + "', '" + countedByBoth + "')"), "counted by the delivering round last");
    assertEquals(4, PgFixture.queryLong(db, "SELECT count(*) FROM org.hook_delivery_attempts"));
  }

  /**
   * A round that loses to a deadlock is recorded again, not lost: here one with a hook's deletion, which holds the
   * hook before it deletes its deliveries, while the round holds the deliveries before it counts their hooks. The
   * deletion's session outwaits the round's deadlock_timeout, so PostgreSQL aborts the round's statement; until session
   * 40 that failed the round, the other tenant's delivery with it, and it went out again once its lease lapsed.
   */
  @Test
  void aRoundThatLosesToADeadlockIsRecordedAgain(Vertx vertx) throws InterruptedException {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = roundsOfTheTests(vertx, db);
    var kept = updatedUnderAHook(org, org.newUser("first").token(), "http://localhost:9/kept");
    var deleted = updatedUnderAHook(org, org.newUser("second").token(), "http://localhost:9/deleted");
    var keptDelivery = deliveryOf(db, kept);
    var deletedDelivery = deliveryOf(db, deleted);
    PgFixture.execute(db, "UPDATE org.hooks SET consecutive_failures = 1");
    var pool = Database.open(vertx, db, 2, List.of()).await();
    var deleting = pool.getConnection().await();
    var deletion = deleting.begin().await();
    deleting.query("SET LOCAL deadlock_timeout = '60s'").execute().await();
    deleting.query("SELECT 1 FROM org.hooks WHERE id = '" + deleted.get(1) + "' FOR UPDATE").execute().await();

    var recorded = new DeliveryOutcomes(pool, 3, 60_000, 0).record(List.of(
        new DeliveryOutcomes.Outcome(deletedDelivery, 1, true, 200, null, 5),
        new DeliveryOutcomes.Outcome(keptDelivery, 1, true, 200, null, 5)));
    PgFixture.awaitLockWaits(db, 1);
    var deletes = deleting.query("DELETE FROM org.hooks WHERE id = '" + deleted.get(1) + "'").execute();
    Eventually.holds(() -> PgFixture.queryLong(db, "SELECT count(*) FROM org.hook_deliveries WHERE id = "
        + keptDelivery + " AND state = 'delivered'") == 1, "the other tenant's outcome is recorded");
    deletes.await();
    deletion.commit().await();
    recorded.await();
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.hook_delivery_attempts WHERE delivery_id = "
        + keptDelivery));
  }

  /**
   * A delivery sent while its hook was inactive, failed, and recorded while the hook's activation commits is due
   * again, not parked: the activation's trigger leaves a delivery being sent alone, and a round that read the hook
   * from before the activation parked it at 'infinity' under an active hook, never to be sent.
   */
  @Test
  void aDeliveryRecordedWhileItsHookIsActivatedIsDueAgain(Vertx vertx) throws InterruptedException {
    assertEquals("due", recordedWhileTheHookTurns(vertx, false));
  }

  /**
   * A delivery failed and recorded while its hook's deactivation commits is parked like the hook's others: a round that
   * read the hook from before the deactivation made it due under an inactive hook, neither sent nor ever purged.
   */
  @Test
  void aDeliveryRecordedWhileItsHookIsDeactivatedIsParked(Vertx vertx) throws InterruptedException {
    assertEquals("parked", recordedWhileTheHookTurns(vertx, true));
  }

  /**
   * Records a failed first attempt (to be retried) of a delivery being sent, under a hook {@code active} before, while
   * a transaction turning it the other way is under way and then commits: whether the delivery is then due or parked.
   */
  private static String recordedWhileTheHookTurns(Vertx vertx, boolean active) throws InterruptedException {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = roundsOfTheTests(vertx, db);
    var hook = updatedUnderAHook(org, org.newUser("first").token(), "http://localhost:9/turned");
    var delivery = deliveryOf(db, hook);
    PgFixture.execute(db, "UPDATE org.hook_deliveries SET next_attempt_at = now() + interval '1 minute' WHERE id = "
        + delivery);
    PgFixture.execute(db, "UPDATE org.hooks SET active = " + active + " WHERE id = '" + hook.get(1) + "'");
    var pool = Database.open(vertx, db, 2, List.of()).await();
    var turning = pool.getConnection().await();
    var turn = turning.begin().await();
    turning.query("UPDATE org.hooks SET active = " + !active + " WHERE id = '" + hook.get(1) + "'").execute().await();

    var recorded = new DeliveryOutcomes(pool, 3, 60_000, 0).record(List.of(
        new DeliveryOutcomes.Outcome(delivery, 1, false, 500, null, 5)));
    Eventually.holds(() -> recorded.isComplete() || PgFixture.queryLong(db, "SELECT count(*) FROM pg_stat_activity "
        + "WHERE datname = current_database() AND wait_event_type = 'Lock'") > 0, "the round neither ended nor waited");
    turn.commit().await();
    recorded.await();
    return PgFixture.queryString(db, "SELECT CASE WHEN next_attempt_at = 'infinity' THEN 'parked' ELSE 'due' END "
        + "FROM org.hook_deliveries WHERE id = " + delivery + " AND state = 'pending'");
  }

  /**
   * A hook's deletion that loses a deadlock to a round recording one of its deliveries (the round holds the delivery
   * and waits for the hook, the deletion the other way round) is made again once the round is done: it was 409
   * {@code concurrent_update}, the admin left to retry.
   */
  @Test
  void aHookDeletionThatLosesADeadlockToARoundIsMadeAgain(Vertx vertx) throws Exception {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = roundsOfTheTests(vertx, db);
    var owner = org.newUser("owner");
    var hook = updatedUnderAHook(org, owner.token(), "http://localhost:9/deleted");
    var delivery = deliveryOf(db, hook);
    var round = Database.open(vertx, db, 1, List.of()).await().getConnection().await();
    var recording = round.begin().await();
    // the deletion is the one to find the deadlock, and so its victim
    round.query("SET LOCAL deadlock_timeout = '60s'").execute().await();
    round.query("SELECT 1 FROM org.hook_deliveries WHERE id = " + delivery + " FOR KEY SHARE").execute().await();

    var deleted = CompletableFuture.supplyAsync(() -> org.send(HttpMethod.DELETE, "/v1/organizations/"
        + hook.get(0) + "/hooks/" + hook.get(1), owner.token(), null).statusCode(), task -> new Thread(task).start());
    PgFixture.awaitLockWaits(db, 1);
    round.query("SELECT 1 FROM org.hooks WHERE id = '" + hook.get(1) + "' FOR NO KEY UPDATE").execute().await();
    recording.commit().await();

    assertEquals(204, deleted.get(30, TimeUnit.SECONDS));
    assertEquals(0, PgFixture.queryLong(db, "SELECT count(*) FROM org.hooks WHERE id = '" + hook.get(1) + "'"));
  }

  /** A failed first attempt (500) of each delivery that {@code ids} selects. */
  private static List<DeliveryOutcomes.Outcome> failed(PgUrl db, String ids) {
    return Arrays.stream(PgFixture.queryString(db, "SELECT string_agg(id::text, ',') FROM (" + ids + ") d")
        .split(",")).map(id -> new DeliveryOutcomes.Outcome(Long.parseLong(id), 1, false, 500, null, 5)).toList();
  }

  /** A delivered first attempt of each delivery that {@code ids} selects. */
  private static List<DeliveryOutcomes.Outcome> delivered(PgUrl db, String ids) {
    return Arrays.stream(PgFixture.queryString(db, "SELECT string_agg(id::text, ',') FROM (" + ids + ") d")
        .split(",")).map(id -> new DeliveryOutcomes.Outcome(Long.parseLong(id), 1, true, 200, null, 5)).toList();
  }

  /**
   * A send that fails before any answer is a failed attempt like any other: retried, failed for good after the last
   * attempt, every attempt recorded. One hook's receiver refuses connections; the other's URL, stored before URLs
   * were checked for it, names a port no connection can be made to.
   */
  @Test
  void aSendThatFailsBeforeAnAnswerIsAFailedAttempt(Vertx vertx) throws InterruptedException {
    var closedPort = vertx.createHttpServer().requestHandler(req -> { }).listen(0, "127.0.0.1").await();
    var port = closedPort.actualPort();
    closedPort.close().await();
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = OrgServiceHarness.start(vertx, db, new JsonObject().put("ORGPLANE_HOOKS_ALLOW_PRIVATE_URLS", "true")
        .put("ORGPLANE_HOOK_POLL_MILLIS", "50").put("ORGPLANE_HOOK_RETRY_BASE_MILLIS", "100")
        .put("ORGPLANE_HOOK_MAX_ATTEMPTS", "2"));
    var owner = org.newUser("owner");
    var refused = updatedUnderAHook(org, owner.token(), "http://localhost:" + port + "/events");
    var unreachable = updatedUnderAHook(org, owner.token(), "http://localhost:9/events");
    PgFixture.execute(db, "UPDATE org.hooks SET url = 'http://localhost:70000/events' WHERE id = '"
        + unreachable.get(1) + "'");

    for (var hook : List.of(refused, unreachable)) {
      var where = " FROM org.hook_deliveries WHERE org_id = '" + hook.get(0) + "'";
      Eventually.holds(() -> PgFixture.queryLong(db, "SELECT count(*)" + where + " AND state = 'failed'") == 1,
          "failed for good: " + hook);
      assertEquals(2, PgFixture.queryLong(db, "SELECT attempts" + where));
      assertEquals(2, PgFixture.queryLong(db, "SELECT count(*) FROM org.hook_delivery_attempts WHERE delivery_id = "
          + "(SELECT id" + where + ") AND status_code IS NULL AND error IS NOT NULL"), "both attempts recorded");
    }
  }

  /**
   * A receiver that answers 200 and then trickles its body, a byte at a time, never ending it: the attempt is cut at
   * the deadline (the connection closed, not left to trickle into memory) and recorded as failed. A dispatcher of the
   * test's own sends it, its deadline 2 s instead of the shipped 10, one attempt, the service's own polling once an
   * hour; the receiver trickles as many times within it as within the shipped one.
   */
  @Test
  void anAnswerThatDoesNotEndWithinTheDeadlineIsCutAndAFailedAttempt(Vertx vertx) throws InterruptedException {
    var deadlineMillis = 2_000;
    var asked = new AtomicLong();
    var cut = new AtomicLong();
    var receiver = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      asked.set(System.nanoTime());
      req.response().setChunked(true).write("{");
      var trickle = vertx.setPeriodic(100, id -> req.response().write(" "));
      req.connection().closeHandler(closed -> {
        vertx.cancelTimer(trickle);
        cut.set(System.nanoTime());
      });
    })).listen(0, "127.0.0.1").await();
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = roundsOfTheTests(vertx, db);
    var owner = org.newUser("owner");
    var trickled = updatedUnderAHook(org, owner.token(), "http://localhost:" + receiver.actualPort() + "/events");
    var dispatcher = new HookDispatcher(vertx, Database.open(vertx, db, 1, List.of()).await(), 1, 60_000, 0, true, "",
        deadlineMillis);
    dispatcher.start(50);

    try {
      var where = " FROM org.hook_deliveries WHERE org_id = '" + trickled.get(0) + "'";
      var patience = System.nanoTime() + Duration.ofSeconds(13).toNanos();
      while (cut.get() == 0 && System.nanoTime() < patience) {
        Thread.sleep(50);
      }
      assertTrue(cut.get() != 0, "the connection is still open");
      assertTrue(Duration.ofNanos(cut.get() - asked.get()).toMillis() < deadlineMillis + 1_000, "cut at the deadline");
      Eventually.holds(() -> PgFixture.queryLong(db, "SELECT count(*)" + where + " AND state = 'failed'") == 1,
          "recorded failed");
      assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.hook_delivery_attempts WHERE delivery_id = "
          + "(SELECT id" + where + ") AND error IS NOT NULL AND duration_ms BETWEEN " + deadlineMillis + " AND "
          + (deadlineMillis + 1_000)));
    } finally {
      dispatcher.stop();
    }
  }

  /** A new organization (its id first) with a hook (its id second) on {@code url}, then updated once. */
  private static List<String> updatedUnderAHook(OrgServiceHarness org, String token, String url) {
    var orgId = org.createOrg(token, "round-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var hook = org.post("/v1/organizations/" + orgId + "/hooks", token, new JsonObject().put("name", "round")
        .put("url", url).put("events", new JsonArray().add("organization.updated")));
    assertEquals(201, hook.statusCode(), hook.bodyAsString());
    org.send(HttpMethod.PATCH, "/v1/organizations/" + orgId, token, new JsonObject().put("title", "Changed"));
    return List.of(orgId, hook.bodyAsJsonObject().getString("id"));
  }

  private static String hookOf(OrgServiceHarness org, String token, String orgId, String name, JsonArray events) {
    var hook = org.post("/v1/organizations/" + orgId + "/hooks", token, new JsonObject().put("name", name)
        .put("url", "http://localhost:9/" + name).put("events", events));
    assertEquals(201, hook.statusCode(), hook.bodyAsString());
    return hook.bodyAsJsonObject().getString("id");
  }

  private static long deliveryTo(PgUrl db, String hook) {
    return PgFixture.queryLong(db, "SELECT id FROM org.hook_deliveries WHERE hook_id = '" + hook + "'");
  }

  /** The one delivery queued for the organization, as its first attempt had just claimed it. */
  private static long deliveryOf(PgUrl db, List<String> orgAndHook) {
    var where = " WHERE org_id = '" + orgAndHook.get(0) + "'";
    PgFixture.execute(db, "UPDATE org.hook_deliveries SET attempts = 1" + where);
    return PgFixture.queryLong(db, "SELECT id FROM org.hook_deliveries" + where);
  }

  /**
   * org-service on {@code db}, its hooks allowed to private addresses and its own rounds an hour apart: the tests run
   * the rounds they look at themselves.
   */
  private static OrgServiceHarness roundsOfTheTests(Vertx vertx, PgUrl db) {
    return OrgServiceHarness.start(vertx, db, new JsonObject().put("ORGPLANE_HOOKS_ALLOW_PRIVATE_URLS", "true")
        .put("ORGPLANE_HOOK_POLL_MILLIS", "3600000"));
  }
}
