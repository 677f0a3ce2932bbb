package dev.orgplane.gateway.routing;

import dev.orgplane.kit.metrics.HeldGauge;
import dev.orgplane.kit.metrics.Metrics;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.CloseFuture;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.shareddata.Shareable;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active health: every address of a route with more than one upstream is asked {@code GET /health/ready} every
 * period, and one that answers anything but 2xx, or cannot be connected to, is not ready until a probe passes again;
 * {@link UpstreamBalancer} skips it meanwhile. One that does not answer within {@value #TIMEOUT_MILLIS} ms, longer
 * than a service gives its own readiness check, is not ready only after {@value #TIMEOUTS_TAKEN_OUT} such probes in a
 * row: a loaded but healthy instance may miss one, and taken out at once its load went to the others, which then
 * missed theirs (the upstreams flapped in and out). A probe still in flight when the next is due (a period shorter
 * than the timeout) is not sent again meanwhile. A service that listens but cannot serve (one cut off from org-service
 * or its database, one giving notice of its stop) answers its own readiness 503: without probes, its callers met its
 * 503s. The address of a route with one upstream
 * is not probed: with nowhere else to send, its requests go to it ready or not, so a probe would change nothing.
 *
 * <p>One set of probes per gateway deployment, shared by its instances ({@link #shared}) until the last of them stops
 * ({@link #release}), on a Vert.x context and a client of its own, which no instance's stop ends: one connection per
 * address and one probe in flight per address at most, never waiting behind callers' requests for a connection, and
 * never sending a caller's headers (the services answer readiness without a token). An address is ready until a probe says otherwise, so the gateway sends from its start
 * on. Readiness per address is a gauge ({@value #READY}), held while the deployment probes it: one that stopped, or
 * was deployed again without that address, must not leave its last reading in {@code /metrics}.
 */
final class ReadinessProbes implements Shareable {

  static final String PATH = "/health/ready";
  static final String READY = "orgplane_gateway_upstream_ready";
  private static final String SHARED_MAP = "orgplane.gateway.readiness-probes";
  /** Above the services' 2 s budget for their own readiness check, which answers 503 past it. */
  static final long TIMEOUT_MILLIS = 2_500;
  static final int TIMEOUTS_TAKEN_OUT = 2;
  private static final Logger LOG = LoggerFactory.getLogger(ReadinessProbes.class);

  private final Set<URI> notReady = ConcurrentHashMap.newKeySet();
  private final Set<URI> inFlight = ConcurrentHashMap.newKeySet();
  /** The probes in a row per address that timed out, while fewer than {@link #TIMEOUTS_TAKEN_OUT}. */
  private final Map<URI, Integer> timeoutsInARow = new ConcurrentHashMap<>();
  private final Map<URI, HeldGauge> gauges = new ConcurrentHashMap<>();
  private final Vertx vertx;
  /** What the probes' context ends at their last release: the client made on it registers there. */
  private final CloseFuture ended = new CloseFuture();
  /** Where the probes are sent from: their client and timer are made, used and ended on it alone. */
  private final Context context;
  private HttpClient client;
  private long timer;
  /** The deployment's instances that hold these probes; changed only in the shared map's compute, one at a time. */
  private int holders;

  private ReadinessProbes(Vertx vertx, List<URI> addresses, long periodMillis) {
    this.vertx = vertx;
    for (var address : addresses) {
      var gauge = HeldGauge.hold(Metrics.registry(), READY, "1 while an upstream's /health/ready answers the "
          + "gateway's probes 2xx, 0 while not (probed only for routes with more than one upstream)", "upstream",
          address.toString());
      gauge.count().set(1);
      gauges.put(address, gauge);
    }
    this.context = contextOfNoDeployment(vertx, ended);
    context.runOnContext(start -> {
      // a connection reset fails its probe, which says so; Vert.x would log each at ERROR besides
      client = vertx.httpClientBuilder()
          .with(new HttpClientOptions().setKeepAlive(true).setConnectTimeout((int) Math.min(TIMEOUT_MILLIS,
              ProxyHandler.CONNECT_TIMEOUT_MILLIS)))
          .with(new PoolOptions().setHttp1MaxSize(1))
          .withConnectHandler(connection -> connection.exceptionHandler(reset -> { })).build();
      timer = vertx.setPeriodic(1, periodMillis, id -> addresses.forEach(this::probe));
    });
  }

  /**
   * A context of the probes' own. Vert.x ends what a deployment's instance made on its context (cancels its timers,
   * closes its clients) once that instance has stopped, and the instances stop one by one, each once its server has
   * drained: probes made on the context of the instance that asked first would end with it, while the others still
   * send by their last readings. So the context belongs to no deployment, and it ends at {@code ended}, not at
   * Vert.x's own close: a client registers with its context's close future, and a closed client does not take itself
   * off it, so on one Vert.x holds until it closes every deployment's probes kept one closed client. Only Vert.x's
   * internal API makes a context with a close future of one's own ({@code ReadinessProbesTest} pins it).
   */
  private static Context contextOfNoDeployment(Vertx vertx, CloseFuture ended) {
    return ((VertxInternal) vertx).contextBuilder().withCloseFuture(ended).build();
  }

  /**
   * Whether an upstream is ready, as the probes of the deployment running this code judge: started on first use by the
   * instance asking, every {@code periodMillis} over the addresses of {@code routes} that have more than one upstream.
   * With no such address, or {@code periodMillis} 0, nothing is probed and every upstream is ready.
   */
  static Predicate<URI> shared(Vertx vertx, RouteTable routes, long periodMillis) {
    var addresses = periodMillis == 0 ? List.<URI>of() : probed(routes);
    if (addresses.isEmpty()) {
      return upstream -> true;
    }
    return vertx.sharedData().<String, ReadinessProbes>getLocalMap(SHARED_MAP).compute(
        vertx.getOrCreateContext().deploymentID(), (deployment, held) -> {
          var probes = held != null ? held : new ReadinessProbes(vertx, addresses, periodMillis);
          probes.holders++;
          return probes;
        })::ready;
  }

  /**
   * Lets go of the probes of {@code deployment} for one of its instances: the last to let go stops them. Each instance
   * stops once its own server has drained, and those still draining go on sending by the probes' readings.
   */
  static void release(Vertx vertx, String deployment) {
    vertx.sharedData().<String, ReadinessProbes>getLocalMap(SHARED_MAP).computeIfPresent(deployment, (id, probes) -> {
      if (--probes.holders > 0) {
        return probes;
      }
      // on their context, so after their start even where the last instance lets go before it has run
      probes.context.runOnContext(stop -> {
        probes.vertx.cancelTimer(probes.timer);
        probes.ended.close();
      });
      probes.gauges.values().forEach(HeldGauge::release);
      return null;
    });
  }

  private static List<URI> probed(RouteTable routes) {
    return routes.routes().stream().filter(route -> route.upstreams().size() > 1)
        .flatMap(route -> route.upstreams().stream()).distinct().toList();
  }

  /** Whether {@code upstream}'s last probe passed, or it has not been probed yet. */
  boolean ready(URI upstream) {
    return !notReady.contains(upstream);
  }

  private void probe(URI upstream) {
    if (!inFlight.add(upstream)) {
      return;
    }
    var options = new RequestOptions().setMethod(HttpMethod.GET).setURI(PATH).setConnectTimeout(TIMEOUT_MILLIS)
        .setIdleTimeout(TIMEOUT_MILLIS);
    BodyForwarder.address(upstream, options);
    client.request(options).compose(HttpClientRequest::send)
        .compose(answer -> answer.body().map(body -> answer.statusCode() / 100 == 2 ? null
            : "answered " + answer.statusCode()))
        .onComplete(outcome -> {
          inFlight.remove(upstream);
          judge(upstream, outcome.succeeded() ? outcome.result() : "failed: " + outcome.cause(),
              outcome.failed() && timedOut(outcome.cause()));
        });
  }

  /** A connection or an answer not had in time, as opposed to one refused or reset. */
  private static boolean timedOut(Throwable failure) {
    return failure instanceof TimeoutException || failure instanceof ConnectTimeoutException;
  }

  /** {@code whyNot}: why the probe of {@code upstream} failed, null when it passed; {@code timedOut}: by a timeout. */
  private void judge(URI upstream, String whyNot, boolean timedOut) {
    if (!timedOut) {
      timeoutsInARow.remove(upstream);
    } else if (timeoutsInARow.merge(upstream, 1, Integer::sum) < TIMEOUTS_TAKEN_OUT) {
      return;
    }
    boolean passed = whyNot == null;
    if (passed ? notReady.remove(upstream) : notReady.add(upstream)) {
      gauges.get(upstream).count().set(passed ? 1 : 0);
      if (passed) {
        LOG.info("Upstream {} is ready again", upstream);
      } else {
        LOG.warn("Upstream {} is not ready: its {} {}; skipped until it answers 2xx within {} ms", upstream, PATH,
            whyNot, TIMEOUT_MILLIS);
      }
    }
  }
}
