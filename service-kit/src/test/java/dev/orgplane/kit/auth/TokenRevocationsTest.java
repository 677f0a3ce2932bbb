package dev.orgplane.kit.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.config.ConfigException;
import dev.orgplane.kit.config.Settings;
import dev.orgplane.kit.testing.Eventually;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TokenRevocationsTest {

  private final Vertx vertx = Vertx.vertx();
  /** The reads the revocations asked for, answered when a test says so. */
  private final Queue<Promise<TokenRevocations.Snapshot>> reads = new ConcurrentLinkedQueue<>();
  private TokenRevocations revocations;

  @AfterEach
  void stop() {
    if (revocations != null) {
      revocations.stop();
    }
    vertx.close();
  }

  /** Starts reading every {@code reloadMillis}, the list good for an hour. */
  private Future<Void> start(long reloadMillis) {
    return start(new TokenRevocations.Schedule(reloadMillis, 3_600_000));
  }

  private Future<Void> start(TokenRevocations.Schedule schedule) {
    revocations = new TokenRevocations(vertx, () -> {
      var read = Promise.<TokenRevocations.Snapshot>promise();
      reads.add(read);
      return read.future();
    }, schedule);
    return revocations.start();
  }

  /** Answers each read asked for with an empty list until {@code condition} holds. */
  private void answerReadsUntil(BooleanSupplier condition) throws InterruptedException {
    Eventually.holds(() -> {
      var read = reads.poll();
      if (read != null) {
        read.tryComplete(TokenRevocations.Snapshot.EMPTY);
      }
      return condition.getAsBoolean();
    }, "no read answered made the list fresh");
  }

  private static Principal token(String subject, long issuedAt, String credential) {
    var claims = new JsonObject().put("sub", subject).put("iat", issuedAt);
    if (credential != null) {
      claims.put(TokenRevocations.CREDENTIAL_CLAIM, credential);
    }
    return Principal.fromClaims(claims);
  }

  /** The next read the revocations ask for, once they have. */
  private Promise<TokenRevocations.Snapshot> nextRead() throws InterruptedException {
    var deadline = System.currentTimeMillis() + 10_000;
    while (reads.isEmpty()) {
      assertTrue(System.currentTimeMillis() < deadline, "no read asked for in 10 s");
      Thread.sleep(5);
    }
    return reads.remove();
  }

  @Test
  void tokensIssuedBeforeTheirSubjectsSessionsEndedOrForARevokedCredentialAreRefused() throws Exception {
    var started = start(3_600_000);
    nextRead().complete(new TokenRevocations.Snapshot(Map.of("alice", 100L), Set.of("c1")));
    // the start completes on the event loop, after the read this thread answered: waited for, not looked at at once
    started.await();

    assertTrue(revocations.test(token("alice", 99, null)));
    assertFalse(revocations.test(token("alice", 100, null)), "issued in the second of the end: after it");
    assertFalse(revocations.test(token("bob", 1, null)));
    assertTrue(revocations.test(token("bot", 500, "c1")));
    assertFalse(revocations.test(token("bot", 500, "c2")));
  }

  @Test
  void whatThisInstanceEndedCountsAtOnceAndSurvivesAReadThatBeganBeforeIt() throws Exception {
    start(3_600_000);
    var readBeforeTheCommits = nextRead();

    revocations.markEnded("alice", 100);
    revocations.markRevoked("c1");
    assertTrue(revocations.test(token("alice", 99, null)), "at once");
    assertTrue(revocations.test(token("bot", 1, "c1")));

    readBeforeTheCommits.complete(TokenRevocations.Snapshot.EMPTY);
    assertTrue(revocations.test(token("alice", 99, null)), "marked here, not yet read: still refused");
    assertTrue(revocations.test(token("bot", 1, "c1")));
  }

  @Test
  void aFailedReadKeepsTheLastListAndTheNextPeriodReadsAgain() throws Exception {
    var started = start(20);
    nextRead().complete(new TokenRevocations.Snapshot(Map.of("alice", 100L), Set.of()));
    // a read's answer is taken on the event loop, a moment after the test thread gave it
    started.await();

    nextRead().fail(new IllegalStateException("org-service down"));
    // the next period's read is asked for only once the failure was taken, so the list is looked at after it
    var next = nextRead();
    assertTrue(revocations.test(token("alice", 99, null)), "the last list holds");

    next.complete(new TokenRevocations.Snapshot(Map.of(), Set.of("c1")));
    Eventually.holds(() -> !revocations.test(token("alice", 99, null)), "a later read did not replace it");
    assertTrue(revocations.test(token("bot", 1, "c1")));
  }

  @Test
  void whatOneInstanceEndsTheOthersInItsProcessRefuseAtOnce() throws Exception {
    var other = new TokenRevocations(vertx, () -> Future.succeededFuture(TokenRevocations.Snapshot.EMPTY),
        new TokenRevocations.Schedule(3_600_000, 3_600_000));
    try {
      var otherStarted = other.start();
      start(3_600_000);
      nextRead().complete(TokenRevocations.Snapshot.EMPTY);
      otherStarted.await();

      revocations.markEnded("alice", 100);
      revocations.markRevoked("c1");

      // at once, not once the event bus has brought the marks: a busy event loop may run a request it read first
      assertTrue(other.test(token("alice", 99, null)), "the other instance took an ended session's token");
      assertTrue(other.test(token("bot", 1, "c1")), "the other instance took a revoked credential's token");
      assertFalse(other.test(token("alice", 100, null)));
    } finally {
      other.stop();
    }
  }

  @Test
  void aListNeverReadIsNotFresh() throws Exception {
    var started = start(3_600_000);
    var first = nextRead();
    assertFalse(revocations.fresh(), "no list yet: a token withdrawn before the start would be taken");
    assertTrue(revocations.freshOrFail().failed());

    first.complete(TokenRevocations.Snapshot.EMPTY);
    started.await();
    assertTrue(revocations.fresh());
    assertTrue(revocations.freshOrFail().succeeded());
  }

  @Test
  void aListNotReadAgainWithinTheBoundIsNoLongerFreshUntilAReadSucceeds() throws Exception {
    // a read is given up at half the bound: one answered later than that by a busy test thread is asked again
    var maxStalenessMillis = 2_000;
    var startedAt = System.nanoTime();
    start(new TokenRevocations.Schedule(20, maxStalenessMillis));
    answerReadsUntil(revocations::fresh);

    while (revocations.fresh()) {
      nextRead().fail(new IllegalStateException("org-service down"));
    }
    assertTrue(System.nanoTime() - startedAt >= maxStalenessMillis * 1_000_000L, "stale before its bound");
    assertTrue(revocations.freshOrFail().failed());

    answerReadsUntil(revocations::fresh);
  }

  @Test
  void aReadUnderWayIsNotAskedForAgainByTheNextPeriods() throws Exception {
    // every period asked again, and a source that hangs piled up reads, whose late answers could replace newer lists
    start(20);
    var hung = nextRead();
    Thread.sleep(300);
    assertTrue(reads.isEmpty(), reads.size() + " more reads asked for while the first was under way");

    hung.complete(TokenRevocations.Snapshot.EMPTY);
    nextRead();
  }

  @Test
  void aReadThatNeverAnswersIsGivenUpAtHalfTheBoundAndItsLateAnswerIgnored() throws Exception {
    // a read that never answered (a database connection gone silent) held off every later one: stale until restart
    var started = start(new TokenRevocations.Schedule(20, 200));
    nextRead().complete(TokenRevocations.Snapshot.EMPTY);
    started.await();
    var hung = nextRead();

    while (revocations.fresh()) {
      nextRead().fail(new IllegalStateException("org-service down"));
    }
    nextRead().complete(new TokenRevocations.Snapshot(Map.of(), Set.of("c1")));
    Eventually.holds(revocations::fresh, "not fresh once a read after the hung one answered");

    hung.complete(new TokenRevocations.Snapshot(Map.of("alice", 100L), Set.of()));
    assertTrue(revocations.test(token("bot", 1, "c1")), "the given-up read's late answer replaced a newer list");
    assertFalse(revocations.test(token("alice", 99, null)));
  }

  @Test
  void theBoundIsAtLeastTwoReloadPeriods() {
    var settings = new Settings(new JsonObject().put("ORGPLANE_REVOCATION_RELOAD_MILLIS", "5000")
        .put("ORGPLANE_REVOCATION_MAX_STALENESS_SECONDS", "10"));
    assertEquals(new TokenRevocations.Schedule(5000, 10_000), TokenRevocations.Schedule.from(settings));

    var refused = assertThrows(ConfigException.class, () -> TokenRevocations.Schedule.from(settings.with(
        new JsonObject().put("ORGPLANE_REVOCATION_MAX_STALENESS_SECONDS", "9"))));
    assertEquals("ORGPLANE_REVOCATION_MAX_STALENESS_SECONDS must be at least twice ORGPLANE_REVOCATION_RELOAD_MILLIS "
        + "(10 s), got 9", refused.getMessage());
  }

  @Test
  void theListCrossesTheWireUnchanged() {
    var snapshot = new TokenRevocations.Snapshot(Map.of("alice", 100L, "bob", 200L), Set.of("c1", "c2"));
    assertEquals(snapshot, TokenRevocations.Snapshot.fromJson(new JsonObject(snapshot.toJson().encode())));
  }
}
