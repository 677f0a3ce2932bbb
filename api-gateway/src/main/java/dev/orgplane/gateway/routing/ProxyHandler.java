package dev.orgplane.gateway.routing;

import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.RequestIds;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.net.ConnectException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * Streams a request to its upstream and the answer back, without buffering either body. Headers
 * pass through minus the hop-by-hop ones; the request id and X-Forwarded-* are added. Connection
 * failures quarantine the upstream (see {@link UpstreamBalancer}) and answer 502; an upstream that
 * does not answer within the route's timeout answers 504.
 *
 * <p>Requests without a body (reads, most of the traffic) go out on this instance's own Netty connections
 * ({@link UpstreamExchange}): Vert.x's HTTP client, its request objects, pool and per-request timer, cost
 * about a tenth of the gateway's CPU per proxied read. Requests with a body keep Vert.x's client, whose
 * streaming with backpressure and cut-off at the body limit they need.
 */
public final class ProxyHandler implements Handler<RoutingContext> {

  /** Case-insensitive, so no header name is lower-cased (allocated) to be looked up, twice per request. */
  private static final Set<String> HOP_BY_HOP = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

  static {
    HOP_BY_HOP.addAll(List.of("connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade", "host", "content-length"));
  }

  private static final long SMALL_BODY_BYTES = 256 * 1024;
  private static final long DRAIN_LIMIT = 16L * 1024 * 1024;

