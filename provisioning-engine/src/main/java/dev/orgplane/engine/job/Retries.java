package dev.orgplane.engine.job;

import dev.orgplane.copy.api.CopyFailure;
import dev.orgplane.copy.api.OrgApiException;
import dev.orgplane.kit.http.IdempotencyKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.StreamResetException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.DatabaseException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work of a job retried with backoff while it fails for a passing reason (org-service restarting, a network
 * error); a refusal fails at once, as a {@link CopyFailure} the job's error shows. Work of a run that has been halted
 * (its engine stopping, its lease lost) is not tried again ({@link #unlessHalted}). A write whose earlier try still
 * holds its {@code Idempotency-Key} at org-service is waited for apart from that ({@link #KEY_HOLD_MILLIS}).
 */
public final class Retries {

  private static final Logger LOG = LoggerFactory.getLogger(Retries.class);
  /**
   * How long a write refused {@code idempotency_key_in_use} is tried again, from the first such refusal, without
   * spending its attempts: the earlier try's answer comes when it ends, and a key whose holder died is freed at the
   * latest when its hold lapses, after which the next try runs. The attempts alone (8, 22 s) gave up on a page whose
   * earlier try was still running, and on one whose key a dead holder held, though either would have succeeded.
   */
  private static final long KEY_HOLD_MILLIS = (IdempotencyKeys.UNFINISHED_SECONDS + 10) * 1000L;
  /** The longest wait between two tries of a write whose key is in use, whatever its {@code Retry-After} says. */
  private static final long MAX_KEY_WAIT_MILLIS = 10_000;
  /** The wait between two such tries when org-service did not say. */
  private static final long KEY_WAIT_MILLIS = 1_000;

  private final Vertx vertx;
  /** Tries of work failing for a passing reason before it fails ({@code ORGPLANE_ENGINE_RETRY_ATTEMPTS}). */
  private static final long MAX_BACKOFF_MILLIS = 5_000;
  private final int maxAttempts;

  Retries(Vertx vertx, int maxAttempts) {
    this.vertx = vertx;
    this.maxAttempts = maxAttempts;
  }

  <T> Future<T> of(String what, Supplier<Future<T>> work) {
    return unlessHalted(what, work, () -> false);
  }

  /**
   * As {@link #of}, but once {@code halted} says the run stops, a passing failure is not tried again: it fails
   * {@link Halted}, which ends the run without recording anything, as a lost lease does. A stopping engine then hands
   * the job back to resume at the next start: in standalone org-service stops with the engine, and until session 33 a
   * page that found it gone was tried again for 22 s, then failed its job {@code copy_error}.
   */
  <T> Future<T> unlessHalted(String what, Supplier<Future<T>> work, BooleanSupplier halted) {
    return attempt(what, work, halted, new Tries());
  }

  /** How much of its budgets one piece of work has spent. */
  private static final class Tries {
    private int attempts = 1;
    /** When, in {@link System#nanoTime} terms, the wait for a key in use ends; null until a try met one. */
    private Long keyWaitEnds;

    /** Whether a try refused because its key is in use is tried again without spending an attempt. */
    boolean waitForKey(Throwable failure) {
      if (!(failure instanceof OrgApiException refused && refused.keyInUse())) {
        return false;
      }
      if (keyWaitEnds == null) {
        keyWaitEnds = System.nanoTime() + KEY_HOLD_MILLIS * 1_000_000L;
      }
      return System.nanoTime() - keyWaitEnds < 0;
    }
  }

  private <T> Future<T> attempt(String what, Supplier<Future<T>> work, BooleanSupplier halted, Tries tries) {
    // through compose, a plugin that throws instead of failing its future fails the page like one that failed it:
    // thrown out of here, the exception would escape the job's chain and leave the job running for ever
    return Future.<Void>succeededFuture().compose(v -> work.get()).recover(failure -> {
      if (transientFailure(failure) && halted.getAsBoolean()) {
        LOG.info("{} failed ({}) as its run stops: not retried", what, failure.toString());
        return Future.failedFuture(new Halted(what));
      }
      var waitForKey = tries.waitForKey(failure);
      if (!transientFailure(failure) || !waitForKey && tries.attempts >= maxAttempts) {
        return Future.failedFuture(failure instanceof OrgApiException refused && !refused.retryable()
            ? new CopyFailure(refused.code(), refused.detail(), null, refused.errors()) : failure);
      }
      long delay;
      if (waitForKey) {
        var retryAfter = ((OrgApiException) failure).retryAfterSeconds();
        delay = retryAfter > 0 ? Math.min(MAX_KEY_WAIT_MILLIS, retryAfter * 1000) : KEY_WAIT_MILLIS;
      } else {
        delay = backoffMillis(tries.attempts);
        tries.attempts++;
      }
      LOG.info("{} failed ({}), retrying in {} ms", what, failure.toString(), delay);
      // halted while it waits, it is given up then: the stop waits for this run
      return vertx.timer(delay).compose(v -> halted.getAsBoolean() ? Future.failedFuture(new Halted(what))
          : attempt(what, work, halted, tries));
    });
  }

  /**
   * The wait after the {@code attempt}-th try (from 0) failed for a passing reason: doubling from 250 ms, 5 s at most.
   * The shift is bounded: a long's shift counts only its distance's low six bits, so past 55 tries the wait turned
   * negative (a timer Vert.x refuses, failing the job) with ORGPLANE_ENGINE_RETRY_ATTEMPTS set high.
   */
  static long backoffMillis(int attempt) {
    return Math.min(MAX_BACKOFF_MILLIS, 250L << Math.min(attempt, 5));
  }

  /** Work given up for a passing failure because its run stops: no failure of the job. */
  static final class Halted extends RuntimeException {
    Halted(String what) {
      super(what + " was given up as its run stops", null, false, false);
    }
  }

  /**
   * Failures of the network or of a service that is down or busy; anything else will not pass by itself. Not any
   * {@code VertxException}: {@code Future.failedFuture("...")} fails with one too, and a plugin's refusal given so
   * must fail the job at once, not after minutes of retries.
   */
  public static boolean transientFailure(Throwable failure) {
    if (failure instanceof OrgApiException refused) {
      return refused.retryable();
    }
    if (failure instanceof DatabaseException database) {
      return databaseUnreachable(database.getSqlState());
    }
    return failure instanceof IOException || failure instanceof TimeoutException
        || failure instanceof HttpClosedException || failure instanceof StreamResetException
        || failure instanceof ConnectionPoolTooBusyException || failure instanceof ClosedConnectionException;
  }

  /** Connection exceptions (class 08), and a server shutting down or not accepting connections yet (57P). */
  private static boolean databaseUnreachable(String sqlState) {
    return sqlState != null && (sqlState.startsWith("08") || sqlState.startsWith("57P"));
  }
}
