package dev.orgplane.gateway.routing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The route's timeout over an answer on Vert.x's client, from its head to its end, as an idle timeout: it fires when
 * nothing arrived for that long, as on the Netty path ({@link UpstreamExchange}), so an event stream lives while it
 * talks. Vert.x's client counts its own idle timeout until the answer's head only, so an upstream that fell silent
 * midway held its caller for ever. Firing resets the upstream request, which fails the answer.
 */
final class AnswerIdleTimeout {

  private final Vertx vertx;
  private final HttpClientRequest request;
  private final long timeoutMillis;
  private long lastHeard = System.nanoTime();
  private long timer;

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

  /** The answer ended or broke. */
  void stop() {
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
