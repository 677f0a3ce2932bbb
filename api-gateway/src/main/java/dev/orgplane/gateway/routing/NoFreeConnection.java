package dev.orgplane.gateway.routing;

import java.net.URI;

/**
 * A request waited its route's timeout for a connection to {@code upstream} while every one the gateway may open was
 * busy: the gateway's pool is full (too few connections for the load, or the upstream slow with the requests it has),
 * which says nothing against the upstream. {@link UpstreamBalancer#failure} answers it 503 {@code upstream_busy}.
 */
final class NoFreeConnection extends RuntimeException {

  NoFreeConnection(URI upstream, long waitedMillis) {
    super("every connection to " + upstream + " stayed busy for " + waitedMillis + " ms", null, false, false);
  }
}
