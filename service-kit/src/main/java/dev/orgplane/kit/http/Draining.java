package dev.orgplane.kit.http;

import dev.orgplane.kit.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A stop in two steps: notice, then drain. Vert.x's shutdown closes an idle kept-alive HTTP/1.1 connection at once,
 * and a busy one right after its answer, without a word: a caller (the gateway) that sent its next request on it
 * meanwhile cannot know whether it was done, and a POST without an {@code Idempotency-Key} cannot be sent again. So
 * for a notice period first the servers go on answering, but every HTTP/1.x answer says {@code Connection: close}
 * and its connection is closed after it (the caller opens a new one for its next request, and finds the port closed
 * once the notice is over), and readiness ({@link #readiness}) fails for a load balancer that asks. HTTP/2 needs no
 * notice: the drain's GOAWAY tells its callers which requests were never processed.
 */
public final class Draining {

  static final String NOTICE = "ORGPLANE_SHUTDOWN_NOTICE_MILLIS";
  static final String GRACE = "ORGPLANE_SHUTDOWN_GRACE_SECONDS";

  private final Vertx vertx;
  private final long noticeMillis;
  private final long graceSeconds;
  private volatile boolean noticeGiven;

  /**
   * Notice for {@value #NOTICE} milliseconds, then a grace of {@value #GRACE} seconds, both read now: a value that
   * cannot be used fails the start, not the stop.
   */
  public Draining(Vertx vertx, Settings settings) {
    this.vertx = vertx;
    this.noticeMillis = noticeMillis(settings);
    this.graceSeconds = graceSeconds(settings);
  }

  /**
   * The longest the stop of a service configured by {@code settings} waits for its callers, in whole seconds: its
   * notice (a part of a second counted whole), then its grace; {@link Long#MAX_VALUE} if that is longer. Whatever the
   * service uses (a database it runs on) must outlast it.
   */
  public static long longestSeconds(Settings settings) {
    var notice = noticeMillis(settings);
    var noticeSeconds = notice / 1000 + (notice % 1000 == 0 ? 0 : 1);
    return Math.min(graceSeconds(settings), Long.MAX_VALUE - noticeSeconds) + noticeSeconds;
  }

  private static long noticeMillis(Settings settings) {
    return settings.longValue(NOTICE, 0, Long.MAX_VALUE);
  }

  private static long graceSeconds(Settings settings) {
    return settings.longValue(GRACE, 0, Long.MAX_VALUE);
  }

  /**
   * The service's readiness {@code check}, failing from the notice on. Judged by the health route, so the refusal is
   * logged and counted as every answer is.
   */
  public Supplier<Future<?>> readiness(Supplier<Future<?>> check) {
    return () -> noticeGiven ? Future.failedFuture("the service is stopping") : check.get();
  }

  /**
   * Whether notice has been given: what would hold the drain for the whole grace (an event stream, {@link
   * ProgressEvents}) lets its request go.
   */
  public boolean noticeGiven() {
    return noticeGiven;
  }

  /** {@code handler} as the servers of this service run it: closing HTTP/1.x connections while the notice runs. */
  public Handler<HttpServerRequest> around(Handler<HttpServerRequest> handler) {
    return request -> {
      if (noticeGiven && request.version() != HttpVersion.HTTP_2) {
        request.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
        // closed once the answer is out; the grace bounds an answer that never ends, as the drain's does
        request.connection().shutdown(graceSeconds, TimeUnit.SECONDS);
      }
      handler.handle(request);
    };
  }

  /**
   * Gives notice, then stops every server accepting and lets in-flight requests finish for up to the grace. A server
   * not started (null) is skipped.
   */
  public Future<Void> drain(HttpServer... servers) {
    noticeGiven = true;
    var notice = noticeMillis > 0 ? vertx.timer(noticeMillis).<Void>mapEmpty() : Future.<Void>succeededFuture();
    return notice.compose(v -> Future.all(Arrays.stream(servers)
        .map(server -> ServiceHttp.drain(server, graceSeconds)).toList()).mapEmpty());
  }
}
