package dev.orgplane.gateway.routing;

import dev.orgplane.kit.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;

/**
 * Forwards requests with a body on Vert.x's HTTP client, for its streaming with backpressure: the body is never
 * buffered, and one without a declared length is cut off at the body limit.
 */
final class BodyForwarder {

  private final HttpClient client;
  private final UpstreamBalancer balancer;
  private final long bodyLimitBytes;

  BodyForwarder(HttpClient client, UpstreamBalancer balancer, long bodyLimitBytes) {
    this.client = client;
    this.balancer = balancer;
    this.bodyLimitBytes = bodyLimitBytes;
  }

  /** {@code length}: the request's Content-Length, or null for a chunked body. */
  void forward(RoutingContext ctx, Route route, String length) {
    forward(ctx, route, length, route.upstreams().size() - 1);
  }

  /**
   * Sends the request to the next upstream of {@code route}. An upstream that refuses the connection has
   * received nothing of the request, so the next one is tried, whatever the method.
   */
  private void forward(RoutingContext ctx, Route route, String length, int otherUpstreams) {
    var request = ctx.request();
    var upstream = balancer.pick(route);
    var options = new RequestOptions()
        .setMethod(request.method())
        .setURI(request.uri())
        .setConnectTimeout(Math.min(route.timeoutMillis(), 5_000))
        .setIdleTimeout(route.timeoutMillis());
    address(upstream, options);
    client.request(options).onComplete(connected -> {
      if (connected.failed()) {
        var failure = balancer.failure(connected.cause(), upstream, false);
        if (otherUpstreams > 0 && failure.status() == 502) {
          forward(ctx, route, length, otherUpstreams - 1);
        } else if (!ctx.failed()) {
          ctx.fail(failure);
        }
        return;
      }
      var upstreamRequest = connected.result();
      HopHeaders.toUpstream(ctx, upstreamRequest.headers()::add);
      if (length != null) {
        upstreamRequest.headers().set("Content-Length", length);
      }
      // a caller that hangs up mid-answer must not leave the upstream streaming into a closed response
      ctx.response().closeHandler(closed -> upstreamRequest.reset());
      body(ctx, upstreamRequest, length)
          .onSuccess(response -> {
            balancer.succeeded(upstream);
            relay(ctx, response);
          })
          .onFailure(err -> {
            if (!ctx.failed()) {
              UnreadBodies.abandoned(ctx);
              ctx.fail(balancer.failure(err, upstream, true));
            }
          });
    });
  }

  /**
   * Sends the request's body and answers the upstream's response: one of announced length as it is, any other
   * counted against the limit as it streams.
   */
  private Future<HttpClientResponse> body(RoutingContext ctx, HttpClientRequest upstreamRequest, String length) {
    UnreadBodies.forwarded(ctx);
    if (length != null) {
      return upstreamRequest.send(ctx.request());
    }
    return streamCounting(ctx, upstreamRequest);
  }

  /**
   * A body without Content-Length (chunked) is forwarded as it arrives, with backpressure, and cut off
   * with 413 the moment it passes the limit, so no service ever receives more than the limit.
   */
  private Future<HttpClientResponse> streamCounting(RoutingContext ctx, HttpClientRequest upstreamRequest) {
    var request = ctx.request();
    var received = new long[1];
    upstreamRequest.setChunked(true);
    request.handler(chunk -> {
      received[0] += chunk.length();
      if (received[0] > bodyLimitBytes) {
        request.handler(null);
        UnreadBodies.abandoned(ctx);
        ctx.fail(new ApiException(413, "payload_too_large", "The request body is larger than the limit."));
        upstreamRequest.reset();
        return;
      }
      upstreamRequest.write(chunk);
      if (upstreamRequest.writeQueueFull()) {
        request.pause();
        upstreamRequest.drainHandler(drained -> request.resume());
      }
    });
    request.endHandler(ended -> {
      if (received[0] <= bodyLimitBytes) {
        upstreamRequest.end();
      }
    });
    request.resume();
    return upstreamRequest.response();
  }

  private static void relay(RoutingContext ctx, HttpClientResponse upstream) {
    var response = ctx.response();
    if (HopHeaders.answerHead(upstream.statusCode(), HopHeaders.asIs(upstream.headers()),
        HopHeaders.contentLength(upstream.getHeader("Content-Length")), response)) {
      upstream.body().onSuccess(body -> {
        if (!response.closed()) {
          response.end(body);
        }
      }).onFailure(err -> response.reset());
    } else {
      upstream.pipeTo(response);
    }
  }

  /** {@code unix:/path} names a co-located service's Unix socket; anything else is {@code http://host:port}. */
  private static void address(URI upstream, RequestOptions options) {
    if (Route.UNIX.equals(upstream.getScheme())) {
      options.setServer(SocketAddress.domainSocketAddress(upstream.getPath())).setHost(Route.authority(upstream));
    } else {
      options.setHost(upstream.getHost()).setPort(upstream.getPort());
    }
  }
}
