package dev.orgplane.gateway.routing;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * Forwards requests without a body (reads, most of the traffic) on this gateway instance's own Netty
 * connections ({@link UpstreamChannels}, {@link UpstreamExchange}): Vert.x's HTTP client, its request objects,
 * pool and per-request timer, cost about a tenth of the gateway's CPU per proxied read.
 */
final class BodilessForwarder {

  /**
   * The request line and header fields copied from a request checked already (by the HTTP/1 decoder, or Vert.x and
   * {@link dev.orgplane.gateway.Http2Fields} over HTTP/2: no CR or LF left) and our own: not checked again.
   */
  private static final DefaultHttpHeadersFactory UNCHECKED = DefaultHttpHeadersFactory.headersFactory().withValidation(false);

  private final UpstreamChannels channels;
  private final UpstreamBalancer balancer;
  private final RelayedEventStreams eventStreams;
  /** Each upstream's Host header, made once: built per request, it was a string for every read. */
  private final Map<URI, String> authorities = new HashMap<>();

  BodilessForwarder(UpstreamChannels channels, UpstreamBalancer balancer, RelayedEventStreams eventStreams) {
    this.channels = channels;
    this.balancer = balancer;
    this.eventStreams = eventStreams;
  }

  void forward(RoutingContext ctx, Route route) {
    exchange(ctx, route, route.upstreams().size() - 1, false);
  }

  /**
   * Sends the request to the next upstream of {@code route}. One that could not be reached has received
   * nothing, so the next is tried; a request on a kept-alive connection the upstream closed meanwhile is sent once
   * more, for requests {@link Repeats#harmless} only: on another upstream when the route has one (the closing one is
   * quarantined), else on a fresh connection.
   */
  private void exchange(RoutingContext ctx, Route route, int otherUpstreams, boolean retried) {
    var request = ctx.request();
    long sentAt = System.currentTimeMillis();
    var upstream = balancer.pick(route, sentAt);
    var outgoing = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(request.method().name()),
        request.uri(), Unpooled.EMPTY_BUFFER, UNCHECKED.newHeaders(), EmptyHttpHeaders.INSTANCE);
    HopHeaders.toUpstream(ctx, outgoing.headers()::add);
    outgoing.headers().add("Host", authorities.computeIfAbsent(upstream, Route::authority));
    new UpstreamExchange(channels, eventStreams, upstream, ctx, route.timeoutMillis(),
      new UpstreamExchange.Outcome() {
        @Override
        public void failedBeforeAnswer(Throwable cause, boolean sent, boolean connectionWasReused) {
          var failure = balancer.failure(cause, upstream, sent);
          if (sent && connectionWasReused && !retried && Repeats.harmless(ctx)) {
            UpstreamMeters.repeated(upstream);
            exchange(ctx, route, otherUpstreams, true);
          } else if (!sent && otherUpstreams > 0 && failure.status() == 502) {
            exchange(ctx, route, otherUpstreams - 1, retried);
          } else if (!ctx.failed()) {
            UpstreamBalancer.fail(ctx, failure);
          }
        }

        @Override
        public void answered(int status, boolean closing) {
          balancer.answered(upstream, sentAt, status, closing);
        }
      }).start(outgoing);
  }

  /** Closes the connections; call it once the server has drained. */
  void close() {
    channels.close();
  }
}
