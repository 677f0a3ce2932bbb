package dev.orgplane.kit.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One Prometheus registry per process. Vert.x reports pool and SQL client metrics into it
 * when the process created its Vertx with {@link #vertxOptions()}, {@link HttpMetrics} the requests;
 * every service exposes it at {@code /metrics}.
 */
public final class Metrics {

  private static final PrometheusMeterRegistry REGISTRY = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  private Metrics() {
  }

  public static PrometheusMeterRegistry registry() {
    return REGISTRY;
  }

  public static VertxOptions vertxOptions() {
    // One process may run several services: every pool and SQL client must be told apart, or they register the
    // same untagged meter, only the first counts, and every start warns. So SQL clients carry their name (the
    // pool's, see Database). HTTP requests are counted by HttpMetrics, labelled by service, at a fraction of the
    // cost of Vert.x's HTTP server metrics. TCP client metrics are left out (they have no such label; pool
    // metrics cover those connections), and so are HTTP client metrics: the called service times every call.
    return new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
        .setJvmMetricsEnabled(true).setDisabledMetricsCategories(Set.of(MetricsDomain.NET_CLIENT.toCategory(),
            MetricsDomain.HTTP_CLIENT.toCategory(), MetricsDomain.HTTP_SERVER.toCategory()))
        .addLabels(Label.NAMESPACE));
  }

  /** The factory that binds Vert.x metrics to our registry; pass to {@code Vertx.builder().withMetrics(...)}. */
  public static MicrometerMetricsFactory factory() {
    return new MicrometerMetricsFactory(REGISTRY);
  }

  /**
   * The count behind gauge {@code name}{tag=value} of {@code registry}, registered on first use and kept for the
   * process: a {@link HeldGauge} never let go, so the instances of a service (the gateway deploys one per event loop)
   * count into one number.
   */
  public static AtomicLong sharedGauge(MeterRegistry registry, String name, String description, String tag,
      String value) {
    return HeldGauge.hold(registry, name, description, tag, value).count();
  }

  public static void mount(Router router) {
    router.get("/metrics").handler(PrometheusScrapingHandler.create(REGISTRY));
  }
}
