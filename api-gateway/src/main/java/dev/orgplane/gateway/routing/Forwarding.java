package dev.orgplane.gateway.routing;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * How a gateway instance sends requests without a body on: its own connections to the upstreams and the balancer that
 * picks among them, shared by the router's reads ({@link BodilessForwarder}) and those served below it
 * ({@link FastReads}), so that an upstream quarantined on one path is skipped on the other.
 */
final class Forwarding {

  /**
   * Header fields copied from a message decoded and checked already (a caller's request by the HTTP/1 decoder, or
   * Vert.x and {@link dev.orgplane.gateway.Http2Fields} over HTTP/2; an upstream's answer by its connection's decoder:
   * no CR or LF left) and our own: not checked again.
   */
  static final DefaultHttpHeadersFactory UNCHECKED =
      DefaultHttpHeadersFactory.headersFactory().withValidation(false);

  private final UpstreamChannels channels;
  private final UpstreamBalancer balancer;
  /** Each upstream's Host header, made once: built per request, it was a string for every read. */
  private final Map<URI, String> authorities = new HashMap<>();

  Forwarding(UpstreamChannels channels, UpstreamBalancer balancer) {
    this.channels = channels;
    this.balancer = balancer;
  }

  UpstreamChannels channels() {
    return channels;
  }

  UpstreamBalancer balancer() {
    return balancer;
  }

  /** A request without a body for {@code upstream}, naming it as Host; the caller adds the other headers. */
  DefaultFullHttpRequest request(HttpMethod method, String uri, URI upstream) {
    var request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri, Unpooled.EMPTY_BUFFER,
        UNCHECKED.newHeaders(), EmptyHttpHeaders.INSTANCE);
    request.headers().add("Host", authority(upstream));
    return request;
  }

  /** {@code upstream} as a request's Host names it. */
  String authority(URI upstream) {
    return authorities.computeIfAbsent(upstream, Route::authority);
  }
}
