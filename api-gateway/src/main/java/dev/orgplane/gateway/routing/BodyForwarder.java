package dev.orgplane.gateway.routing;

import dev.orgplane.kit.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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
 * buffered past {@value #READ_FIRST_BYTES} bytes, and one without a declared length is cut off at the body limit.
 * Every body is read first, whole when it fits in that (most do), before the request takes a connection to its
 * upstream: a client that sends its body slowly holds none while it does, so a few tricklers cannot hold every
 * connection the gateway's writes (and its key fetches and token exchanges) wait for. A body read whole can be sent
 * again when its connection breaks before the answer, if the gateway may send its request twice
 * ({@link Repeats#harmless}): an upstream that is being redeployed closes its idle connections, and a request the
 * gateway just sent on one is lost with it.
 *
 * <p>Two clocks: the client has {@code bodyTimeoutMillis} of the gateway's waiting for its body ({@link BodyDeadline}),
 * past which it is answered 408 {@code request_body_timeout} and its upstream request, if one began, is given up
 * (not counted against the upstream); the upstream has the route's timeout each time the gateway waits for it (to
 * take a streamed body, then to answer once the body is sent). The route's timeout ran from the start of the
 * exchange, and counted a client's slow body as the upstream's silence: 504, and a healthy upstream quarantined. Once
 * the answer's head arrived, the route's timeout is an idle timeout on the answer, as on the Netty path.
 */
final class BodyForwarder {

  private static final int READ_FIRST_BYTES = 64 * 1024;

  private final Vertx vertx;
  private final HttpClient client;
  private final UpstreamBalancer balancer;
  private final long bodyLimitBytes;
  private final long bodyTimeoutMillis;
  private final HeldConnections held;
  private final RelayedEventStreams eventStreams;

  /**
   * {@code connectionsPerUpstream}: the most the client's pool opens to one upstream; {@code bodyTimeoutMillis}: how
   * long the gateway waits for a client's body.
   */
  BodyForwarder(Vertx vertx, HttpClient client, UpstreamBalancer balancer, long bodyLimitBytes, long bodyTimeoutMillis,
      int connectionsPerUpstream, RelayedEventStreams eventStreams) {
    this.vertx = vertx;
    this.client = client;
    this.balancer = balancer;
    this.bodyLimitBytes = bodyLimitBytes;
    this.bodyTimeoutMillis = bodyTimeoutMillis;
    this.held = new HeldConnections(connectionsPerUpstream);
    this.eventStreams = eventStreams;
  }

  /** {@code length}: the request's Content-Length, or null for a chunked body (or an HTTP/2 one of unsaid length). */
  void forward(RoutingContext ctx, Route route, String length) {
    readFirst(ctx, route, length, new BodyDeadline(vertx, bodyTimeoutMillis));
  }

  /**
   * Reads the body, then sends it as one buffer; a body that grows past {@link #READ_FIRST_BYTES} is streamed on
   * after what was read, and one past the body limit is cut off with 413.
   */
  private void readFirst(RoutingContext ctx, Route route, String length, BodyDeadline deadline) {
    var request = ctx.request();
    var read = Buffer.buffer();
    int otherUpstreams = route.upstreams().size() - 1;
    UnreadBodies.forwarded(ctx);
    request.handler(chunk -> {
      read.appendBuffer(chunk);
      if (read.length() > bodyLimitBytes) {
        request.handler(null).endHandler(null);
        deadline.stop();
        tooLarge(ctx);
      } else if (read.length() > READ_FIRST_BYTES) {
        request.pause().handler(null).endHandler(null);
        deadline.stop();
        if (admitted(ctx, null)) {
          forward(ctx, route, length, Body.streamed(read, deadline), otherUpstreams);
        }
      }
    });
    request.endHandler(ended -> {
      deadline.stop();
      if (admitted(ctx, read)) {
        forward(ctx, route, length, Body.whole(read, Repeats.harmless(ctx)), otherUpstreams);
      }
    });
    deadline.run(() -> tooSlow(ctx));
    request.resume();
  }

  /**
   * Whether the door's {@link BodyCheck} admits the request with {@code body} (null: not read whole). One it refuses is
   * answered with the rest of its body unread, which is dropped after the answer as any the gateway answers itself.
   */
  private static boolean admitted(RoutingContext ctx, Buffer body) {
    UnreadBodies.abandoned(ctx);
    if (!BodyCheck.admitted(ctx, body)) {
      return false;
    }
    UnreadBodies.forwarded(ctx);
    return true;
  }

  /**
   * A request's body as the gateway sends it: {@code whole}, read already, which is sent again when it is
   * {@code repeatable}; or streamed from the request under the client's {@code deadline}, after {@code read}, what
   * was read of it already.
   */
  private record Body(Buffer whole, Buffer read, boolean repeatable, BodyDeadline deadline) {
    static Body whole(Buffer body, boolean repeatable) {
      return new Body(body, null, repeatable, null);
    }

    static Body streamed(Buffer read, BodyDeadline deadline) {
      return new Body(null, read, false, deadline);
    }

    Body repeated() {
      return new Body(whole, null, false, null);
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
        .setConnectTimeout(route.timeoutMillis());
    if (body.whole() != null) {
      // sent at once: the wait for the answer begins now (a streamed body's begins once it is sent, see streamCounting)
      options.setIdleTimeout(route.timeoutMillis());
    }
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
      send(ctx, call, length, body, route.timeoutMillis())
          .onSuccess(response -> {
            balancer.answered(upstream, sentAt, response.statusCode(),
                "close".equalsIgnoreCase(response.getHeader(HttpHeaders.CONNECTION)));
            relay(ctx, response, route.timeoutMillis());
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
   * Sends the request's body and answers the upstream's response: one read whole as it is, any other streamed on and
   * counted against the limit; the upstream has {@code timeoutMillis} for each wait the gateway makes on it.
   */
  private Future<HttpClientResponse> send(RoutingContext ctx, UpstreamCall call, String length, Body body,
      long timeoutMillis) {
    if (body.whole() != null) {
      return call.request().send(body.whole());
    }
    UnreadBodies.forwarded(ctx);
    return streamCounting(ctx, call, length, body, timeoutMillis);
  }

  /**
   * A streamed body (after what was read of it already) is forwarded as it arrives, with backpressure, and one
   * without Content-Length (chunked) is cut off with 413 the moment it passes the limit, so no service ever receives
   * more than the limit. The client's clock runs while the gateway waits for its body; while the upstream does not
   * take what was sent, the upstream's does instead (a timeout, as one that does not answer), and once the body is
   * sent, until the answer. Once the upstream request failed (its connection broke), the rest of the body is dropped:
   * Vert.x's own pipe would go on writing to it and log each refused write as an error. An upstream that answered
   * before the body's end is sent the rest until its answer ends; then its connection is closed and the rest dropped
   * ({@link UnreadBodies}), as of a body the gateway answers itself.
   */
  private Future<HttpClientResponse> streamCounting(RoutingContext ctx, UpstreamCall call, String length, Body body,
      long timeoutMillis) {
    var request = ctx.request();
    var upstreamRequest = call.request();
    var deadline = body.deadline();
    Runnable clientTooSlow = () -> {
      call.giveUp();
      tooSlow(ctx);
    };
    var received = new long[] {body.read().length()};
    upstreamRequest.setChunked(length == null);
    upstreamRequest.write(body.read());
    upstreamRequest.response().onFailure(err -> {
      request.handler(null).endHandler(null);
      deadline.stop();
    });
    upstreamRequest.response().compose(HttpClientResponse::end).onSuccess(answered -> {
      if (!request.isEnded()) {
        // answered before the body's end (a 413, a 401): the rest is of no use to the upstream, and Vert.x gives the
        // connection no other request until the body's end, for which it would wait on the client up to its timeout
        request.handler(null).endHandler(null);
        deadline.stop();
        upstreamRequest.connection().close();
        UnreadBodies.answeredBeforeItsEnd(ctx);
      }
    });
    request.handler(chunk -> {
      received[0] += chunk.length();
      if (received[0] > bodyLimitBytes) {
        request.handler(null);
        deadline.stop();
        tooLarge(ctx);
        call.giveUp();
        return;
      }
      upstreamRequest.write(chunk);
      if (upstreamRequest.writeQueueFull()) {
        request.pause();
        deadline.stop();
        long stalled = vertx.setTimer(timeoutMillis, id -> upstreamRequest.reset(0,
            new TimeoutException("the upstream took none of the body for " + timeoutMillis + " ms")));
        upstreamRequest.drainHandler(drained -> {
          vertx.cancelTimer(stalled);
          deadline.run(clientTooSlow);
          request.resume();
        });
      }
    });
    request.endHandler(ended -> {
      deadline.stop();
      if (received[0] <= bodyLimitBytes) {
        upstreamRequest.end();
        if (!upstreamRequest.response().isComplete()) {
          upstreamRequest.idleTimeout(timeoutMillis);
        }
      }
    });
    deadline.run(clientTooSlow);
    request.resume();
    return upstreamRequest.response();
  }

  /**
   * The client did not send its body within its time: it is answered 408 and its connection (HTTP/1) or stream
   * (HTTP/2) ends after the answer, rather than the gateway reading on what comes as slowly. Nothing when the request
   * was answered or given up already.
   */
  private static void tooSlow(RoutingContext ctx) {
    ctx.request().handler(null).endHandler(null);
    if (!ctx.failed() && !ctx.response().ended() && !ctx.response().closed()) {
      UnreadBodies.cutOffAfterAnswer(ctx);
      ctx.fail(new ApiException(408, "request_body_timeout", "The request body did not arrive in time."));
    }
  }

  private static void tooLarge(RoutingContext ctx) {
    UnreadBodies.abandoned(ctx);
    ctx.fail(new ApiException(413, "payload_too_large", "The request body is larger than the limit."));
  }

  /**
   * Relays the upstream's answer as it arrives, under the route's timeout ({@link AnswerIdleTimeout}) whatever the
   * state of the request's body: a small one of known length in one write, anything else streamed with backpressure.
   * An answer that breaks midway cuts the caller's off (a reset), never ends it as if whole, as Vert.x's pipe would.
   */
  private void relay(RoutingContext ctx, HttpClientResponse upstream, long timeoutMillis) {
    var response = ctx.response();
    var idle = new AnswerIdleTimeout(vertx, upstream.request(), timeoutMillis);
    boolean inOneWrite = HopHeaders.answerHead(upstream.statusCode(), HopHeaders.asIs(upstream.headers()),
        HopHeaders.connectionOf(upstream.headers()), HopHeaders.contentLength(upstream.getHeader("Content-Length")),
        ctx);
    if (!inOneWrite && RelayedEventStreams.isEventStream(upstream.getHeader(HttpHeaders.CONTENT_TYPE))) {
      new PipedEventStream(upstream, response, eventStreams, idle).relay();
      return;
    }
    var body = inOneWrite ? Buffer.buffer() : null;
    upstream.handler(piece -> {
      idle.heard();
      if (body != null) {
        body.appendBuffer(piece);
      } else if (!response.closed()) {
        response.write(piece);
        if (response.writeQueueFull()) {
          idle.pauseFor(response, upstream);
        }
      }
    });
    upstream.endHandler(ended -> {
      idle.stop();
      if (!response.closed()) {
        response.end(body != null ? body : Buffer.buffer());
      }
    });
    upstream.exceptionHandler(broken -> {
      idle.stop();
      if (!response.ended() && !response.closed()) {
        response.reset();
      }
    });
  }

  /** {@code unix:/path} names a co-located service's Unix socket; anything else is {@code http://host:port}. */
  static void address(URI upstream, RequestOptions options) {
    if (Route.UNIX.equals(upstream.getScheme())) {
      options.setServer(SocketAddress.domainSocketAddress(upstream.getPath())).setHost(Route.authority(upstream));
    } else {
      options.setHost(upstream.getHost()).setPort(upstream.getPort());
    }
  }
}
