package dev.orgplane.kit.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Counts and times the requests a service answers: {@value #REQUESTS}{service, method, status} (count, sum
 * and max of the seconds from arrival to the answer's end, or to the connection's loss) and
 * {@value #ACTIVE}{service}; and, per listener, {@value #CONNECTIONS}{listener}. It stands in for Vert.x's
 * own HTTP server metrics, which build four tag sets and look four meters up in the registry for every
 * request: at the gateway, about 5 µs of CPU per proxied read. Here each (method, status) finds its timer in
 * an array after the first request. A request whose connection was gone before any answer went out (its caller
 * hung up) counts as status {@value #CLOSED_BY_CLIENT}, as nginx logs a request its client closed, not as the 200
 * its unwritten response still holds. A status outside HTTP's 100 to 599 counts as {@value #OTHER_STATUS}.
 */
public final class HttpMetrics implements Handler<RoutingContext> {

  static final String REQUESTS = "orgplane_http_server_requests";
  static final String ACTIVE = "orgplane_http_server_active_requests";
  static final String CONNECTIONS = "orgplane_http_server_connections";
  private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");
  private static final String OTHER_METHOD = "OTHER";
  private static final int STATUSES = 600;
  /** HTTP's statuses are 100 to 599: one outside them (an upstream's 999 the gateway relays) has no slot of its own. */
  private static final int FIRST_STATUS = 100;
  /**
   * The statuses outside HTTP's share one slot, so one label: were it tagged with the first such status, a later 700
   * would be counted as the 999 that came first.
   */
  private static final int OTHER_STATUS_SLOT = 0;
  private static final String OTHER_STATUS = "other";
  public static final int CLOSED_BY_CLIENT = 499;
  private final String service;
  private final MeterRegistry registry;
  private final AtomicLong active;
  private final AtomicReferenceArray<Timer> timers = new AtomicReferenceArray<>((METHODS.size() + 1) * STATUSES);

  public HttpMetrics(String service) {
    this(service, Metrics.registry());
  }

  HttpMetrics(String service, MeterRegistry registry) {
    this.service = service;
    this.registry = registry;
    this.active = Metrics.sharedGauge(registry, ACTIVE, "Requests being answered", "service", service);
  }

  /** Counts the open connections of the server listening at {@code listener} (an address, or a socket's path). */
  public static Handler<HttpConnection> connections(String listener) {
    var open = Metrics.sharedGauge(Metrics.registry(), CONNECTIONS, "Open connections", "listener", listener);
    return connection -> {
      open.incrementAndGet();
      connection.closeHandler(closed -> open.decrementAndGet());
    };
  }

  @Override
  public void handle(RoutingContext ctx) {
    long started = begin();
    ctx.addEndHandler(ended -> {
      var response = ctx.response();
      end(ctx.request().method().name(), response.headWritten() ? response.getStatusCode() : CLOSED_BY_CLIENT,
          started);
    });
    ctx.next();
  }

  /**
   * A request arrived that is answered without vertx-web (the gateway's reads served below it): counted active until
   * {@link #end}; answers the time it began.
   */
  public long begin() {
    active.incrementAndGet();
    return System.nanoTime();
  }

  /** The request that {@link #begin} counted is answered by another, which counts it itself. */
  public void handedOff() {
    active.decrementAndGet();
  }

  /**
   * The request that {@link #begin} answered {@code started} for ended with {@code status}, or
   * {@link #CLOSED_BY_CLIENT} when no answer went out.
   */
  public void end(String method, int status, long started) {
    active.decrementAndGet();
    timer(method, status).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
  }

  private Timer timer(String method, int status) {
    int methodIndex = METHODS.indexOf(method);
    if (methodIndex < 0) {
      methodIndex = METHODS.size();
    }
    boolean named = status >= FIRST_STATUS && status < STATUSES;
    int index = methodIndex * STATUSES + (named ? status : OTHER_STATUS_SLOT);
    var timer = timers.get(index);
    if (timer == null) {
      // registering again finds the meter another instance registered: the same timer
      timer = Timer.builder(REQUESTS).description("Requests answered, by method and status")
          .tag("service", service).tag("method", methodIndex < METHODS.size() ? method : OTHER_METHOD)
          .tag("status", named ? String.valueOf(status) : OTHER_STATUS).register(registry);
      timers.set(index, timer);
    }
    return timer;
  }
}
