package dev.orgplane.kit.http;

import dev.orgplane.kit.config.Settings;
import dev.orgplane.kit.health.HealthRoutes;
import dev.orgplane.kit.metrics.HttpMetrics;
import dev.orgplane.kit.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The HTTP skeleton every service shares, in the order requests meet it: metrics, request id, access log, a path
 * with dot-segments refused, a query that is not valid percent-encoding refused, a method the API document does not
 * name on its path refused, health and metrics, body limit; the service mounts its own routes on the returned
 * router; one failure handler answers problem+json for everything.
 */
public final class ServiceHttp {

  /**
   * Answers shorter than this go uncompressed to a client that takes gzip: a compressor is set up for every answer it
   * encodes (a Deflater and its buffers), which costs more CPU than the few bytes a short answer loses are worth.
   * Vert.x weighs an HTTP/1 answer it writes whole, or the first piece of one it streams, against it; an HTTP/2
   * answer of known length is weighed by {@link ShortHttp2Answers}.
   */
  public static final int COMPRESSED_FROM_BYTES = 1024;

  private ServiceHttp() {
  }

  /**
   * {@code ORGPLANE_BODY_LIMIT_BYTES}: at least 1, at most what one buffer holds (a body is read whole); -1, which
   * Vert.x's body handler takes for "no limit", made the gateway refuse every body instead.
   */
  public static long bodyLimitBytes(Settings settings) {
    return settings.integer("ORGPLANE_BODY_LIMIT_BYTES", 1, Integer.MAX_VALUE);
  }

  public static Router router(Vertx vertx, String service, long bodyLimitBytes, Supplier<Future<?>> readiness) {
    var router = Router.router(vertx);
    observe(router, service);
    router.route().handler(new DotSegments());
    router.route().handler(new MalformedQueries());
    router.route().handler(new DocumentedMethods());
    HealthRoutes.mount(router, readiness);
    Metrics.mount(router);
    router.route().handler(new BodyMediaTypes());
    router.route().handler(BodyHandler.create(false).setBodyLimit(bodyLimitBytes));
    ProblemFailureHandler.install(router);
    return router;
  }

  /**
   * What every request meets first at every hop: it is counted and timed, gets its id, and is logged; a short answer
   * over HTTP/2 goes uncompressed, as over HTTP/1 ({@link ShortHttp2Answers}).
   */
  public static void observe(Router router, String service) {
    router.route().handler(new HttpMetrics(service));
    router.route().handler(new RequestIds());
    router.route().handler(new AccessLog(service));
    router.route().handler(new ShortHttp2Answers());
  }

  /** A service's server, reading heads up to {@link HeadLimits#SERVICE}. */
  public static Future<HttpServer> listen(Vertx vertx, Handler<HttpServerRequest> handler, String host, int port) {
    return listen(vertx, handler, serverOptions(HeadLimits.SERVICE, host, port, 0), connection -> { });
  }

  /**
   * A server that closes a connection on which no byte went either way for {@code idleTimeoutSeconds} (0: never): a
   * public door must not keep what a client opened and left, or a request it stopped sending halfway.
   */
  public static Future<HttpServer> listen(Vertx vertx, Handler<HttpServerRequest> handler, String host, int port,
      int idleTimeoutSeconds, HeadLimits limits, Handler<HttpConnection> opened) {
    return listen(vertx, handler, serverOptions(limits, host, port, idleTimeoutSeconds), opened);
  }

  /**
   * {@link #listen(Vertx, Handler, String, int, int, HeadLimits)} without HTTP/2: a request saying
   * {@code Upgrade: h2c} is answered over HTTP/1.1, its upgrade ignored (RFC 9110, 7.8), and a connection opened with
   * HTTP/2's preface is refused. Vert.x 5.0 has one switch for the upgrade and for prior knowledge.
   */
  public static Future<HttpServer> listenHttp1(Vertx vertx, Handler<HttpServerRequest> handler, String host, int port,
      int idleTimeoutSeconds, HeadLimits limits, Handler<HttpConnection> opened) {
    return listen(vertx, handler, serverOptions(limits, host, port, idleTimeoutSeconds).setHttp2ClearTextEnabled(false),
        opened);
  }

