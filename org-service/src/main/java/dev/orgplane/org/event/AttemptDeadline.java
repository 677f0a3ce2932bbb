package dev.orgplane.org.event;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeoutException;

/**
 * The one deadline of a delivery's attempt, running from the attempt's start, its host's lookup included. Once it
 * passes the attempt goes no further: a step it waits on is given up ({@link #bound}), so a lookup answering later
 * leads to no POST, and what it has under way is stopped ({@link #onPass}: its request reset). Until session 33 the
 * round gave up on an attempt after 15 s while the attempt went on underneath, and its POST went out unrecorded.
 */
final class AttemptDeadline {

  private final Vertx vertx;
  private final long started = System.nanoTime();
  private final Promise<Void> passed = Promise.promise();
  private final long timer;

  AttemptDeadline(Vertx vertx, long millis) {
    this.vertx = vertx;
    this.timer = vertx.setTimer(millis,
        id -> passed.fail(new TimeoutException("the attempt had not ended within " + millis + " ms")));
  }

  /** {@code step}'s outcome, or this deadline's failure if it passes first (the step's later outcome is dropped). */
  <T> Future<T> bound(Future<T> step) {
    Promise<T> bounded = Promise.promise();
    step.onComplete(bounded::tryComplete, bounded::tryFail);
    passed.future().onFailure(bounded::tryFail);
    return bounded.future();
  }

  /** Runs {@code stop} with the deadline's failure when it passes (never, once {@link #cancel}led). */
  void onPass(Handler<Throwable> stop) {
    passed.future().onFailure(stop);
  }

  /** Whether it has passed: safe to ask from any thread (a lookup's worker asks before it starts). */
  boolean hasPassed() {
    return passed.future().isComplete();
  }

  long elapsedMillis() {
    return (System.nanoTime() - started) / 1_000_000;
  }

  /** The attempt has ended: the deadline no longer passes. */
  void cancel() {
    vertx.cancelTimer(timer);
  }
}
