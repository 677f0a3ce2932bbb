package dev.orgplane.gateway.routing;

import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * How many of Vert.x's pooled connections to each upstream the requests with a body hold, on one gateway event loop
 * (whose client and pool they are): Vert.x fails a request that got no connection in time the same way whether it
 * waited for a busy pool or for a connection that would not open, and only the second is the upstream's failure.
 * A request holds its connection from the moment it gets one until its answer ended or failed. Key fetches and token
 * exchanges share the pool of org-service's address uncounted: a wait they made too long still counts as the
 * upstream's.
 */
final class HeldConnections {

  private final int limit;
  private final Map<URI, Integer> held = new HashMap<>();

  HeldConnections(int limit) {
    this.limit = limit;
  }

  void hold(URI upstream, HttpClientRequest request) {
    held.merge(upstream, 1, Integer::sum);
    request.response().compose(HttpClientResponse::end)
        .onComplete(released -> held.merge(upstream, -1, Integer::sum));
  }

  /** Whether requests with a body hold every connection to {@code upstream} the pool may open. */
  boolean allHeld(URI upstream) {
    return held.getOrDefault(upstream, 0) >= limit;
  }
}
