package dev.orgplane.kit.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.testing.Eventually;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class HttpMetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final CountDownLatch hungArrived = new CountDownLatch(1);
  private WebClient client;
  private int port;
  private int otherInstancePort;

  @BeforeEach
  void start(Vertx vertx) {
    port = listen(vertx);
    // a second instance of the same service (the gateway runs one per event loop) counts into the same meters
    otherInstancePort = listen(vertx);
    client = WebClient.create(vertx);
  }

  private int listen(Vertx vertx) {
    var router = Router.router(vertx);
    router.route().handler(new HttpMetrics("kittest", registry));
    router.get("/ok").handler(ctx -> ctx.response().end("ok"));
    router.post("/things").handler(ctx -> ctx.response().setStatusCode(201).end());
    router.route(HttpMethod.valueOf("PROPFIND"), "/dav").handler(ctx -> ctx.response().setStatusCode(207).end());
    router.get("/custom/:status").handler(ctx ->
        ctx.response().setStatusCode(Integer.parseInt(ctx.pathParam("status"))).end());
    router.get("/hang").handler(ctx -> hungArrived.countDown());
    router.get("/half").handler(ctx -> ctx.response().setChunked(true).write("a first part, and no end"));
    return vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await().actualPort();
  }

  @Test
  void everyAnswerIsCountedAndTimedByMethodAndStatus() {
    client.get(port, "127.0.0.1", "/ok").send().await();
    client.get(otherInstancePort, "127.0.0.1", "/ok").send().await();
    client.post(port, "127.0.0.1", "/things").send().await();
    client.get(port, "127.0.0.1", "/nothing-here").send().await();
    client.request(HttpMethod.valueOf("PROPFIND"), port, "127.0.0.1", "/dav").send().await();

    assertEquals(2, count("GET", "200"), "both instances' answers");
    assertEquals(1, count("POST", "201"));
    assertEquals(1, count("GET", "404"));
    assertEquals(1, count("OTHER", "207"), "methods beyond the usual ones share one label");
    var timer = registry.get(HttpMetrics.REQUESTS).tag("method", "POST").timer();
    assertTrue(timer.totalTime(TimeUnit.NANOSECONDS) > 0, "timed");
    assertEquals(0, active());
  }

  /** A status outside HTTP's, such as an upstream's own the gateway relays, is labelled as one. */
  @Test
  void statusesOutsideHttpsAreCountedAsOther() {
    client.get(port, "127.0.0.1", "/custom/999").send().await();
    client.get(port, "127.0.0.1", "/custom/700").send().await();
    client.get(port, "127.0.0.1", "/custom/599").send().await();

    assertEquals(2, count("GET", "other"), "both, under one label");
    assertEquals(1, count("GET", "599"), "HTTP's last status keeps its own");
    assertTrue(registry.find(HttpMetrics.REQUESTS).tag("status", "999").timers().isEmpty(), "not the first one's");
  }

  /** Its response was never written, so the 200 it holds by default was never answered: nginx's 499 instead. */
  @Test
  void aRequestWhoseCallerHangsUpLeavesTheActiveCountAndCountsAsClosedByTheClient(Vertx vertx)
      throws InterruptedException {
    var caller = vertx.createHttpClient();
    caller.request(HttpMethod.GET, otherInstancePort, "127.0.0.1", "/hang").compose(request -> request.send());
    assertTrue(hungArrived.await(10, TimeUnit.SECONDS));
    assertEquals(1, active(), "one gauge for the service, whichever instance answers");
    caller.close();
    awaitEnded();
    assertEquals(1, count("GET", "499"));
    assertTrue(registry.find(HttpMetrics.REQUESTS).tag("status", "200").timers().isEmpty(), "nothing was answered");
  }

  /** A stream cut off once its head went out was answered: it keeps its status. */
  @Test
  void aStreamWhoseCallerHangsUpAfterItsHeadKeepsItsStatus(Vertx vertx) throws InterruptedException {
    var caller = vertx.createHttpClient();
    var head = caller.request(HttpMethod.GET, port, "127.0.0.1", "/half").compose(request -> request.send());
    assertEquals(200, head.await().statusCode());
    caller.close();
    awaitEnded();
    assertEquals(1, count("GET", "200"));
    assertTrue(registry.find(HttpMetrics.REQUESTS).tag("status", "499").timers().isEmpty());
  }

  @Test
  void openConnectionsAreCountedPerListener(Vertx vertx) throws InterruptedException {
    var listener = "test-listener-" + System.nanoTime();
    int listening = vertx.createHttpServer().connectionHandler(HttpMetrics.connections(listener))
        .requestHandler(request -> request.response().end()).listen(0, "127.0.0.1").await().actualPort();
    var first = vertx.createNetClient().connect(listening, "127.0.0.1").await();
    var second = vertx.createNetClient().connect(listening, "127.0.0.1").await();
    // Vert.x hands a connection to the handler once its first request has arrived
    first.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n").await();
    second.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n").await();
    awaitConnections(listener, 2);
    first.close();
    awaitConnections(listener, 1);
    second.close();
    awaitConnections(listener, 0);
  }

  private static void awaitConnections(String listener, double expected) throws InterruptedException {
    var gauge = Metrics.registry().get(HttpMetrics.CONNECTIONS).tag("listener", listener).gauge();
    for (int waited = 0; gauge.value() != expected && waited < 5_000; waited += 10) {
      Thread.sleep(10);
    }
    assertEquals(expected, gauge.value());
  }

  /** Until the request of a caller who hung up has ended, and is counted. */
  private void awaitEnded() throws InterruptedException {
    // recorded, not only registered: the event loop registers a timer, then records into it, as the test looks
    Eventually.holds(() -> registry.find(HttpMetrics.REQUESTS).timers().stream().anyMatch(timer -> timer.count() > 0),
        "the request never ended");
    assertEquals(0, active());
  }

  private double active() {
    return registry.get(HttpMetrics.ACTIVE).tag("service", "kittest").gauge().value();
  }

  private long count(String method, String status) {
    return registry.get(HttpMetrics.REQUESTS).tag("service", "kittest").tag("method", method).tag("status", status)
        .timer().count();
  }
}
