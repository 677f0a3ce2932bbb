package dev.orgplane.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.metrics.Metrics;
import dev.orgplane.kit.testing.TestKeys;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An upstream that listens but whose {@code /health/ready} is not 2xx (a service still starting, or cut off from what
 * it needs) is sent no caller's request while another of its route is ready; the gateway's probes find out, every
 * {@value #PROBE_MILLIS} ms here.
 */
@ExtendWith(VertxExtension.class)
class ReadyUpstreamsTest {

  private static final String ISSUER = "http://gateway.test";
  /** Short: probes are sent often, yet each is given its timeout, so a ready upstream never seems not. */
  private static final int PROBE_MILLIS = 400;
  /** How long the gateway waits for a probe's answer, whatever the period. */
  private static final long PROBE_TIMEOUT_MILLIS = 2_500;
  /** Many periods: a loaded machine may be slow to probe, and a wait that ends early costs nothing. */
  private static final long DEADLINE_MILLIS = 10_000;
  private final TestKeys keys = TestKeys.generate("own");
  private Vertx vertx;
  private WebClient client;
  private String token;
  /** The deployment of the last gateway {@link #gatewayTo} started. */
  private String gateway;

  /** A service's stand-in: its readiness as set, caller requests counted, the headers of its probes kept. */
  private final class Upstream {
    volatile int readiness = 200;
    /** Probes to answer late, each after this many milliseconds: a loaded instance's. */
    final AtomicInteger slowProbes = new AtomicInteger();
    volatile long slowProbeMillis;
    final AtomicInteger served = new AtomicInteger();
    final Set<String> probeHeaders = ConcurrentHashMap.newKeySet();
    final HttpServer server;

    Upstream() {
      server = vertx.createHttpServer().requestHandler(req -> {
        if (req.path().equals("/health/ready")) {
          req.headers().names().forEach(name -> probeHeaders.add(name.toLowerCase(java.util.Locale.ROOT)));
          if (slowProbes.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
            vertx.setTimer(slowProbeMillis, id -> req.response().setStatusCode(readiness).end());
          } else {
            req.response().setStatusCode(readiness).end();
          }
        } else {
          served.incrementAndGet();
          req.response().end("served");
        }
      }).listen(0, "127.0.0.1").await();
    }

    String url() {
      return "http://127.0.0.1:" + server.actualPort();
    }
  }

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    client = WebClient.create(vertx);
    token = "Bearer " + keys.sign(vertx, TestKeys.claims(ISSUER, "orgplane", "alice"));
  }

  private int gatewayTo(Upstream... upstreams) {
    var gateway = gateway("0", upstreams);
    this.gateway = vertx.deployVerticle(gateway).await();
    return gateway.port();
  }

  /** A gateway listening on {@code port}, its route to {@code upstreams}. */
  private GatewayVerticle gateway(String port, Upstream... upstreams) {
    var keyServer = vertx.createHttpServer().requestHandler(req -> req.response()
        .end(new JsonObject().put("keys", new JsonArray().add(keys.publicJwk())).encode()))
        .listen(0, "127.0.0.1").await();
    var urls = new JsonArray();
    for (var upstream : upstreams) {
      urls.add(upstream.url());
    }
    return new GatewayVerticle(new JsonObject()
        .put("ORGPLANE_HTTP_HOST", "127.0.0.1").put("ORGPLANE_HTTP_PORT", port)
        .put("ORGPLANE_ORG_SERVICE_URL", "http://127.0.0.1:" + keyServer.actualPort())
        .put("ORGPLANE_PUBLIC_URL", ISSUER)
        .put("ORGPLANE_GATEWAY_READY_PROBE_MILLIS", String.valueOf(PROBE_MILLIS))
        .put("ORGPLANE_ROUTES", new JsonArray().add(new JsonObject().put("prefix", "/v1/").put("upstreams", urls))
            .encode()));
  }

  private int status(int port) {
    return client.get(port, "127.0.0.1", "/v1/x").putHeader("Authorization", token).putHeader("Cookie", "session=1")
        .send().await().statusCode();
  }

  /** The gateway's gauge of {@code upstream}'s readiness: 1 ready, 0 not. */
  private static double readyGauge(Upstream upstream) {
    var gauge = Metrics.registry().find("orgplane_gateway_upstream_ready").tag("upstream", upstream.url()).gauge();
    return gauge == null ? -1 : gauge.value();
  }

  /** Whether the registry has gauge {@code name} of {@code upstream}. */
  private static boolean hasGauge(String name, Upstream upstream) {
    return Metrics.registry().find(name).tag("upstream", upstream.url()).gauge() != null;
  }

  private static void awaitTrue(BooleanSupplier condition, String what) {
    long deadline = System.currentTimeMillis() + DEADLINE_MILLIS;
    while (!condition.getAsBoolean()) {
      assertTrue(System.currentTimeMillis() < deadline, what);
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void anUpstreamNotReadyGetsNoCallersRequestUntilItIsReadyAgain() {
    var steady = new Upstream();
    var warming = new Upstream();
    warming.readiness = 503;
    int port = gatewayTo(steady, warming);
    awaitTrue(() -> {
      int before = warming.served.get();
      IntStream.range(0, 4).forEach(i -> assertEquals(200, status(port)));
      return warming.served.get() == before;
    }, "requests went on reaching the upstream not ready");
    assertEquals(0, readyGauge(warming));
    assertEquals(1, readyGauge(steady));

    int before = warming.served.get();
    IntStream.range(0, 10).forEach(i -> assertEquals(200, status(port)));
    assertEquals(before, warming.served.get(), "no caller request reached the upstream not ready");

    warming.readiness = 200;
    awaitTrue(() -> status(port) == 200 && warming.served.get() > before, "requests reach it again once it is ready");
    awaitTrue(() -> readyGauge(warming) == 1, "its gauge says it is ready");
  }

  /**
   * A loaded but healthy instance that misses one probe's timeout stays in: taken out at once, its load moved to the
   * others, which then missed theirs, and the upstreams flapped in and out, a WARN each time.
   */
  @Test
  void anUpstreamSlowToAnswerOneProbeStaysIn() throws InterruptedException {
    var steady = new Upstream();
    var loaded = new Upstream();
    int port = gatewayTo(steady, loaded);
    awaitTrue(() -> !loaded.probeHeaders.isEmpty(), "it was probed");
    loaded.slowProbeMillis = PROBE_TIMEOUT_MILLIS + 500;
    loaded.slowProbes.set(1);
    long until = System.currentTimeMillis() + PROBE_TIMEOUT_MILLIS + 500 + 3 * PROBE_MILLIS;
    while (System.currentTimeMillis() < until) {
      assertEquals(1, readyGauge(loaded), "the upstream slow once stayed ready");
      assertEquals(200, status(port));
      // a look every few milliseconds, not a flood: on a fast machine the loop met the gateway's rate limit (429)
      Thread.sleep(10);
    }
    assertEquals(0, loaded.slowProbes.get(), "its slow probe was sent");
    int before = loaded.served.get();
    IntStream.range(0, 4).forEach(i -> assertEquals(200, status(port)));
    assertEquals(before + 2, loaded.served.get(), "it still gets its share");
  }

  /** One that answers no probe in time is skipped after a few. */
  @Test
  void anUpstreamSlowToAnswerProbesInARowIsSkipped() {
    var steady = new Upstream();
    var stuck = new Upstream();
    stuck.slowProbeMillis = PROBE_TIMEOUT_MILLIS + 1_000;
    stuck.slowProbes.set(Integer.MAX_VALUE);
    gatewayTo(steady, stuck);
    awaitTrue(() -> readyGauge(stuck) == 0, "found not ready");
  }

  @Test
  void theProbesCarryNoCallersCredentials() {
    var first = new Upstream();
    var second = new Upstream();
    int port = gatewayTo(first, second);
    IntStream.range(0, 4).forEach(i -> assertEquals(200, status(port)));

    awaitTrue(() -> !first.probeHeaders.isEmpty() && !second.probeHeaders.isEmpty(), "both were probed");
    for (var probed : List.of(first, second)) {
      assertTrue(!probed.probeHeaders.contains("authorization") && !probed.probeHeaders.contains("cookie")
          && !probed.probeHeaders.contains("x-forwarded-for"), probed.probeHeaders.toString());
    }
  }

  /**
   * With none ready, requests still go to them, round-robin: the service's own answer (here 200; a service not
   * ready answers its own problem) over a gateway 503 that no request could escape.
   */
  @Test
  void withNoUpstreamReadyRequestsAreSentToThemAllTheSame() {
    var first = new Upstream();
    var second = new Upstream();
    first.readiness = 503;
    second.readiness = 503;
    int port = gatewayTo(first, second);
    awaitTrue(() -> readyGauge(first) == 0 && readyGauge(second) == 0, "both found not ready");

    IntStream.range(0, 4).forEach(i -> assertEquals(200, status(port)));
    assertEquals(2, first.served.get());
    assertEquals(2, second.served.get());
  }

  /**
   * A gateway that stopped took its gauges of its upstreams along: they stayed in {@code /metrics} at their last value,
   * an upstream it no longer sent to "ready" and "connected" there for as long as the process ran.
   */
  @Test
  void aStoppedGatewayLeavesNoGaugeOfItsUpstreams() {
    var first = new Upstream();
    var second = new Upstream();
    int port = gatewayTo(first, second);
    IntStream.range(0, 4).forEach(i -> assertEquals(200, status(port)));
    var gauges = List.of("orgplane_gateway_upstream_ready", "orgplane_gateway_upstream_connections",
        "orgplane_gateway_upstream_waiting_requests");
    for (var name : gauges) {
      assertTrue(hasGauge(name, first) && hasGauge(name, second), name + " is reported while the gateway runs");
    }

    vertx.undeploy(gateway).await();

    for (var name : gauges) {
      assertFalse(hasGauge(name, first) || hasGauge(name, second), name + " was left behind by the stopped gateway");
    }
  }

  /** Its start failed (its port taken) once its probes had begun: they and their gauges were left running. */
  @Test
  void aGatewayThatFailedToStartLeavesNoGaugeOfItsUpstreams() throws Exception {
    var first = new Upstream();
    var second = new Upstream();
    try (var taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      var gateway = gateway(String.valueOf(taken.getLocalPort()), first, second);
      assertThrows(Exception.class, () -> vertx.deployVerticle(gateway).await());
    }

    assertFalse(hasGauge("orgplane_gateway_upstream_ready", first) || hasGauge("orgplane_gateway_upstream_ready",
        second), "the gateway that failed to start left its readiness gauges");
  }
}
