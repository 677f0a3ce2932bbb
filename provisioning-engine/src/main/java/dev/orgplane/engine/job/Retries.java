package dev.orgplane.engine.job;

import dev.orgplane.copy.api.CopyFailure;
import dev.orgplane.copy.api.OrgApiException;
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
 * (its engine stopping, its lease lost) is not tried again ({@link #unlessHalted}).
 */
public final class Retries {

  private static final Logger LOG = LoggerFactory.getLogger(Retries.class);
  private static final int MAX_ATTEMPTS = 8;

  private final Vertx vertx;

  Retries(Vertx vertx) {
    this.vertx = vertx;
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
    return attempt(what, work, halted, 1);
  }

  private <T> Future<T> attempt(String what, Supplier<Future<T>> work, BooleanSupplier halted, int attempt) {
    // through compose, a plugin that throws instead of failing its future fails the page like one that failed it:
    // thrown out of here, the exception would escape the job's chain and leave the job running for ever
    return Future.<Void>succeededFuture().compose(v -> work.get()).recover(failure -> {
      if (transientFailure(failure) && halted.getAsBoolean()) {
        LOG.info("{} failed ({}) as its run stops: not retried", what, failure.toString());
        return Future.failedFuture(new Halted(what));
      }
      if (!transientFailure(failure) || attempt >= MAX_ATTEMPTS) {
        return Future.failedFuture(failure instanceof OrgApiException refused && !refused.retryable()
            ? new CopyFailure(refused.code(), refused.getMessage(), null, refused.errors()) : failure);
      }
      var delay = Math.min(5_000L, 250L << attempt);
      LOG.info("{} failed ({}), retrying in {} ms", what, failure.toString(), delay);
      // halted while it waits, it is given up then: the stop waits for this run
      return vertx.timer(delay).compose(v -> halted.getAsBoolean() ? Future.failedFuture(new Halted(what))
          : attempt(what, work, halted, attempt + 1));
    });
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
