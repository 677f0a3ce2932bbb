package dev.orgplane.gateway.routing;

import dev.orgplane.gateway.ResolvedPaths;
import dev.orgplane.kit.http.ApiException;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/**
 * Streams a request to its upstream and the answer back, buffering no more of a request's body than its first 64 KiB
 * ({@link BodyForwarder}). Headers
 * pass through minus the hop-by-hop ones; the request id and X-Forwarded-* are added ({@link HopHeaders}).
 * Connection failures quarantine the upstream (see {@link UpstreamBalancer}) and answer 502, an upstream whose
 * readiness probe fails is skipped until one passes ({@link ReadinessProbes}); an upstream that
 * does not answer within the route's timeout answers 504; a request that found every connection to it busy for that
 * long, 503 ({@link NoFreeConnection}). Requests without a body take the gateway's own Netty
 * connections ({@link BodilessForwarder}), those with one Vert.x's HTTP client ({@link BodyForwarder}).
 *
 * <p>So each upstream has two pools of connections, on purpose. Reads, most of the traffic, cost about a tenth less
 * CPU on Netty directly (see the README's "The gateway's hot path"), and a request without a body has no framing to
 * get wrong. A body needs streaming with backpressure, the cut-off at the body limit, {@code 100-continue} and
 * HTTP/2 callers' streams: Vert.x's client has them, tested, and body framing written anew is where a proxy gets
 * request smuggling. The price is a connection or so more per upstream that carries writes; both paths share one
 * {@link UpstreamBalancer}, so an upstream quarantined on one is skipped on the other. Everything else the gateway
 * sends (key fetches, token exchanges) shares the body path's client, so no third pool.
 */
public final class ProxyHandler implements Handler<RoutingContext> {

  /** What a request without a body is checked with: one buffer for all, read by the checks, never written. */
  private static final Buffer NO_BODY = Buffer.buffer(0);

  /**
   * How long opening a connection to an upstream may take, in both pools: an upstream that takes longer is
   * unreachable (502, quarantined), while a request may wait longer, up to its route's timeout, for a busy pool.
   */
  public static final int CONNECT_TIMEOUT_MILLIS = 5_000;

  private final Vertx vertx;
  private final String deployment;
  private final RouteTable routes;
  private final long bodyLimitBytes;
  private final Forwarding forwarding;
  private final BodilessForwarder bodiless;
  private final BodyForwarder withBody;
  private final RelayedEventStreams eventStreams = new RelayedEventStreams();

  /**
   * Made on the event loop of the gateway instance it serves: its upstream connections for requests without a
   * body ({@code connectionsPerUpstream} at most per upstream) live there. {@code client}, that instance's too, opens
   * as many at most per upstream, each within {@link #CONNECT_TIMEOUT_MILLIS}. A client has {@code bodyTimeoutMillis}
   * to send a request's body (408 {@code request_body_timeout} after it). Upstreams are probed every
   * {@code readyProbeMillis}, 0 for never.
   */
  public ProxyHandler(Vertx vertx, HttpClient client, int connectionsPerUpstream, RouteTable routes,
      long quarantineMillis, long readyProbeMillis, long bodyLimitBytes, long bodyTimeoutMillis) {
    this.vertx = vertx;
    this.deployment = vertx.getOrCreateContext().deploymentID();
    this.routes = routes;
    this.bodyLimitBytes = bodyLimitBytes;
    var balancer = new UpstreamBalancer(quarantineMillis, ReadinessProbes.shared(vertx, routes, readyProbeMillis));
    this.forwarding = new Forwarding(new UpstreamChannels(vertx, connectionsPerUpstream), balancer);
    this.bodiless = new BodilessForwarder(forwarding, eventStreams);
    this.withBody = new BodyForwarder(vertx, client, balancer, bodyLimitBytes, bodyTimeoutMillis,
        connectionsPerUpstream, eventStreams);
  }

  /** The event streams this instance relays, on either path, so that its stop ends them at an event's end. */
  RelayedEventStreams eventStreams() {
    return eventStreams;
  }

  /** How this instance sends requests without a body on, for the reads served below the router too. */
  Forwarding forwarding() {
    return forwarding;
  }

  @Override
  public void handle(RoutingContext ctx) {
    var request = ctx.request();
    var route = routes.match(ResolvedPaths.asRouted(ctx)).orElse(null);
    if (route == null) {
      ctx.fail(ApiException.notFound("not_found", "No such resource: " + request.path()));
      return;
    }
    var length = request.getHeader("Content-Length");
    long announced = HopHeaders.contentLength(length);
    if (announced > bodyLimitBytes) {
      // the body is left unread: UnreadBodies drops it after the answer, or ends its connection or stream
      ctx.fail(new ApiException(413, "payload_too_large", "The request body is larger than the limit."));
      return;
    }
    if (forwardsBody(request)) {
      withBody.forward(ctx, route, length);
    } else if (BodyCheck.admitted(ctx, NO_BODY)) {
      bodiless.forward(ctx, route);
    }
  }

  /**
   * Whether the request's body goes on to the upstream: one an HTTP/1 request announces, and over HTTP/2 any but a
   * GET's or HEAD's that no Content-Length announces. Such data has no meaning (RFC 9110, 9.3.1), and without this
   * exception every HTTP/2 read took Vert.x's client, read whole first as a request the gateway may repeat: any
   * HTTP/2 request may send data without saying so. What one sends anyway is dropped after the answer
   * ({@link UnreadBodies}), as every body the gateway does not forward.
   */
  private static boolean forwardsBody(HttpServerRequest request) {
    if (request.version() != HttpVersion.HTTP_2 || request.getHeader("Content-Length") != null) {
      return mayHaveBody(request);
    }
    var method = request.method();
    return !method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD);
  }

  /**
   * The gateway gives notice of its stop: the event streams it relays end after their current events, so that the
   * drain does not wait its grace out for them (their clients reconnect); other requests have the grace.
   */
  public void endEventStreams() {
    eventStreams.stop();
  }

  /**
   * Closes the upstream connections of requests without a body and stops the readiness probes; call it once the
   * server has drained.
   */
  public void close() {
    bodiless.close();
    ReadinessProbes.release(vertx, deployment);
  }

  /**
   * Whether the request may have a body at all: an HTTP/1 request announces its body (Content-Length or
   * Transfer-Encoding); an HTTP/2 one may just send it.
   */
  public static boolean mayHaveBody(HttpServerRequest request) {
    return request.version() == HttpVersion.HTTP_2 || request.getHeader("Content-Length") != null
        || request.getHeader("Transfer-Encoding") != null;
  }
}
