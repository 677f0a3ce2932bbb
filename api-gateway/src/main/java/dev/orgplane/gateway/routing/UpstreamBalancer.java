package dev.orgplane.gateway.routing;

import dev.orgplane.gateway.routing.UpstreamMeters.Failure;
import dev.orgplane.kit.http.ApiException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Round-robin over a route's upstreams with passive health: an upstream that just could not be connected to, closed
 * the connection, did not answer in time or said it is stopping is skipped for {@code quarantineMillis}; and with
 * active health: one whose readiness probe failed ({@link ReadinessProbes}) is skipped until a probe passes. Unless
 * every upstream is skipped: then one not quarantined (it takes connections, though not ready) is tried, round-robin,
 * and with all quarantined the one that failed longest ago (while services are redeployed one after the other, that
 * is the one back already), rather than none. A request has a chance there; a 503 of the gateway's own has none, and
 * the upstream's own answer says more.
 */
final class UpstreamBalancer {

  private static final String BUSY = "upstream_busy";
  /** A busy pool frees a connection with each answer: soon. */
  private static final String BUSY_RETRY_AFTER_SECONDS = "1";

  private final long quarantineMillis;
  private final Predicate<URI> ready;
  private final Map<URI, Long> failedUntil = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> cursors = new ConcurrentHashMap<>();

  UpstreamBalancer(long quarantineMillis, Predicate<URI> ready) {
    this.quarantineMillis = quarantineMillis;
    this.ready = ready;
  }

  /** {@code now}: the caller's clock, read once for the pick and for the {@link #answered} its answer may bring. */
  URI pick(Route route, long now) {
    var upstreams = route.upstreams();
    var cursor = cursors.computeIfAbsent(route.prefix(), p -> new AtomicInteger());
    int start = cursor.get();
    URI soonestBack = null;
    long soonestUntil = Long.MAX_VALUE;
    for (int i = 0; i < upstreams.size(); i++) {
      var candidate = upstreams.get(Math.floorMod(start + i, upstreams.size()));
      // one not quarantined is back now, ready or not
      long until = Math.max(failedUntil.getOrDefault(candidate, 0L), now);
      if (until == now && ready.test(candidate)) {
        cursor.set(start + i + 1);
        return candidate;
      }
      if (until < soonestUntil) {
        soonestBack = candidate;
        soonestUntil = until;
      }
    }
    // the next pick begins one further on: so upstreams that are all not ready take turns
    cursor.set(start + 1);
    return soonestBack;
  }

  private void failed(URI upstream) {
    failedUntil.put(upstream, System.currentTimeMillis() + quarantineMillis);
  }

  /**
   * {@code upstream} answered a request sent at {@code sentAtMillis}: out of quarantine, unless the quarantine began
   * after that. A service being redeployed still answers the requests it took before it stopped taking new ones;
   * those answers must not let new requests in on its way out. An answer that says {@code Connection: close}
   * ({@code closing}) is what our services give while they give notice of their stop: the upstream is left out from
   * now, as if it had failed, so that no request is sent on its idle connections as it closes them. But not one
   * with a {@code status} that refuses the request's head as unreadable (400, 414, 431), after which our services
   * close the connection whether they stop or not: that says nothing of the upstream, and a caller's oversized head
   * must not take a healthy upstream out.
   */
  void answered(URI upstream, long sentAtMillis, int status, boolean closing) {
    if (closing && !refusesHead(status)) {
      UpstreamMeters.stopping(upstream);
      failed(upstream);
    } else {
      failedUntil.computeIfPresent(upstream, (failed, until) -> until - quarantineMillis < sentAtMillis ? null : until);
    }
  }

  /** A status the services' HTTP decoder answers a head it cannot read with (MalformedRequests, in service-kit). */
  private static boolean refusesHead(int status) {
    return status == 400 || status == 414 || status == 431;
  }

  /** The connection closed or was reset before the answer: not a timeout, where the upstream may still be at work. */
  static boolean brokenConnection(Throwable err) {
    return err instanceof HttpClosedException || err instanceof IOException;
  }

  /**
   * The caller's problem for an exchange with {@code upstream} that failed with {@code err}: 504 when it did not
   * answer in time, else 502. An upstream that did not answer in time, closed or reset the connection, or could not be
   * {@code connected} to at all, however that failed (refused; a Unix socket whose file is gone while its service
   * restarts; a connect timeout), is quarantined: a hung one left in rotation made every other request wait out the
   * route's timeout, and one that is down would meet every other request's retry half of the time. A request that
   * found every connection busy ({@link NoFreeConnection}) is 503, and neither counted nor quarantines anything.
   */
  ApiException failure(Throwable err, URI upstream, boolean connected) {
    if (err instanceof NoFreeConnection) {
      return new ApiException(503, BUSY, "Every connection to the service behind this path is busy; retry shortly.");
    }
    var failure = timedOut(err) ? Failure.TIMEOUT : !connected ? Failure.UNREACHABLE
        : brokenConnection(err) ? Failure.BROKEN : Failure.MALFORMED;
    UpstreamMeters.failed(upstream, failure);
    if (failure != Failure.MALFORMED) {
      failed(upstream);
    }
    return failure == Failure.TIMEOUT
        ? new ApiException(504, "upstream_timeout", "The service behind this path did not answer in time.")
        : new ApiException(502, "upstream_unavailable", "The service behind this path is unavailable; retry shortly.");
  }

  /** Answers {@code problem}; one for a busy pool says when to try again. */
  static void fail(RoutingContext ctx, ApiException problem) {
    if (BUSY.equals(problem.code())) {
      ctx.response().putHeader("Retry-After", BUSY_RETRY_AFTER_SECONDS);
    }
    ctx.fail(problem);
  }

  private static boolean timedOut(Throwable err) {
    return err instanceof TimeoutException || err.getCause() instanceof TimeoutException
        || err instanceof io.netty.handler.timeout.TimeoutException;
  }
}
