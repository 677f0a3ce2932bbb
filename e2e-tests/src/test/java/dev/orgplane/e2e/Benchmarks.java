package dev.orgplane.e2e;

import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every benchmark of the project in one run, each next to its baseline measured in the same run
 * on the same machine: the platform runs as real processes (as in the e2e tests), the baselines
 * hit the same PostgreSQL directly or the service without the gateway. Prints one table.
 * Run: {@code ./mvnw -q -Pbench -DskipTests verify}.
 */
public final class Benchmarks {

  private static final long WARMUP_MS = Long.getLong("bench.warmupMillis", 10_000);
  private static final long MEASURE_MS = Long.getLong("bench.measureMillis", 15_000);

  private final Vertx vertx = Vertx.vertx();
  private final List<Row> table = new ArrayList<>();

  record Row(String figure, String value, String baseline, String ratio) {
  }

  public static void main(String[] args) {
    System.setProperty(ServiceProcess.JVM_ARGS, "-Xmx512m");
    var benchmarks = new Benchmarks();
    try (var platform = Platform.start()) {
      benchmarks.organizationReads(platform);
      benchmarks.organizationCreation(platform);
    } finally {
      benchmarks.print();
      benchmarks.vertx.close().await();
    }
    System.exit(0);
  }

  private WebClient client(int connections) {
    return WebClient.create(vertx, new WebClientOptions().setKeepAlive(true).setTcpNoDelay(true),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(connections));
  }

  private void organizationReads(Platform platform) {
    var gateway = new Gateway(platform.baseUrl());
    var token = gateway.token(platform.adminEmail(), platform.adminPassword());
    var org = gateway.postJson("/v1/organizations", token, new JsonObject().put("name", "bench-read").put("title", "B"));
    var path = "/v1/organizations/" + org.json().getString("id");
    var http = client(64);
    var direct = LoadDriver.run(vertx, "GET org direct", 64, WARMUP_MS, MEASURE_MS,
        () -> get(http, platform.orgServicePort, path, token));
    var viaGateway = LoadDriver.run(vertx, "GET org via gateway", 64, WARMUP_MS, MEASURE_MS,
        () -> get(http, platform.gatewayPort, path, token));
    add("GET /v1/organizations/{id} direct at org-service, 64 conns", direct, null);
    add("GET /v1/organizations/{id} through the gateway, 64 conns", viaGateway, direct);
    table.add(new Row("gateway added p99 (ms)", fmt(viaGateway.p99Millis() - direct.p99Millis()), "", ""));
  }

  private void organizationCreation(Platform platform) {
    var gateway = new Gateway(platform.baseUrl());
    var token = gateway.token(platform.adminEmail(), platform.adminPassword());
    var http = client(8);
    var counter = new AtomicLong();
    var direct = LoadDriver.run(vertx, "create org direct", 8, WARMUP_MS, MEASURE_MS,
        () -> createOrganization(http, platform.orgServicePort, token, counter));
    var viaGateway = LoadDriver.run(vertx, "create org via gateway", 8, WARMUP_MS, MEASURE_MS,
        () -> createOrganization(http, platform.gatewayPort, token, counter));
    var raw = rawSingleRowInserts(8);
    add("raw PostgreSQL single-row insert transactions, 8 clients", raw, null);
    add("organizations created per second, 8 clients, direct", direct, raw);
    add("organizations created per second, 8 clients, via gateway", viaGateway, raw);
  }

  private static Future<?> createOrganization(WebClient http, int port, String token, AtomicLong counter) {
    return http.request(HttpMethod.POST, port, "127.0.0.1", "/v1/organizations")
        .bearerTokenAuthentication(token)
        .sendJsonObject(new JsonObject().put("name", "bench-" + counter.incrementAndGet()).put("title", "B"))
        .compose(r -> r.statusCode() == 201 ? Future.succeededFuture() : Future.failedFuture("HTTP " + r.statusCode()));
  }

  /** pgbench-style: one INSERT per transaction, autocommit, on the platform's PostgreSQL server. */
  private LoadDriver.Result rawSingleRowInserts(int clients) {
    var url = PgFixture.freshDatabase();
    var pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(clients)).connectingTo(url.connectOptions())
        .using(vertx).build();
    pool.query("CREATE TABLE raw_orgs (id uuid PRIMARY KEY, name text UNIQUE NOT NULL, title text, "
        + "created_at timestamptz NOT NULL DEFAULT now())").execute().await();
    try {
      return LoadDriver.run(vertx, "raw insert", clients, WARMUP_MS, MEASURE_MS,
          () -> pool.preparedQuery("INSERT INTO raw_orgs (id, name, title) VALUES ($1, $2, $3)")
              .execute(Tuple.of(UUID.randomUUID(), UUID.randomUUID().toString(), "B")));
    } finally {
      pool.close().await();
    }
  }

  private static Future<?> get(WebClient http, int port, String path, String token) {
    return http.get(port, "127.0.0.1", path).bearerTokenAuthentication(token).send()
        .compose(r -> r.statusCode() == 200 ? Future.succeededFuture() : Future.failedFuture("HTTP " + r.statusCode()));
  }

  private void add(String figure, LoadDriver.Result result, LoadDriver.Result baseline) {
    var value = fmt(result.perSecond()) + "/s  p50 " + fmt(result.p50Millis()) + " ms  p99 " + fmt(result.p99Millis())
        + " ms  errors " + result.errors();
    table.add(new Row(figure, value, baseline == null ? "" : fmt(baseline.perSecond()) + "/s",
        baseline == null ? "" : String.format("%.2f", result.perSecond() / baseline.perSecond())));
  }

  private void print() {
    System.out.printf("%n%-62s | %-50s | %-12s | %s%n", "figure", "value", "baseline", "ratio");
    System.out.println("-".repeat(140));
    table.forEach(r -> System.out.printf("%-62s | %-50s | %-12s | %s%n", r.figure(), r.value(), r.baseline(), r.ratio()));
  }

  private static String fmt(double v) {
    return String.format("%.1f", v);
  }
}
