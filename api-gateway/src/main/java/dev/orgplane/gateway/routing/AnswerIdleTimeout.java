package dev.orgplane.gateway.routing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The route's timeout over an answer on Vert.x's client, from its head to its end, as an idle timeout: it fires when
 * nothing arrived for that long, as on the Netty path ({@link UpstreamExchange}), so an event stream lives while it
 * talks. Vert.x's client counts its own idle timeout until the answer's head only, so an upstream that fell silent
 * midway held its caller for ever. Firing resets the upstream request, which fails the answer. It counts only while
 * the gateway reads the answer: while the caller's write queue is full the gateway stops reading, and the upstream's
 * silence is then the gateway's doing, so a slow caller's stream is not reset as if its upstream had fallen silent
 * (one that takes nothing at all is closed by the door's idle timeout, nothing going either way on its connection).
 */
final class AnswerIdleTimeout {

  private final Vertx vertx;
  private final HttpClientRequest request;
  private final long timeoutMillis;
  private long lastHeard = System.nanoTime();
  private long timer;
  private boolean waitingForCaller;

  /** Starts the clock: the answer's head has just arrived. */
  AnswerIdleTimeout(Vertx vertx, HttpClientRequest request, long timeoutMillis) {
    this.vertx = vertx;
    this.request = request;
    this.timeoutMillis = timeoutMillis;
    this.timer = vertx.setTimer(timeoutMillis, this::check);
  }

  /** Something of the answer arrived. */
  void heard() {
    lastHeard = System.nanoTime();
  }

  /**
   * The caller's write queue is full: {@code answer} is paused, and the clock with it, until the caller has taken
   * enough of it; the clock starts again when the gateway reads on.
   */
  void pauseFor(HttpServerResponse caller, HttpClientResponse answer) {
    answer.pause();
    if (!waitingForCaller) {
      waitingForCaller = true;
      vertx.cancelTimer(timer);
    }
    caller.drainHandler(drained -> {
      if (waitingForCaller) {
        waitingForCaller = false;
        lastHeard = System.nanoTime();
        timer = vertx.setTimer(timeoutMillis, this::check);
      }
      answer.resume();
    });
  }

  /** The answer ended or broke. */
  void stop() {
    waitingForCaller = false;
    vertx.cancelTimer(timer);
  }

  private void check(long fired) {
    long silentMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastHeard);
    if (silentMillis < timeoutMillis) {
      timer = vertx.setTimer(timeoutMillis - silentMillis, this::check);
    } else {
      request.reset(0, new TimeoutException("nothing of the answer arrived for " + timeoutMillis + " ms"));
    }
  }
}
