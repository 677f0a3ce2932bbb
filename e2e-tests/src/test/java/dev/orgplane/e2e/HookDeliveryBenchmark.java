package dev.orgplane.e2e;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Hook deliveries end to end, through the real platform: organizations with hooks subscribed to {@code
 * organization.updated}, events caused by PATCHes of them through the gateway, and a receiver in this JVM (answering
 * 204 at once) counting each delivery once by its {@code Orgplane-Delivery} id, and its latency from the event's
 * {@code occurredAt} (org-service's clock, this machine's) to its receipt.
 */
final class HookDeliveryBenchmark implements AutoCloseable {

  /** PATCHes in flight at once, as fast as the API takes them. */
  static final int CONCURRENCY = 8;
  /** How long the receiver waits for the next delivery before it counts those not come as missing. */
  private static final long STALL_MILLIS = 30_000;

  /**
   * What a run came to: events accepted (2xx) and refused, the time from the first PATCH to the last answer and to
   * the last delivery received, deliveries expected (each accepted event once per hook of its organization),
   * received once and received again, and the deliveries' latencies.
   */
  record Run(long events, long refused, String firstRefusal, double eventSeconds, long expected, long delivered,
      long duplicates, double deliverySeconds, double p50Millis, double p99Millis) {
    double eventsPerSecond() {
      return events / eventSeconds;
    }

    double deliveriesPerSecond() {
      return delivered / deliverySeconds;
    }

    long missing() {
      return expected - delivered;
    }

    String errorSummary() {
      return "API errors " + refused + (firstRefusal == null ? "" : " (first: " + firstRefusal + ")")
          + ", deliveries missing " + missing() + ", received twice " + duplicates;
    }
  }

  private final Vertx vertx;
  private final WebClient http;
  private final Platform platform;
  private final Gateway gateway;
  private final String token;
  private final HttpServer receiver;
  private final AtomicReference<Tally> tally = new AtomicReference<>(new Tally(0));
  private int runs;

  HookDeliveryBenchmark(Vertx vertx, WebClient http, Platform platform, String token) {
    this.vertx = vertx;
    this.http = http;
    this.platform = platform;
    this.gateway = new Gateway(platform.baseUrl());
    this.token = token;
    this.receiver = vertx.createHttpServer().requestHandler(this::receive).listen(0, "127.0.0.1").await();
  }

