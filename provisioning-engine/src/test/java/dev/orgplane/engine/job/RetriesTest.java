package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.copy.api.CopyFailure;
import dev.orgplane.copy.api.OrgApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.impl.NoStackTraceTimeoutException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.DatabaseException;
import java.net.ConnectException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class RetriesTest {

  private static final Vertx VERTX = Vertx.vertx();
  /** Fewer than the shipped 8: a write whose key stays in use then outlasts them within seconds. */
  private static final int ATTEMPTS = 2;
  private final Retries retries = new Retries(VERTX, ATTEMPTS);
  private final AtomicInteger attempts = new AtomicInteger();

  @AfterAll
  static void close() {
    VERTX.close().await();
  }

  /** Work that fails with {@code failure} every time, counting its attempts. */
  private Future<Void> failing(Throwable failure) {
    attempts.incrementAndGet();
    return Future.failedFuture(failure);
  }

  private static Throwable failureOf(Future<?> work) {
    return assertThrows(ExecutionException.class,
        () -> work.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS)).getCause();
  }

  private static DatabaseException database(String sqlState) {
    return new DatabaseException("failed", 0, sqlState) {
    };
  }

  /** Every try's wait is a timer Vert.x takes (above 0) and at most 5 s, however many tries the engine is given. */
  @Test
  void everyWaitBetweenTriesIsPositiveAndAtMostFiveSeconds() {
    for (int attempt = 0; attempt < JobRunner.RunnerSettings.MOST_RETRY_ATTEMPTS; attempt++) {
      var wait = Retries.backoffMillis(attempt);
      assertTrue(wait >= 250 && wait <= 5_000, "the wait after try " + attempt + ": " + wait + " ms");
    }
  }

  @Test
  void failuresOfTheConnectionPass() {
    for (var passing : new Throwable[] {new ConnectException("refused"), new HttpClosedException("closed"),
        new NoStackTraceTimeoutException("slow"), ClosedConnectionException.INSTANCE, database("08006"),
        database("57P01"), new OrgApiException(503, "unavailable", "down", null)}) {
      assertTrue(Retries.transientFailure(passing), passing.toString());
    }
  }

  @Test
  void aFailureGivenAsAMessageOrARefusalDoesNot() {
    for (var lasting : new Throwable[] {Future.failedFuture("no").cause(), new CopyFailure("bad", "bad", null),
        new IllegalStateException("bug"), database("23505"), new OrgApiException(422, "invalid", "no", null)}) {
      assertFalse(Retries.transientFailure(lasting), lasting.toString());
    }
  }

  /** A page's write tried again while its earlier try still runs under the same key is tried again, for its answer. */
  @Test
  void aWriteStillRunningUnderItsKeyPassesAnotherConflictDoesNot() {
    var stillRunning = new OrgApiException(409, OrgApiException.IDEMPOTENCY_KEY_IN_USE, "still running", null);
    assertTrue(Retries.transientFailure(stillRunning));
    assertFalse(Retries.transientFailure(new OrgApiException(409, "name_taken", "taken", null)));
  }

  /** A write org-service rolled back as it lost a race passes; one naming something deleted meanwhile does not. */
  @Test
  void aWriteThatLostARacePassesOneWhoseReferenceIsGoneDoesNot() {
    assertTrue(Retries.transientFailure(new OrgApiException(409, OrgApiException.CONCURRENT_UPDATE, "lost", null)));
    assertFalse(Retries.transientFailure(new OrgApiException(409, "reference_gone", "gone", null)));
  }

  /**
   * A write whose key stays in use past the attempts of a passing failure is tried again, as often as org-service's
   * {@code Retry-After} says, until the earlier try's answer comes.
   */
  @Test
  void aWriteWhoseKeyStaysInUseSpendsNoAttempts() throws Exception {
    var stillRunning = new OrgApiException(409, OrgApiException.IDEMPOTENCY_KEY_IN_USE, "still running", null, 1);

    retries.of("a page", () -> attempts.get() <= ATTEMPTS ? failing(stillRunning) : Future.<Void>succeededFuture())
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

    assertEquals(ATTEMPTS + 1, attempts.get(), "refused more times than its attempts, then answered");
  }

  /** org-service gone under a stopping engine: the page is given up, and its job handed back, not failed. */
  @Test
  void aHaltedRunsWorkFailingForAPassingReasonIsGivenUpAtOnce() {
    var failure = failureOf(retries.unlessHalted("a page", () -> failing(new ConnectException("refused")), () -> true));

    assertInstanceOf(Retries.Halted.class, failure);
    assertEquals(1, attempts.get());
  }

  @Test
  void aRunHaltedWhileItsWorkWaitsToBeTriedAgainGivesItUpThen() {
    var halted = new AtomicBoolean();

    var failure = failureOf(retries.unlessHalted("a page", () -> {
      // halted within the first wait, half a second
      VERTX.setTimer(100, fired -> halted.set(true));
      return failing(new OrgApiException(503, "unavailable", "stopping", null));
    }, halted::get));

    assertInstanceOf(Retries.Halted.class, failure);
    assertEquals(1, attempts.get());
  }

  /** A refusal is the job's failure, whether or not its run stops. */
  @Test
  void aHaltedRunsRefusedWorkStillFails() {
    var failure = failureOf(retries.unlessHalted("a page",
        () -> failing(new OrgApiException(422, "invalid", "no", null)), () -> true));

    assertInstanceOf(CopyFailure.class, failure);
  }
}