  private static HttpServerOptions serverOptions(HeadLimits limits, String host, int port, int idleTimeoutSeconds) {
    return serverOptions(limits).setHost(host).setPort(port).setIdleTimeout(idleTimeoutSeconds);
  }

  /**
   * HTTPS with the PEM certificate chain and private key at these paths: HTTP/2 (negotiated by ALPN) and
   * HTTP/1.1 on one port; idle connections are closed as by
   * {@link #listen(Vertx, Handler, String, int, int, HeadLimits)}.
   */
  public static Future<HttpServer> listenTls(Vertx vertx, Handler<HttpServerRequest> handler, String host, int port,
      String certPath, String keyPath, int idleTimeoutSeconds, HeadLimits limits, Handler<HttpConnection> opened) {
    return listen(vertx, handler, serverOptions(limits, host, port, idleTimeoutSeconds)
        .setSsl(true).setUseAlpn(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(certPath).setKeyPath(keyPath)),
        opened);
  }

  /** {@code opened} is told of each connection the server accepts, after it is counted. */
  private static Future<HttpServer> listen(Vertx vertx, Handler<HttpServerRequest> handler, HttpServerOptions options,
      Handler<HttpConnection> opened) {
    var host = options.getHost();
    var port = options.getPort();
    return server(vertx, handler, options, host + ":" + port, opened)
        .listen()
        .recover(err -> Future.failedFuture(new IllegalStateException(
            "cannot listen on " + host + ":" + port + ": " + err.getMessage(), err)));
  }

  /**
   * A server for {@code handler} whose connections are counted as {@code listener}'s; what it cannot read as HTTP is
   * answered by {@link MalformedRequests}.
   */
  static HttpServer server(Vertx vertx, Handler<HttpServerRequest> handler, HttpServerOptions options,
      String listener) {
    return server(vertx, handler, options, listener, connection -> { });
  }

  private static HttpServer server(Vertx vertx, Handler<HttpServerRequest> handler, HttpServerOptions options,
      String listener, Handler<HttpConnection> opened) {
    var counted = HttpMetrics.connections(listener);
    return vertx.createHttpServer(options).connectionHandler(connection -> {
          counted.handle(connection);
          opened.handle(connection);
        })
        .invalidRequestHandler(new MalformedRequests()).requestHandler(handler);
  }

  /**
   * Strict thread mode: every answer is written on the connection's event loop (handlers, database
   * and blocking-task callbacks all run there), so Vert.x writes straight to the channel instead of
   * through a queue made for writers on other threads. No WebSocket compression: nothing here speaks
   * WebSocket, and offering it puts an extension handler in front of every request. At the gateway
   * the two cut its CPU per proxied read by about a seventh.
   *
   * <p>A request saying {@code Expect: 100-continue} is told to go on at once: a client waiting for that (curl with a
   * body over 1 MiB, or asked to) waited a second for nothing before it sent its body. Heads are read up to
   * {@code limits}.
   */
  static HttpServerOptions serverOptions(HeadLimits limits) {
    return limits.applyTo(new HttpServerOptions().setCompressionSupported(true)
        .setCompressionContentSizeThreshold(COMPRESSED_FROM_BYTES).setTcpNoDelay(true)
        .setStrictThreadMode(true).setHandle100ContinueAutomatically(true)
        .setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false));
  }

  /**
   * Stops accepting, lets in-flight requests finish for up to the grace period, then closes; a server not started
   * (null) is skipped. A service's own servers give their callers notice first ({@link Draining}).
   */
  public static Future<Void> drain(HttpServer server, long graceSeconds) {
    return server == null ? Future.succeededFuture() : server.shutdown(graceSeconds, TimeUnit.SECONDS);
  }
}