  private void receive(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      request.response().setStatusCode(204).end();
      tally.get().record(request.getHeader("Orgplane-Delivery"), body.toJsonObject().getString("occurredAt"));
    });
  }

  /**
   * {@code organizations} new organizations with {@code hooksPerOrganization} hooks each, then {@code events} PATCHes
   * spread over them in turn, {@value #CONCURRENCY} in flight, {@code perSecond} of them a second (as fast as the API
   * takes them when 0), and the wait for every delivery.
   */
  Run run(int organizations, int hooksPerOrganization, int events, double perSecond) {
    var run = ++runs;
    var paths = new ArrayList<String>();
    for (int o = 0; o < organizations; o++) {
      var org = gateway.postJson("/v1/organizations", token, new JsonObject()
          .put("name", "bench-hooks-" + run + "-" + o).put("title", "H"));
      require(org, 201);
      var path = "/v1/organizations/" + org.json().getString("id");
      for (int h = 0; h < hooksPerOrganization; h++) {
        require(gateway.postJson(path + "/hooks", token, new JsonObject().put("name", "bench-" + h)
            .put("url", "http://127.0.0.1:" + receiver.actualPort() + "/hooks")
            .put("events", new JsonArray().add("organization.updated"))), 201);
      }
      paths.add(path);
    }
    var counted = new Tally(events * hooksPerOrganization);
    tally.set(counted);
    var answers = new Answers();
    long started = System.nanoTime();
    var next = new AtomicInteger();
    var workers = new ArrayList<Future<Void>>();
    for (int w = 0; w < CONCURRENCY; w++) {
      workers.add(nextEvent(paths, events, perSecond, started, next, answers));
    }
    Future.all(workers).await();
    double eventSeconds = (answers.last.get() - started) / 1e9;
    long expected = answers.accepted.get() * hooksPerOrganization;
    counted.awaitAll(expected);
    return counted.run(answers, eventSeconds, expected, started);
  }

  /** One worker's next PATCH, on schedule when paced, until {@code events} have been sent. */
  private Future<Void> nextEvent(List<String> paths, int events, double perSecond, long started, AtomicInteger next,
      Answers answers) {
    int i = next.getAndIncrement();
    if (i >= events) {
      return Future.succeededFuture();
    }
    long wait = perSecond == 0 ? 0 : started + (long) (i * 1e9 / perSecond) - System.nanoTime();
    Future<?> due = wait > 1_000_000 ? vertx.timer(wait / 1_000_000) : Future.succeededFuture();
    return due.compose(v -> http.patch(platform.gatewayPort, "127.0.0.1", paths.get(i % paths.size()))
            .bearerTokenAuthentication(token).sendJsonObject(new JsonObject().put("title", "H-" + i)))
        .transform(answer -> {
          answers.record(answer.succeeded() ? (answer.result().statusCode() / 100 == 2 ? null
              : "HTTP " + answer.result().statusCode()) : answer.cause().toString());
          return nextEvent(paths, events, perSecond, started, next, answers);
        });
  }

  private static void require(Gateway.Reply reply, int status) {
    if (reply.status() != status) {
      throw new IllegalStateException("HTTP " + reply.status() + ": " + reply.body());
    }
  }

  /** The PATCHes' answers: how many were accepted, the refusals, and when the last came. */
  private static final class Answers {
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicReference<String> firstRefusal = new AtomicReference<>();
    final AtomicLong last = new AtomicLong();

    /** {@code refusal} null for an accepted event. */
    void record(String refusal) {
      if (refusal == null) {
        accepted.incrementAndGet();
      } else {
        refused.incrementAndGet();
        firstRefusal.compareAndSet(null, refusal);
      }
      last.accumulateAndGet(System.nanoTime(), Math::max);
    }
  }

  /** The deliveries of one run as the receiver saw them. */
  private static final class Tally {
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final AtomicLong duplicates = new AtomicLong();
    private final long[] latencies;
    private final AtomicInteger recorded = new AtomicInteger();
    private final AtomicLong last = new AtomicLong();

    Tally(int expectedAtMost) {
      latencies = new long[expectedAtMost];
    }

    void record(String delivery, String occurredAt) {
      long now = System.nanoTime();
      var latency = Duration.between(Instant.parse(occurredAt), Instant.now()).toNanos();
      if (!seen.add(delivery)) {
        duplicates.incrementAndGet();
        return;
      }
      int slot = recorded.getAndIncrement();
      if (slot < latencies.length) {
        latencies[slot] = latency;
      }
      last.set(now);
    }

    /** Waits until {@code expected} deliveries have come, or none has for {@value #STALL_MILLIS} ms. */
    void awaitAll(long expected) {
      long lastCount = -1;
      long progressAt = System.currentTimeMillis();
      while (seen.size() < expected && System.currentTimeMillis() - progressAt < STALL_MILLIS) {
        if (seen.size() != lastCount) {
          lastCount = seen.size();
          progressAt = System.currentTimeMillis();
        }
        Platform.sleep(10);
      }
    }

    Run run(Answers answers, double eventSeconds, long expected, long started) {
      int count = Math.min(recorded.get(), latencies.length);
      var sorted = Arrays.copyOf(latencies, count);
      Arrays.sort(sorted);
      return new Run(answers.accepted.get(), answers.refused.get(), answers.firstRefusal.get(), eventSeconds, expected,
          seen.size(), duplicates.get(), count == 0 ? Double.NaN : (last.get() - started) / 1e9,
          LoadDriver.percentile(sorted, count, 0.50), LoadDriver.percentile(sorted, count, 0.99));
    }
  }

  @Override
  public void close() {
    receiver.close().await();
  }
}
