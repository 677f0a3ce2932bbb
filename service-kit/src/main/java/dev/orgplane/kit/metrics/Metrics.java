package dev.orgplane.kit.metrics;

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

/**
 * One Prometheus registry per process. Vert.x reports HTTP server and pool metrics into it
 * when the process created its Vertx with {@link #vertxOptions()}; every service exposes it at
 * {@code /metrics}.
 */
public final class Metrics {

  private static final PrometheusMeterRegistry REGISTRY = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  private Metrics() {
  }

  public static PrometheusMeterRegistry registry() {
    return REGISTRY;
  }

  public static VertxOptions vertxOptions() {
    // One process may run several services: every server, pool and client must be told apart, or they
    // register the same untagged meter, only the first counts, and every start warns. So HTTP servers
    // carry their local address and SQL clients their name (the pool's, see Database); raw TCP client
    // metrics are left out (they have no such label; pool metrics cover those connections). HTTP client
    // metrics too: every call they would time is timed by the called service's server metrics, and at the
    // gateway they cost a meter lookup per request and per hop.
    return new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
        .setJvmMetricsEnabled(true).setDisabledMetricsCategories(Set.of(MetricsDomain.NET_CLIENT.toCategory(),
            MetricsDomain.HTTP_CLIENT.toCategory()))
        .addLabels(Label.LOCAL, Label.NAMESPACE));
  }

  /** The factory that binds Vert.x metrics to our registry; pass to {@code Vertx.builder().withMetrics(...)}. */
  public static MicrometerMetricsFactory factory() {
    return new MicrometerMetricsFactory(REGISTRY);
  }

  public static void mount(Router router) {
    router.get("/metrics").handler(PrometheusScrapingHandler.create(REGISTRY));
  }
}
