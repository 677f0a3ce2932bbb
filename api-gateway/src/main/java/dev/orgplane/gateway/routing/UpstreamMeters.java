package dev.orgplane.gateway.routing;

import dev.orgplane.kit.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import java.net.URI;

/**
 * What went wrong with each upstream, in {@code /metrics}: while a service is redeployed, its failures and the
 * requests sent once more show what the gateway hid from the clients; failures that keep coming are an upstream
 * down or hung.
 */
final class UpstreamMeters {

  private static final String FAILURES = "orgplane_gateway_upstream_failures";
  private static final String REPEATS = "orgplane_gateway_repeated_requests";
  private static final String NOTICES = "orgplane_gateway_upstream_stop_notices";

  /** Why an exchange with an upstream failed. */
  enum Failure {
    UNREACHABLE, BROKEN, TIMEOUT, MALFORMED;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private UpstreamMeters() {
  }

  static void failed(URI upstream, Failure failure) {
    Counter.builder(FAILURES).description("Exchanges with an upstream that failed, by why: unreachable (no "
            + "connection), broken (closed or reset under a request), timeout, malformed (an answer not relayable)")
        .tag("upstream", upstream.toString()).tag("failure", failure.label()).register(Metrics.registry()).increment();
  }

  /** {@code upstream} said in an answer that it closes the connection: it is stopping, and is left out. */
  static void stopping(URI upstream) {
    Counter.builder(NOTICES).description("Answers in which an upstream said it closes the connection (a service "
            + "giving notice of its stop): it is left out for the quarantine")
        .tag("upstream", upstream.toString()).register(Metrics.registry()).increment();
  }

  /** A request the gateway sent once more, its connection to {@code upstream} broken before the answer. */
  static void repeated(URI upstream) {
    Counter.builder(REPEATS).description("Requests sent once more after their connection to the upstream broke")
        .tag("upstream", upstream.toString()).register(Metrics.registry()).increment();
  }
}
