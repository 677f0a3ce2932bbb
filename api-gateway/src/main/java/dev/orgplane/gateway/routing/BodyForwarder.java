package dev.orgplane.gateway.routing;

import dev.orgplane.kit.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.concurrent.TimeoutException;

/**
 * Forwards requests with a body on Vert.x's HTTP client, for its streaming with backpressure: a body is never
 * buffered past {@value #REPLAYABLE_BYTES} bytes, and one without a declared length is cut off at the body limit.
 * A request the gateway may send twice ({@link Repeats#harmless}) is read whole first when its body fits in that,
 * so that it can be sent again when its connection breaks before the answer: an upstream that is being redeployed
 * closes its idle connections, and a request the gateway just sent on one is lost with it.
 */
final class BodyForwarder {

  private static final int REPLAYABLE_BYTES = 64 * 1024;

  private final HttpClient client;
  private final UpstreamBalancer balancer;
  private final long bodyLimitBytes;
  private final HeldConnections held;
  private final RelayedEventStreams eventStreams;

  /** {@code connectionsPerUpstream}: the most the client's pool opens to one upstream. */
  BodyForwarder(HttpClient client, UpstreamBalancer balancer, long bodyLimitBytes, int connectionsPerUpstream,
      RelayedEventStreams eventStreams) {
    this.client = client;
    this.balancer = balancer;
    this.bodyLimitBytes = bodyLimitBytes;
    this.held = new HeldConnections(connectionsPerUpstream);
    this.eventStreams = eventStreams;
  }

  /** {@code length}: the request's Content-Length, or null for a chunked body (or an HTTP/2 one of unsaid length). */
  void forward(RoutingContext ctx, Route route, String length) {
    int otherUpstreams = route.upstreams().size() - 1;
    if (Repeats.harmless(ctx) && HopHeaders.contentLength(length) <= REPLAYABLE_BYTES) {
      readWhole(ctx, route, length, otherUpstreams);
    } else {
      forward(ctx, route, length, Body.streamed(null), otherUpstreams);
    }
  }

  /**
   * Reads the body, then sends it as one buffer; a body that grows past {@link #REPLAYABLE_BYTES} (its length was
   * not said) is streamed on after what was read, and one past the body limit is cut off with 413.
   */
  private void readWhole(RoutingContext ctx, Route route, String length, int otherUpstreams) {
    var request = ctx.request();
    var read = Buffer.buffer();
    UnreadBodies.forwarded(ctx);
    request.handler(chunk -> {
      read.appendBuffer(chunk);
      if (read.length() > bodyLimitBytes) {
        request.handler(null).endHandler(null);
        tooLarge(ctx);
      } else if (read.length() > REPLAYABLE_BYTES) {
        request.pause().handler(null).endHandler(null);
        forward(ctx, route, length, Body.streamed(read), otherUpstreams);
      }
    });
    request.endHandler(ended -> forward(ctx, route, length, Body.whole(read), otherUpstreams));
    request.resume();
  }

  /**
   * A request's body as the gateway sends it: {@code whole}, read already, which can be sent again; or streamed
   * from the request, after {@code read}, what was read of it already (null: nothing).
   */
  private record Body(Buffer whole, Buffer read, boolean retried) {
    static Body whole(Buffer body) {
      return new Body(body, null, false);
    }

    static Body streamed(Buffer read) {
      return new Body(null, read, false);
    }

    boolean repeatable() {
      return whole != null && !retried;
    }

    Body repeated() {
      return new Body(whole, null, true);
    }
  }

