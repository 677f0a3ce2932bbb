package dev.orgplane.kit.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TokenRevocationsTest {

  private final Vertx vertx = Vertx.vertx();
  /** The reads the revocations asked for, answered when a test says so. */
  private final Queue<Promise<TokenRevocations.Snapshot>> reads = new ConcurrentLinkedQueue<>();
  private final TokenRevocations revocations = new TokenRevocations(vertx, () -> {
    var read = Promise.<TokenRevocations.Snapshot>promise();
    reads.add(read);
    return read.future();
  });

  @AfterEach
  void stop() {
    revocations.stop();
    vertx.close();
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
    var deadline = System.currentTimeMillis() + 5_000;
    while (reads.isEmpty()) {
      assertTrue(System.currentTimeMillis() < deadline, "no read asked for in 5 s");
      Thread.sleep(5);
    }
    return reads.remove();
  }

  @Test
  void tokensIssuedBeforeTheirSubjectsSessionsEndedOrForARevokedCredentialAreRefused() throws Exception {
    var started = revocations.start(3_600_000);
    nextRead().complete(new TokenRevocations.Snapshot(Map.of("alice", 100L), Set.of("c1")));
    assertTrue(started.succeeded());

    assertTrue(revocations.test(token("alice", 99, null)));
    assertFalse(revocations.test(token("alice", 100, null)), "issued in the second of the end: after it");
    assertFalse(revocations.test(token("bob", 1, null)));
    assertTrue(revocations.test(token("bot", 500, "c1")));
    assertFalse(revocations.test(token("bot", 500, "c2")));
  }

  @Test
  void whatThisInstanceEndedCountsAtOnceAndSurvivesAReadThatBeganBeforeIt() throws Exception {
    revocations.start(3_600_000);
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
    var started = revocations.start(20);
    nextRead().complete(new TokenRevocations.Snapshot(Map.of("alice", 100L), Set.of()));
    assertTrue(started.succeeded());

    nextRead().fail(new IllegalStateException("org-service down"));
    assertTrue(revocations.test(token("alice", 99, null)), "the last list holds");

    nextRead().complete(new TokenRevocations.Snapshot(Map.of(), Set.of("c1")));
    assertFalse(revocations.test(token("alice", 99, null)), "a later read replaces it");
    assertTrue(revocations.test(token("bot", 1, "c1")));
  }

  @Test
  void whatOneInstanceEndsTheOthersInItsProcessRefuseAtOnce() throws Exception {
    var other = new TokenRevocations(vertx, () -> io.vertx.core.Future.succeededFuture(TokenRevocations.Snapshot.EMPTY));
    try {
      var otherStarted = other.start(3_600_000);
      revocations.start(3_600_000);
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
  void theListCrossesTheWireUnchanged() {
    var snapshot = new TokenRevocations.Snapshot(Map.of("alice", 100L, "bob", 200L), Set.of("c1", "c2"));
    assertEquals(snapshot, TokenRevocations.Snapshot.fromJson(new JsonObject(snapshot.toJson().encode())));
  }
}
