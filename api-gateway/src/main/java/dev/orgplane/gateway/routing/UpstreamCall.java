package dev.orgplane.gateway.routing;

import io.vertx.core.http.HttpClientRequest;

/**
 * A request on its way to an upstream on Vert.x's client, which the gateway may give up before its end: its caller
 * hung up (while the request waited for a connection, too), or its body passed the limit (413). Giving up resets the
 * request, which fails its answer; that failure is the gateway's doing, not the upstream's, so it is not counted
 * against the upstream and quarantines nothing. The request's failures reach the forwarder through its answer's
 * future: without a handler of its own, Vert.x would log each (our reset, an idle timeout) at ERROR besides.
 */
final class UpstreamCall {

  private HttpClientRequest request;
  private boolean givenUp;

  /** The request, once a connection carries it; one given up before is reset at once, before anything is sent. */
  void carriedBy(HttpClientRequest request) {
    this.request = request;
    request.exceptionHandler(failure -> { });
    if (givenUp) {
      request.reset();
    }
  }

  HttpClientRequest request() {
    return request;
  }

  void giveUp() {
    if (!givenUp) {
      givenUp = true;
      if (request != null) {
        request.reset();
      }
    }
  }

  boolean givenUp() {
    return givenUp;
  }
}