  /**
   * Sends the request to the next upstream of {@code route}. An upstream that refuses the connection has
   * received nothing of the request, so the next one is tried, whatever the method; a request read whole is sent
   * once more when its connection broke before the answer.
   */
  private void forward(RoutingContext ctx, Route route, String length, Body body, int otherUpstreams) {
    var request = ctx.request();
    long sentAt = System.currentTimeMillis();
    var upstream = balancer.pick(route, sentAt);
    var options = new RequestOptions()
        .setMethod(request.method())
        .setURI(request.uri())
        // the wait for a free connection; one that will not open fails sooner (ProxyHandler.CONNECT_TIMEOUT_MILLIS)
        .setConnectTimeout(route.timeoutMillis())
        .setIdleTimeout(route.timeoutMillis());
    address(upstream, options);
    // a caller who hangs up, even before a connection is there for its request, ends the upstream request: left
    // to run, it would hold its connection until the route's timeout, its body never ending, and count against the
    // upstream
    var call = new UpstreamCall();
    ctx.response().closeHandler(closed -> call.giveUp());
    request.exceptionHandler(broken -> call.giveUp());
    client.request(options).onComplete(connected -> {
      if (connected.failed()) {
        var failure = balancer.failure(busyOr(connected.cause(), upstream, route), upstream, false);
        if (call.givenUp()) {
          return;
        }
        if (otherUpstreams > 0 && failure.status() == 502) {
          forward(ctx, route, length, body, otherUpstreams - 1);
        } else {
          failWith(ctx, failure);
        }
        return;
      }
      held.hold(upstream, connected.result());
      call.carriedBy(connected.result());
      if (ctx.response().closed()) {
        // gone before its close handler was set (while its token was checked)
        call.giveUp();
      }
      if (call.givenUp()) {
        return;
      }
      var upstreamRequest = call.request();
      HopHeaders.toUpstream(ctx, upstreamRequest.headers()::add);
      if (length != null) {
        upstreamRequest.headers().set("Content-Length", length);
      }
      send(ctx, call, length, body)
          .onSuccess(response -> {
            balancer.answered(upstream, sentAt,
                "close".equalsIgnoreCase(response.getHeader(HttpHeaders.CONNECTION)));
            relay(ctx, response);
          })
          .onFailure(err -> {
            if (call.givenUp()) {
              return;
            }
            var failure = balancer.failure(err, upstream, true);
            if (body.repeatable() && UpstreamBalancer.brokenConnection(err)) {
              UpstreamMeters.repeated(upstream);
              forward(ctx, route, length, body.repeated(), otherUpstreams);
            } else {
              failWith(ctx, failure);
            }
          });
    });
  }

  /** A request that got no connection in time while requests with a body held them all waited for a busy pool. */
  private Throwable busyOr(Throwable cause, URI upstream, Route route) {
    return cause instanceof TimeoutException && held.allHeld(upstream)
        ? new NoFreeConnection(upstream, route.timeoutMillis()) : cause;
  }

  private static void failWith(RoutingContext ctx, ApiException failure) {
    if (!ctx.failed()) {
      UnreadBodies.abandoned(ctx);
      UpstreamBalancer.fail(ctx, failure);
    }
  }

  /**
   * Sends the request's body and answers the upstream's response: one read whole or of announced length as it is,
   * any other counted against the limit as it streams.
   */
  private Future<HttpClientResponse> send(RoutingContext ctx, UpstreamCall call, String length, Body body) {
    if (body.whole() != null) {
      return call.request().send(body.whole());
    }
    UnreadBodies.forwarded(ctx);
    return streamCounting(ctx, call, length, body.read());
  }

  /**
   * A streamed body (after what was {@code read} of it already, if anything) is forwarded as it arrives, with
   * backpressure, and one without Content-Length (chunked) is cut off with 413 the moment it passes the limit, so
   * no service ever receives more than the limit. Once the upstream request failed (its connection broke), the rest
   * of the body is dropped: Vert.x's own pipe would go on writing to it and log each refused write as an error.
   */
  private Future<HttpClientResponse> streamCounting(RoutingContext ctx, UpstreamCall call, String length,
      Buffer read) {
    var request = ctx.request();
    var upstreamRequest = call.request();
    var received = new long[1];
    upstreamRequest.setChunked(length == null);
    if (read != null) {
      received[0] = read.length();
      upstreamRequest.write(read);
    }
    upstreamRequest.response().onFailure(err -> request.handler(null).endHandler(null));
    request.handler(chunk -> {
      received[0] += chunk.length();
      if (received[0] > bodyLimitBytes) {
        request.handler(null);
        tooLarge(ctx);
        call.giveUp();
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

  private static void tooLarge(RoutingContext ctx) {
    UnreadBodies.abandoned(ctx);
    ctx.fail(new ApiException(413, "payload_too_large", "The request body is larger than the limit."));
  }

  private void relay(RoutingContext ctx, HttpClientResponse upstream) {
    var response = ctx.response();
    if (HopHeaders.answerHead(upstream.statusCode(), HopHeaders.asIs(upstream.headers()),
        HopHeaders.connectionOf(upstream.headers()), HopHeaders.contentLength(upstream.getHeader("Content-Length")), response)) {
      upstream.body().onSuccess(body -> {
        if (!response.closed()) {
          response.end(body);
        }
      }).onFailure(err -> response.reset());
    } else if (RelayedEventStreams.isEventStream(upstream.getHeader(HttpHeaders.CONTENT_TYPE))) {
      new PipedEventStream(upstream, response, eventStreams).relay();
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
