package dev.orgplane.gateway.routing;

import dev.orgplane.kit.http.ApiException;
import java.net.URI;

/**
 * What is left of a request without a body after an exchange failed before its answer, on the router's path
 * ({@link BodilessForwarder}) and below it ({@link FastExchange}) alike: one that could not reach its upstream has
 * received nothing, so the route's next upstream is tried; one sent on a kept-alive connection the upstream closed
 * meanwhile is sent once more, if it is {@link Repeats#harmless}. Anything else is answered with its failure.
 *
 * @param otherUpstreams the route's upstreams not tried yet
 * @param repeated whether the request was sent once more already
 */
record Attempts(int otherUpstreams, boolean repeated) {

  static Attempts first(Route route) {
    return new Attempts(route.upstreams().size() - 1, false);
  }

  /**
   * The attempt after {@code failure} on {@code upstream}, counted among the repeats if it is one; null when the
   * failure is to be answered.
   */
  Attempts after(ApiException failure, URI upstream, boolean sent, boolean connectionWasReused, boolean harmless) {
    if (sent && connectionWasReused && !repeated && harmless) {
      UpstreamMeters.repeated(upstream);
      return new Attempts(otherUpstreams, true);
    }
    if (!sent && otherUpstreams > 0 && failure.status() == 502) {
      return new Attempts(otherUpstreams - 1, repeated);
    }
    return null;
  }
}
