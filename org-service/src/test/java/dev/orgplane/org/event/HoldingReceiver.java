package dev.orgplane.org.event;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A slow receiver on this machine whose answers wait until the test lets them go: a test of what the dispatcher does
 * while sends wait for their answers then knows they still wait. Answered on a timer instead (in 2 s, 4 s), they had
 * come before a loaded machine showed what was to happen meanwhile.
 */
final class HoldingReceiver {

  private final Vertx vertx;
  private final Duration afterRelease;
  private final List<HttpServerResponse> held = new ArrayList<>();
  private final HttpServer server;
  private int received;
  private boolean released;

  private HoldingReceiver(Vertx vertx, Duration afterRelease) {
    this.vertx = vertx;
    this.afterRelease = afterRelease;
    this.server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> came(req.response())))
        .listen(0, "127.0.0.1").await();
  }

  /** Holds every answer until {@link #release}, then answers each delivery {@code afterRelease} after it comes. */
  static HoldingReceiver started(Vertx vertx, Duration afterRelease) {
    return new HoldingReceiver(vertx, afterRelease);
  }

  int port() {
    return server.actualPort();
  }

  /** How many deliveries came, answered or not. */
  synchronized int received() {
    return received;
  }

  /**
   * Whether every delivery held still waits for its answer: none was given up on by its sender, whose attempts end by
   * their deadline (10 s).
   */
  synchronized boolean noneGivenUp() {
    return held.stream().noneMatch(HttpServerResponse::closed);
  }

  /** Answers the deliveries held, and from now on each one {@code afterRelease} after it comes. */
  synchronized void release() {
    released = true;
    held.stream().filter(response -> !response.closed()).forEach(HttpServerResponse::end);
    held.clear();
  }

  private synchronized void came(HttpServerResponse response) {
    received++;
    if (released) {
      vertx.setTimer(Math.max(1, afterRelease.toMillis()), timer -> response.end());
    } else {
      held.add(response);
    }
  }
}
