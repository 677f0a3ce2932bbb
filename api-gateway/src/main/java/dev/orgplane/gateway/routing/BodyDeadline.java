package dev.orgplane.gateway.routing;

import io.vertx.core.Vertx;

/**
 * How long a client may take to send its request's body: a budget of the time the gateway spends waiting for it. The
 * clock stops while the body waits on the gateway's side instead, for a connection to the upstream or for the upstream
 * to take what was sent: that time is the upstream's, measured by the route's timeout, so a busy pool or a slow
 * upstream never counts against the client, nor a slow client against the upstream.
 */
final class BodyDeadline {

  private final Vertx vertx;
  private long leftMillis;
  private long runningSince;
  private long timer = -1;

  BodyDeadline(Vertx vertx, long budgetMillis) {
    this.vertx = vertx;
    this.leftMillis = budgetMillis;
  }

  /** The gateway waits for the client's body: the clock runs, and {@code expired} runs once the budget is spent. */
  void run(Runnable expired) {
    if (timer == -1) {
      runningSince = System.currentTimeMillis();
      timer = vertx.setTimer(Math.max(1, leftMillis), id -> {
        timer = -1;
        expired.run();
      });
    }
  }

  /** The body is complete, or it waits on the gateway's side: the clock stops. */
  void stop() {
    if (timer != -1) {
      vertx.cancelTimer(timer);
      timer = -1;
      leftMillis -= System.currentTimeMillis() - runningSince;
    }
  }
}