  /** Header values copied from a request the server already parsed (no CR or LF left) and our own: not checked again. */
  private static final DefaultHttpHeadersFactory UNCHECKED = DefaultHttpHeadersFactory.headersFactory().withValidation(false);
  private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
      HttpMethod.DELETE);

  private final HttpClient client;
  private final UpstreamChannels channels;
  private final RouteTable routes;
  private final UpstreamBalancer balancer;
  private final long bodyLimitBytes;

  /**
   * Made on the event loop of the gateway instance it serves: its upstream connections for requests without a
   * body ({@code connectionsPerUpstream} at most per upstream) live there.
   */
  public ProxyHandler(Vertx vertx, HttpClient client, int connectionsPerUpstream, RouteTable routes,
      long quarantineMillis, long bodyLimitBytes) {
    this.client = client;
    this.channels = new UpstreamChannels(vertx, connectionsPerUpstream);
    this.routes = routes;
    this.balancer = new UpstreamBalancer(quarantineMillis);
    this.bodyLimitBytes = bodyLimitBytes;
  }

  @Override
  public void handle(RoutingContext ctx) {
    var request = ctx.request();
    var route = routes.match(request.path()).orElse(null);
    if (route == null) {
      ctx.fail(ApiException.notFound("not_found", "No such resource: " + request.path()));
      return;
    }
    var length = request.getHeader("Content-Length");
    if (length != null && parseLength(length) > bodyLimitBytes) {
      refuseOversize(ctx, parseLength(length));
      return;
    }
    if (mayHaveBody(request)) {
      forward(ctx, route, length, route.upstreams().size() - 1);
    } else {
      exchange(ctx, route, route.upstreams().size() - 1, false);
    }
  }

  /**
   * Sends a request without a body to the next upstream of {@code route}. One that could not be reached
   * has received nothing, so the next is tried; a kept-alive connection the upstream closed meanwhile is
   * retried once on a fresh one, for idempotent methods only.
   */
  private void exchange(RoutingContext ctx, Route route, int otherUpstreams, boolean retried) {
    var request = ctx.request();
    var upstream = balancer.pick(route);
    var outgoing = new DefaultFullHttpRequest(io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
        io.netty.handler.codec.http.HttpMethod.valueOf(request.method().name()), request.uri(), Unpooled.EMPTY_BUFFER,
        UNCHECKED.newHeaders(), EmptyHttpHeaders.INSTANCE);
    upstreamHeaders(ctx, outgoing.headers()::add);
    outgoing.headers().add("Host", Route.UNIX.equals(upstream.getScheme()) ? "localhost"
        : upstream.getHost() + ":" + upstream.getPort());
    new UpstreamExchange(channels, upstream, ctx.response(), route.timeoutMillis(), new UpstreamExchange.Outcome() {
        @Override
        public void failedBeforeAnswer(Throwable cause, boolean sent, boolean connectionWasReused) {
          if (sent && connectionWasReused && !retried && IDEMPOTENT.contains(request.method())) {
            exchange(ctx, route, otherUpstreams, true);
            return;
          }
          var failure = translate(cause, upstream);
          if (!sent && otherUpstreams > 0 && failure.status() == 502) {
            exchange(ctx, route, otherUpstreams - 1, retried);
          } else if (!ctx.failed()) {
            ctx.fail(failure);
          }
        }

        @Override
        public void answered() {
          balancer.succeeded(upstream);
        }
      }).start(outgoing);
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
        var failure = translate(connected.cause(), upstream);
        if (otherUpstreams > 0 && failure.status() == 502) {
          forward(ctx, route, length, otherUpstreams - 1);
        } else if (!ctx.failed()) {
          ctx.fail(failure);
        }
        return;
      }
      var upstreamRequest = connected.result();
      upstreamHeaders(ctx, upstreamRequest.headers()::add);
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
              ctx.fail(translate(err, upstream));
            }
          });
    });
  }

  /**
   * 413 for a body announced larger than the limit. Many clients read no answer before they have sent
   * their whole body, so a body up to {@value #DRAIN_LIMIT} bytes is read and dropped first; a larger
   * one gets the answer at once and the connection is closed, which ends the upload.
   */
  private void refuseOversize(RoutingContext ctx, long length) {
    var request = ctx.request();
    var tooLarge = new ApiException(413, "payload_too_large", "The request body is larger than the limit.");
    if (length > DRAIN_LIMIT) {
      ctx.response().putHeader("Connection", "close").endHandler(ended -> request.connection().close());
      ctx.fail(tooLarge);
      return;
    }
    request.handler(dropped -> { });
    request.endHandler(ended -> ctx.fail(tooLarge));
    request.resume();
  }

  /** Closes the upstream connections of requests without a body; call it once the server has drained. */
  public void close() {
    channels.close();
  }

  /** An HTTP/1 request announces its body (Content-Length or Transfer-Encoding); an HTTP/2 one may just send it. */
  public static boolean mayHaveBody(HttpServerRequest request) {
    return request.version() == HttpVersion.HTTP_2 || request.getHeader("Content-Length") != null
        || request.getHeader("Transfer-Encoding") != null;
  }

  /**
   * Sends the request's body and answers the upstream's response: one of announced length as it is, any other
   * counted against the limit as it streams (requests without a body never come here, see {@link #exchange}).
   */
  private Future<HttpClientResponse> body(RoutingContext ctx, HttpClientRequest upstreamRequest, String length) {
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

  private void relay(RoutingContext ctx, HttpClientResponse upstream) {
    var response = ctx.response();
    var upstreamLength = upstream.getHeader("Content-Length");
    if (answerHead(upstream.statusCode(), upstream.headers(), upstreamLength == null ? -1 : parseLength(upstreamLength),
        response)) {
      upstream.body().onSuccess(body -> {
        if (!response.closed()) {
          response.end(body);
        }
      }).onFailure(err -> response.reset());
    } else {
      upstream.pipeTo(response);
    }
  }

  private ApiException translate(Throwable err, URI upstream) {
    if (err instanceof TimeoutException || err.getCause() instanceof TimeoutException
        || err instanceof io.netty.handler.timeout.TimeoutException) {
      return new ApiException(504, "upstream_timeout", "The service behind this path did not answer in time.");
    }
    if (err instanceof ConnectException || err.getCause() instanceof ConnectException
        || err instanceof io.vertx.core.http.HttpClosedException) {
      balancer.failed(upstream);
    }
    return new ApiException(502, "upstream_unavailable", "The service behind this path is unavailable; retry shortly.");
  }

  /** {@code unix:/path} names a co-located service's Unix socket; anything else is {@code http://host:port}. */
  private static void address(URI upstream, RequestOptions options) {
    if (Route.UNIX.equals(upstream.getScheme())) {
      options.setServer(SocketAddress.domainSocketAddress(upstream.getPath())).setHost("localhost");
    } else {
      options.setHost(upstream.getHost()).setPort(upstream.getPort());
    }
  }

  /**
   * The caller's headers minus the hop-by-hop ones, plus the request id and X-Forwarded-* (the caller's own of
   * those are dropped, so each is added once). Written straight into the upstream request: through its options
   * they were copied (and validated) twice.
   */
  private static void upstreamHeaders(RoutingContext ctx, BiConsumer<String, String> add) {
    var request = ctx.request();
    request.headers().forEach(h -> {
      if (!HOP_BY_HOP.contains(h.getKey()) && !h.getKey().equalsIgnoreCase(RequestIds.HEADER)
          && !h.getKey().regionMatches(true, 0, "x-forwarded-", 0, 12)) {
        add.accept(h.getKey(), h.getValue());
      }
    });
    add.accept(RequestIds.HEADER, RequestIds.of(ctx));
    add.accept("X-Forwarded-For", forwardedFor(request));
    add.accept("X-Forwarded-Proto", request.scheme() == null ? "http" : request.scheme());
    add.accept("X-Forwarded-Host", request.authority() == null ? "" : request.authority().toString());
  }

  /**
   * The upstream answer's head for the caller: its status and headers minus the hop-by-hop ones and its request
   * id (ours stands). Answers true when the body, of {@code length} bytes (-1: unknown), is to be collected and
   * written at once (typical API answers: one write, and nothing left to pipe if the caller has gone meanwhile);
   * false when it streams, its length announced or chunked.
   */
  static boolean answerHead(int status, Iterable<Map.Entry<String, String>> upstream, long length,
      HttpServerResponse response) {
    response.setStatusCode(status);
    for (var h : upstream) {
      if (!HOP_BY_HOP.contains(h.getKey()) && !h.getKey().equalsIgnoreCase(RequestIds.HEADER)) {
        response.headers().add(h.getKey(), h.getValue());
      }
    }
    if (length >= 0 && length <= SMALL_BODY_BYTES) {
      return true;
    }
    if (length >= 0) {
      response.putHeader("Content-Length", Long.toString(length));
    } else {
      response.setChunked(true);
    }
    return false;
  }

  private static String forwardedFor(HttpServerRequest request) {
    var client = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    var previous = request.getHeader("X-Forwarded-For");
    return previous == null ? client : previous + ", " + client;
  }

  private static long parseLength(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("bad_request", "Content-Length is not a number.");
    }
  }
}
