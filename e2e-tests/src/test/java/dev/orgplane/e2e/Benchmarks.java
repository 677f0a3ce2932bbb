package dev.orgplane.e2e;

import dev.orgplane.kit.db.PgUrl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.transport.Transport;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Every benchmark of the project in one run, each next to its baseline measured in the same run
 * on the same machine: the platform runs as real processes (as in the e2e tests) on a PostgreSQL with
 * production durability (unlike the test fixture's), and the baselines hit that same server directly,
 * or the service without the gateway. Prints one table.
 * Run: {@code ./mvnw -q -Pbench -DskipTests verify}.
 */
public final class Benchmarks {

  /**
   * Each operation's load before it is measured. With 10 s, async-profiler showed the gateway's JIT compiler
   * threads still taking a third of a core through the first 20 s of the measured time (the first third's
   * ratio was the lowest in six runs of nine); they settle about 30 s after the load starts.
   */
  private static final long WARMUP_MS = Long.getLong("bench.warmupMillis", 30_000);
  private static final long MEASURE_MS = Long.getLong("bench.measureMillis", 15_000);
  /** -Dbench.acceptEncoding=gzip: the reads ask for a coding, as most clients' do; by default they ask for none. */
  private static final String ACCEPT_ENCODING = System.getProperty("bench.acceptEncoding");
  /** An open loop after the closed ones needs little warming: they warmed everything. */
  private static final long OPEN_LOOP_WARMUP_MS = 3_000;
  /** Before each pair of the reads' turns: the pair's connections and caches back, all of them warmed before. */
  private static final long PAIR_WARMUP_MS = 2_000;

  /**
   * Every service runs as the README says to run them: heap and compiled code on transparent huge pages, which spared
   * the gateway a sixth of its CPU per read (session 52: 29-32 µs, 35-40 without), its address translations missing
   * far less often, each miss the dearer on a virtual machine.
   */
  private static final String HUGE_PAGES = "-XX:+UseTransparentHugePages";

  private final Vertx vertx = Vertx.vertx();
  private DurablePostgres postgres;
  private PgUrl platformDb;
  private final List<Row> table = new ArrayList<>();

  record Row(String figure, String value, String baseline, String ratio) {
  }

  public static void main(String[] args) {
    // defaults; -Dorgplane.e2e.jvmArgs[.command]=... on the command line wins (e.g. to add a profiler)
    System.setProperty(ServiceProcess.JVM_ARGS, System.getProperty(ServiceProcess.JVM_ARGS, "-Xmx512m " + HUGE_PAGES));
    // the engine streams templates page by page: it has to manage with a small heap
    var engineArgs = ServiceProcess.JVM_ARGS + ".engine";
    System.setProperty(engineArgs, System.getProperty(engineArgs, "-Xmx256m " + HUGE_PAGES));
    var benchmarks = new Benchmarks();
    // -Dbench.statements=20 also prints the 20 statements that took the most database time
    var statements = Integer.getInteger("bench.statements", 0);
    try (var durable = DurablePostgres.start(statements > 0);
        var platform = Platform.start(benchmarks.platformDb = durable.database("platform"))) {
      benchmarks.postgres = durable;
      // -Dbench.only=provisioning,reads runs just those (comma-separated); the default is all
      var only = List.of(System.getProperty("bench.only", "reads,creation,import,mixed,provisioning,hooks").split(","));
      if (only.contains("reads")) {
        benchmarks.organizationReads(platform);
      }
      if (only.contains("creation")) {
        benchmarks.organizationCreation(platform);
      }
      if (only.contains("import")) {
        benchmarks.queueImport(platform);
      }
      if (only.contains("mixed")) {
        benchmarks.mixedLoad(platform);
      }
      if (only.contains("provisioning")) {
        benchmarks.provisioning(platform);
      }
      if (only.contains("hooks")) {
        benchmarks.hookDelivery(platform);
      }
      if (statements > 0) {
        System.out.printf("%nstatements by database time (every run of this benchmark, nested ones too):%n");
        durable.topStatements(benchmarks.vertx, statements).forEach(System.out::println);
      }
    } finally {
      benchmarks.print();
      benchmarks.vertx.close().await();
    }
    System.exit(0);
  }

  /**
   * Idle connections are dropped after 30 s, before the servers' 60 s drop them: a client whose keep-alive outlasts
   * the server's may send on a connection just as the server closes it, and the open-loop turns, which use a few of
   * the 64 connections, leave the rest idle that long.
   */
  private WebClient client(int connections) {
    return WebClient.create(vertx,
        new WebClientOptions().setKeepAlive(true).setKeepAliveTimeout(30).setTcpNoDelay(true),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(connections));
  }

  private void organizationReads(Platform platform) {
    var gateway = new Gateway(platform.baseUrl());
    var token = gateway.token(platform.adminEmail(), platform.adminPassword());
    var org = gateway.postJson("/v1/organizations", token, new JsonObject().put("name", "bench-read").put("title", "B"));
    var path = "/v1/organizations/" + org.json().getString("id");
    var http = client(64);
    // what HTTP/2 callers (browsers, gRPC-era clients) cost the gateway: the same reads, multiplexed on 4 connections
    var h2 = WebClient.create(vertx, new WebClientOptions().setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false).setKeepAliveTimeout(30).setTcpNoDelay(true),
        new io.vertx.core.http.PoolOptions().setHttp2MaxSize(4));
    // each kind of caller has a gateway of its own: the gateway weighed against direct serves those reads only, as
    // in the run, and no figure pays for another turn's traffic
    int http2Gateway = platform.startGateway("gateway-http2");
    var direct = new LoadDriver.Operation("GET org direct", () -> get(http, platform.orgServicePort, path, token));
    var proxies = new ArrayList<Proxy>(List.of(
        new Proxy("GET /v1/organizations/{id} through the gateway, 64 conns, alternating", "gateway",
            new LoadDriver.Operation("GET org via gateway", () -> get(http, platform.gatewayPort, path, token))),
        new Proxy("the same through a gateway of its own, its callers on HTTP/2 (h2c, 4 conns), alternating",
            "gateway over HTTP/2",
            new LoadDriver.Operation("GET org via gateway over HTTP/2", () -> get(h2, http2Gateway, path, token)))));
    var cpu = platform.cpu().with("gateway for HTTP/2", platform.process(http2Gateway).pid());
    // where the kernel allows it, the same gateway on io_uring takes turns too
    if (Transport.IO_URING.available()) {
      int port = platform.startIoUringGateway();
      proxies.add(new Proxy("the same through the gateway on io_uring (ORGPLANE_TRANSPORT; TCP to org-service), "
          + "alternating", "gateway on io_uring",
          new LoadDriver.Operation("GET org via gateway on io_uring", () -> get(http, port, path, token))));
      cpu = cpu.with("gateway on io_uring", platform.process(port).pid());
    }
    // -Dbench.nginx=/usr/sbin/nginx: nginx making the gateway's hop takes turns too, as the yardstick
    var nginxExecutable = System.getProperty("bench.nginx");
    try (var nginx = nginxExecutable == null ? null : NginxReference.start(nginxExecutable, platform.orgServiceAddress())) {
      if (nginx != null) {
        proxies.add(new Proxy("the same through nginx (proxying only: no token check, no limits, no log), "
            + "alternating", "nginx",
            new LoadDriver.Operation("GET org via nginx", () -> get(http, nginx.port(), path, token))));
        cpu = cpu.with("nginx", nginx.pid());
      }
      var everyOperation = new ArrayList<>(List.of(direct));
      proxies.forEach(proxy -> everyOperation.add(proxy.reads()));
      LoadDriver.warm(vertx, 64, WARMUP_MS, everyOperation);
      // each proxy against direct alone, a second of each in turn (see LoadDriver.alternate), 45 s each: as in issue
      // #4's run, the proxy rests only while direct reads are measured. Taking turns with every proxy at once, each
      // rested four seconds in five, and met each turn's 64 callers with its caches cold, which direct never did
      var viaProxies = new ArrayList<LoadDriver.Result>();
      var directs = new ArrayList<LoadDriver.Result>();
      for (var proxy : proxies) {
        var pair = LoadDriver.alternate(vertx, 64, PAIR_WARMUP_MS, 3 * MEASURE_MS, List.of(direct, proxy.reads()), cpu);
        directs.add(pair.get(0));
        viaProxies.add(pair.get(1));
      }
      add("GET /v1/organizations/{id} direct at org-service, 64 conns"
          + (ACCEPT_ENCODING == null ? "" : ", Accept-Encoding: " + ACCEPT_ENCODING), directs.get(0), null);
      for (int i = 0; i < proxies.size(); i++) {
        var proxy = proxies.get(i);
        proxiedRows(proxy.figure(), proxy.name(), directs.get(i), viaProxies.get(i));
        if (i == 0) {
          cpuRows("a read", directs.get(0), viaProxies.get(0));
        } else {
          table.add(new Row("  CPU per a read (µs), via " + proxy.name(),
              ProcessCpu.format(viaProxies.get(i).cpuMicros()), "", ""));
        }
      }
      readsAtQuarterRate(direct, proxies, directs.get(0).perSecond() / 4);
    }
  }

  /** A proxy whose reads are weighed against direct ones: its row's figure, its name in the table, its reads. */
  private record Proxy(String figure, String name, LoadDriver.Operation reads) {
  }

  /**
   * The same reads at a fixed rate the machine has room for (a quarter of what direct reads reached), open loop,
   * each proxy taking turns with direct alone: the latency a proxy adds to a request, where the 64-connection
   * figures' latencies are mostly queueing. At half the rate, our two cores (shared with PostgreSQL, the services
   * and this driver) already queued.
   */
  private void readsAtQuarterRate(LoadDriver.Operation direct, List<Proxy> proxies, double perSecond) {
    for (var proxy : proxies) {
      var results = LoadDriver.alternateAtRate(vertx, perSecond, OPEN_LOOP_WARMUP_MS, MEASURE_MS,
          List.of(direct, proxy.reads()));
      var directReads = results.get(0);
      var proxied = results.get(1);
      table.add(new Row(String.format("GET /v1/organizations/{id} at a fixed %.0f/s (1/4 of direct), via %s",
          perSecond, proxy.name()), latencies(proxied) + "  added p50 " + fmt(proxied.p50Millis()
          - directReads.p50Millis()) + " p99 " + fmt(proxied.p99Millis() - directReads.p99Millis()),
          "p99 " + fmt(directReads.p99Millis()) + " ms", ""));
    }
  }

  private static String latencies(LoadDriver.Result result) {
    return "p50 " + fmt(result.p50Millis()) + " ms  p99 " + fmt(result.p99Millis()) + " ms  " + result.errorSummary();
  }

  /** Reads through a proxy against direct ones: the figure, its ratio in each third, and the p99 the proxy adds. */
  private void proxiedRows(String figure, String proxy, LoadDriver.Result direct, LoadDriver.Result proxied) {
    add(figure, proxied, direct);
    table.add(new Row("  the ratio in each third of the run", thirds(direct, proxied), "", ""));
    table.add(new Row(proxy + " added p99 (ms)", fmt(proxied.p99Millis() - direct.p99Millis()), "", ""));
  }

  /** {@code result}'s rate against {@code baseline}'s in each third of an alternating run. */
  private static String thirds(LoadDriver.Result baseline, LoadDriver.Result result) {
    return java.util.stream.IntStream.range(0, LoadDriver.PARTS)
        .mapToObj(part -> String.format("%.2f", result.partRates()[part] / baseline.partRates()[part]))
        .collect(Collectors.joining(", "));
  }

  /**
   * Creations against the raw insert: raw insert, creation direct, creation through the gateway and the
   * ceiling, a second of each in turn (see LoadDriver.alternate), 45 s each.
   */
  private void organizationCreation(Platform platform) {
    var gateway = new Gateway(platform.baseUrl());
    var token = gateway.token(platform.adminEmail(), platform.adminPassword());
    var http = client(8);
    var counter = new AtomicLong();
    var rawPool = rawOrgsPool(8);
    var platformPool = PgBuilder.pool().with(new PoolOptions().setMaxSize(8)).connectingTo(platformDb.connectOptions())
        .using(vertx).build();
    try {
      var owner = platformPool.preparedQuery("SELECT id FROM org.users WHERE lower(email) = lower($1)")
          .execute(Tuple.of(platform.adminEmail())).await().iterator().next().getUUID("id");
      var results = LoadDriver.alternate(vertx, 8, WARMUP_MS, 3 * MEASURE_MS, List.of(
          new LoadDriver.Operation("raw insert", () -> rawInsert(rawPool)),
          new LoadDriver.Operation("create org direct",
              () -> createOrganization(http, platform.orgServicePort, token, counter)),
          new LoadDriver.Operation("create org via gateway",
              () -> createOrganization(http, platform.gatewayPort, token, counter)),
          new LoadDriver.Operation("creation rows alone", () -> creationRowsAlone(platformPool, owner))),
          platform.cpu());
      var raw = results.get(0);
      add("raw PostgreSQL single-row insert transactions, 8 clients", raw, null);
      add("organizations created per second, 8 clients, direct, alternating", results.get(1), raw);
      add("organizations created per second, 8 clients, via gateway", results.get(2), raw);
      add("  ceiling: PostgreSQL alone writing a creation's 4 rows, 8 clients", results.get(3), raw);
      table.add(new Row("  each third's ratios: direct / via gateway / ceiling", java.util.stream.IntStream
          .range(0, LoadDriver.PARTS).mapToObj(part -> String.format("%.2f/%.2f/%.2f",
              results.get(1).partRates()[part] / raw.partRates()[part],
              results.get(2).partRates()[part] / raw.partRates()[part],
              results.get(3).partRates()[part] / raw.partRates()[part]))
          .collect(Collectors.joining(", ")), "", ""));
      cpuRows("creation", results.get(1), results.get(2));
    } finally {
      rawPool.close().await();
      platformPool.close().await();
    }
  }

  /**
   * What PostgreSQL alone takes to write what a creation writes (group, organization, owner membership,
   * audit event: one statement, values made by the client, no HTTP): the ceiling of the creation figure.
   */
  private static Future<?> creationRowsAlone(Pool pool, UUID owner) {
    return pool.preparedQuery("WITH g AS (INSERT INTO org.organization_groups (id, name) VALUES ($1, $2) RETURNING id), "
            + "o AS (INSERT INTO org.organizations (id, name, title, group_id) SELECT $3, $2, 'B', id FROM g RETURNING id), "
            + "m AS (INSERT INTO org.memberships (org_id, user_id, roles) SELECT id, $4, '{owner}' FROM o) "
            + "INSERT INTO org.audit_events (org_id, actor, action, target, details, request_id) "
            + "SELECT id, $4::text, 'organization.created', 'organization:' || id, '{}', 'bench' FROM o")
        .execute(Tuple.of(UUID.randomUUID(), "alone-" + UUID.randomUUID(), UUID.randomUUID(), owner));
  }

  private static Future<?> createOrganization(WebClient http, int port, String token, AtomicLong counter) {
    return http.request(HttpMethod.POST, port, "127.0.0.1", "/v1/organizations")
        .bearerTokenAuthentication(token)
        .sendJsonObject(new JsonObject().put("name", "bench-" + counter.incrementAndGet()).put("title", "B"))
        .compose(r -> r.statusCode() == 201 ? Future.succeededFuture() : Future.failedFuture("HTTP " + r.statusCode()));
  }

  private static final int QUEUES = 10_000;
  private static final int IMPORT_WARMUP_ROUNDS = Integer.getInteger("bench.importWarmupRounds", 10);
  private static final int BATCH = 500;

  /** 10,000 queues through the batch import API, next to raw multi-row INSERTs of the same rows. */
  private void queueImport(Platform platform) {
    var gateway = new Gateway(platform.baseUrl());
    var token = gateway.token(platform.adminEmail(), platform.adminPassword());
    var http = client(4);
    // a round is 20 requests: without warm-up rounds, the three measured ones ran org-service's import
    // code before the JIT had compiled it (a tenth of a second each), and the figure measured the JIT
    var best = bestOfThreeRounds(gateway, token, "bench-queues", IMPORT_WARMUP_ROUNDS, (home, b) -> {
      var items = new io.vertx.core.json.JsonArray();
      for (int i = 0; i < BATCH; i++) {
        items.add(new JsonObject().put("id", UUID.randomUUID().toString()).put("name", "q-" + b + "-" + i)
            .put("workspaceId", home.workspace()).put("schemaId", home.schema()).put("settings", new JsonObject().put("n", i)));
      }
      return http.post(platform.gatewayPort, "127.0.0.1", "/v1/organizations/" + home.org() + "/queues:batch")
          .bearerTokenAuthentication(token).sendJsonObject(new JsonObject().put("items", items))
          .compose(r -> r.statusCode() == 200 ? Future.succeededFuture() : Future.failedFuture("HTTP " + r.statusCode()));
    });
    var raw = rawQueueInserts(QUEUES, IMPORT_WARMUP_ROUNDS);
    var alone = queueRowsAlone(gateway, token);
    table.add(new Row("raw PostgreSQL multi-row INSERT of 10,000 queues (rows/s)", fmt(raw), "", ""));
    table.add(new Row("10,000 queues via POST .../queues:batch, 500 per batch (rows/s)", fmt(best), fmt(raw),
        String.format("%.2f", best / raw)));
    table.add(new Row("  ceiling: PostgreSQL alone upserting them into org.queues (rows/s)", fmt(alone), fmt(raw),
        String.format("%.2f", alone / raw)));
  }

  /**
   * The same 10,000 queue rows written by PostgreSQL alone, as the import writes them (500 per upsert,
   * 4 connections; the real table with its indexes and foreign keys) but with the values made in SQL:
   * no HTTP, no JSON, no validation. The ceiling of the import figure, and of a template copy's.
   */
  private double queueRowsAlone(Gateway gateway, String token) {
    var pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(4)).connectingTo(platformDb.connectOptions())
        .using(vertx).build();
    try {
      return bestOfThreeRounds(gateway, token, "bench-alone", 0, (home, b) -> pool.preparedQuery(
              "INSERT INTO org.queues AS t (org_id, id, name, workspace_id, schema_id, settings, metadata) "
                  + "SELECT $1, gen_random_uuid(), 'q-' || $4 || '-' || g, $2, $3, jsonb_build_object('n', g), "
                  + "'{}'::jsonb FROM generate_series(1, $5) g ON CONFLICT (org_id, id) DO UPDATE SET name = EXCLUDED.name "
                  + "RETURNING t.id, (xmax = 0) AS created")
          .execute(Tuple.of(UUID.fromString(home.org()), UUID.fromString(home.workspace()), UUID.fromString(home.schema()),
              String.valueOf(b), BATCH)));
    } finally {
      pool.close().await();
    }
  }

  /** A fresh organization with a workspace and a schema for its queues to name. */
  private record QueueHome(String org, String workspace, String schema) {
  }

  /**
   * Rows per second of the best of three rounds, each writing {@value #QUEUES} queues into a fresh
   * organization as {@value #BATCH}-row batches ({@code batch} sends batch number b), all at once,
   * after {@code warmupRounds} unmeasured ones.
   */
  private static double bestOfThreeRounds(Gateway gateway, String token, String name, int warmupRounds,
      java.util.function.BiFunction<QueueHome, Integer, Future<?>> batch) {
    double best = 0;
    for (int round = 0; round < warmupRounds + 3; round++) {
      var org = gateway.postJson("/v1/organizations", token, new JsonObject().put("name", name + "-" + round)
          .put("title", "B")).json().getString("id");
      var base = "/v1/organizations/" + org;
      var home = new QueueHome(org,
          gateway.postJson(base + "/workspaces", token, new JsonObject().put("name", "W")).json().getString("id"),
          gateway.postJson(base + "/schemas", token, new JsonObject().put("name", "S").put("content", new JsonObject()))
              .json().getString("id"));
      long started = System.nanoTime();
      var batches = new ArrayList<Future<?>>();
      for (int b = 0; b < QUEUES / BATCH; b++) {
        batches.add(batch.apply(home, b));
      }
      Future.all(batches).await();
      if (round >= warmupRounds) {
        best = Math.max(best, QUEUES / ((System.nanoTime() - started) / 1e9));
      }
    }
    return best;
  }

  /**
   * 64 clients for 60 s through the gateway, mixing reads (an organization, the caller's organizations,
   * a page of workspaces) with writes (workspaces created, and replaced by id): zero errors expected.
   */
  private void mixedLoad(Platform platform) {
    var gateway = new Gateway(platform.baseUrl());
    var token = gateway.token(platform.adminEmail(), platform.adminPassword());
    var org = gateway.postJson("/v1/organizations", token, new JsonObject().put("name", "bench-mixed").put("title", "M"))
        .json().getString("id");
    var base = "/v1/organizations/" + org;
    var http = client(64);
    var counter = new AtomicLong();
    var sequence = new AtomicLong();
    var millis = Long.getLong("bench.mixedMillis", 60_000);
    var result = LoadDriver.run(vertx, "mixed", 64, WARMUP_MS, millis, () -> {
      long n = sequence.incrementAndGet() % 20;
      if (n < 10) {
        return get(http, platform.gatewayPort, base, token);
      }
      if (n < 13) {
        return get(http, platform.gatewayPort, "/v1/organizations?limit=20", token);
      }
      if (n < 16) {
        return get(http, platform.gatewayPort, base + "/workspaces?limit=20", token);
      }
      var body = new JsonObject().put("name", "ws-" + counter.incrementAndGet());
      var write = n < 18
          ? http.post(platform.gatewayPort, "127.0.0.1", base + "/workspaces").bearerTokenAuthentication(token).sendJsonObject(body)
          : http.put(platform.gatewayPort, "127.0.0.1", base + "/workspaces/" + UUID.randomUUID())
              .bearerTokenAuthentication(token).sendJsonObject(body);
      return write.compose(r -> r.statusCode() / 100 == 2 ? Future.succeededFuture()
          : Future.failedFuture("HTTP " + r.statusCode()));
    });
    add("mixed load via gateway, 64 clients, " + millis / 1000 + " s, 80% reads", result, null);
  }

  private void singleCopyRow(String when, ProvisioningBenchmark.Copy copy, double raw) {
    table.add(new Row("template (" + copy.objects() + " objects) copied into 1 target, " + when + " (objects/s)",
        fmt(copy.objectsPerSecond()) + " (" + fmt(copy.seconds()) + " s)", fmt(raw),
        String.format("%.2f", copy.objectsPerSecond() / raw)));
  }

  /** Template copies into one target and into 50, next to raw multi-row INSERTs of as many rows. */
  private void provisioning(Platform platform) {
    var gateway = new Gateway(platform.baseUrl());
    var bench = new ProvisioningBenchmark(vertx, client(8), platform,
        gateway.token(platform.adminEmail(), platform.adminPassword()));
    var objects = bench.buildTemplate();
    var targets = 50;
    // each copy is compared with a raw INSERT of as many rows as it wrote
    var raw = rawQueueInserts((int) objects, 0);
    var rawForBatch = rawQueueInserts((int) objects * targets, 0);
    // the first copy after the start runs on cold code; another after the warm-up shows what a running engine takes
    var cold = bench.copyOnce("bench-copy-cold");
    // the batch is measured as a running engine does it, once the JIT has compiled the copy's hot paths:
    // after a 10-target batch, org-service's and the engine's compiler threads still took 0.3-0.5 of a core
    // through the measured batch (per-thread CPU from /proc); after 60 they are down to about 0.1
    bench.copyBatch("bench-warmup", Integer.getInteger("bench.copyWarmupTargets", 200), 4);
    var warm = bench.copyOnce("bench-copy-warm");
    // one batch takes about five seconds, short enough for a burst of autovacuum or a checkpoint to move it
    // by a tenth: three are run and the median is the figure (the raw baseline is the best of its three)
    var batches = new ArrayList<ProvisioningBenchmark.Copy>();
    for (int i = 0; i < 3; i++) {
      batches.add(bench.copyBatch("bench-tenant-" + i, targets, 4));
    }
    batches.sort(Comparator.comparingDouble(ProvisioningBenchmark.Copy::objectsPerSecond));
    var batch = batches.get(1);
    table.add(new Row("raw PostgreSQL multi-row INSERT of " + objects + " rows (rows/s)", fmt(raw), "", ""));
    singleCopyRow("the first copy after the start", cold, raw);
    singleCopyRow("warm (after the warm-up batch)", warm, raw);
    table.add(new Row("raw PostgreSQL multi-row INSERT of " + objects * targets + " rows (rows/s)", fmt(rawForBatch),
        "", ""));
    table.add(new Row("template copied into " + targets + " targets, batch concurrency 4, warm, median of 3 (objects/s)",
        fmt(batch.objectsPerSecond()) + " (" + fmt(batch.seconds()) + " s; the three: "
            + batches.stream().map(b -> fmt(b.objectsPerSecond())).collect(Collectors.joining(", ")) + ")",
        fmt(rawForBatch), String.format("%.2f", batch.objectsPerSecond() / rawForBatch)));
    var alone = bench.copyRowsAlone(platformDb, targets);
    table.add(new Row("  ceiling: PostgreSQL alone copying the " + ProvisioningBenchmark.SETUP_OBJECTS
        + " setup objects into " + targets + " targets, 4 at a time (objects/s)", fmt(alone), fmt(rawForBatch),
        String.format("%.2f", alone / rawForBatch)));
    var copies = new ArrayList<>(batches);
    copies.add(cold);
    copies.add(warm);
    table.add(new Row("engine heap during the copies, -Xmx256m: most in use / most kept after a copy (full collection) (MB)",
        fmt(copies.stream().mapToDouble(ProvisioningBenchmark.Copy::peakHeapMb).max().orElse(0)) + " / "
            + fmt(copies.stream().mapToDouble(ProvisioningBenchmark.Copy::keptHeapMb).max().orElse(0)), "", ""));
  }

  private static final int HOOKS = 20;
  private static final int HOOK_EVENTS = Integer.getInteger("bench.hookEvents", 200);

  /**
   * Hook deliveries end to end ({@link HookDeliveryBenchmark}): one organization with {@value #HOOKS} hooks, its
   * events as fast as the API takes them; the same deliveries spread over {@value #HOOKS} organizations of one hook
   * each (the dispatcher's per-organization share set against one tenant alone); and the first shape again at half
   * the rate its deliveries reached, for the latency while the dispatcher has room, not the backlog's.
   */
  private void hookDelivery(Platform platform) {
    var gateway = new Gateway(platform.baseUrl());
    try (var bench = new HookDeliveryBenchmark(vertx, client(HookDeliveryBenchmark.CONCURRENCY), platform,
        gateway.token(platform.adminEmail(), platform.adminPassword()))) {
      // unmeasured: the first deliveries after the start run on cold code
      bench.run(1, HOOKS, HOOK_EVENTS / 10, 0);
      var oneOrganization = bench.run(1, HOOKS, HOOK_EVENTS, 0);
      var manyOrganizations = bench.run(HOOKS, 1, HOOK_EVENTS * HOOKS, 0);
      var eventsPerSecond = oneOrganization.deliveriesPerSecond() / HOOKS / 2;
      var paced = bench.run(1, HOOKS, (int) Math.ceil(eventsPerSecond * MEASURE_MS / 1000), eventsPerSecond);
      var poll = ", hook poll " + platform.hookPollMillis() + " ms";
      hookRows(String.format("hook deliveries, 1 org x %d hooks, %d events as fast as the API takes them%s", HOOKS,
          HOOK_EVENTS, poll), oneOrganization, null);
      hookRows(String.format("the same deliveries, %d orgs x 1 hook, %d events", HOOKS, HOOK_EVENTS * HOOKS),
          manyOrganizations, oneOrganization);
      hookRows(String.format("1 org x %d hooks, events at a fixed %.1f/s (half the deliveries' rate)", HOOKS,
          eventsPerSecond), paced, null);
    }
  }

  /** A hook run's deliveries, against {@code baseline}'s when given; its events; and its errors. */
  private void hookRows(String figure, HookDeliveryBenchmark.Run run, HookDeliveryBenchmark.Run baseline) {
    var value = fmt(run.deliveriesPerSecond()) + " deliveries/s  latency p50 " + fmt(run.p50Millis()) + " ms  p99 "
        + fmt(run.p99Millis()) + " ms";
    table.add(new Row(figure, value, baseline == null ? "" : fmt(baseline.deliveriesPerSecond()) + "/s",
        baseline == null ? "" : String.format("%.2f", run.deliveriesPerSecond() / baseline.deliveriesPerSecond())));
    var events = "  events accepted (PATCH of an org via gateway, " + HookDeliveryBenchmark.CONCURRENCY + " conns)";
    table.add(new Row(events, fmt(run.eventsPerSecond()) + "/s  (" + run.events() + " in " + fmt(run.eventSeconds())
        + " s; last delivery at " + fmt(run.deliverySeconds()) + " s)", "", ""));
    table.add(new Row("  errors", run.errorSummary(), "", ""));
  }

  /**
   * Rows per second of the best of three rounds of {@code rows} queue rows as 500-row INSERTs on 4
   * connections, after {@code warmupRounds} unmeasured ones (as many as the figure it is set against had).
   */
  private double rawQueueInserts(int rows, int warmupRounds) {
    var url = postgres.database("raw_queues_" + rows);
    var pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(4)).connectingTo(url.connectOptions()).using(vertx)
        .build();
    pool.query("CREATE TABLE raw_queues (org_id uuid, id uuid, name text, workspace_id uuid, schema_id uuid, "
        + "settings jsonb, PRIMARY KEY (org_id, id), UNIQUE (org_id, name))").execute().await();
    double best = 0;
    try {
      for (int round = 0; round < warmupRounds + 3; round++) {
        var org = UUID.randomUUID();
        long started = System.nanoTime();
        var batches = new java.util.ArrayList<Future<?>>();
        for (int b = 0; b * BATCH < rows; b++) {
          var sql = new StringBuilder("INSERT INTO raw_queues VALUES ");
          var params = Tuple.tuple();
          for (int i = 0; i < Math.min(BATCH, rows - b * BATCH); i++) {
            int p = i * 6;
            sql.append(i == 0 ? "" : ", ").append(String.format("($%d, $%d, $%d, $%d, $%d, $%d)", p + 1, p + 2, p + 3,
                p + 4, p + 5, p + 6));
            params.addValue(org).addValue(UUID.randomUUID()).addValue("q-" + b + "-" + i).addValue(UUID.randomUUID())
                .addValue(UUID.randomUUID()).addValue(new JsonObject().put("n", i));
          }
          batches.add(pool.preparedQuery(sql.toString()).execute(params));
        }
        Future.all(batches).await();
        if (round >= warmupRounds) {
          best = Math.max(best, rows / ((System.nanoTime() - started) / 1e9));
        }
      }
      return best;
    } finally {
      pool.close().await();
    }
  }

  /** A pool on a database of the platform's PostgreSQL server holding the raw insert's table. */
  private Pool rawOrgsPool(int clients) {
    var url = postgres.database("raw_orgs");
    var pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(clients)).connectingTo(url.connectOptions())
        .using(vertx).build();
    pool.query("CREATE TABLE raw_orgs (id uuid PRIMARY KEY, name text UNIQUE NOT NULL, title text, "
        + "created_at timestamptz NOT NULL DEFAULT now())").execute().await();
    return pool;
  }

  /** pgbench-style: one INSERT per transaction, autocommit. */
  private static Future<?> rawInsert(Pool pool) {
    return pool.preparedQuery("INSERT INTO raw_orgs (id, name, title) VALUES ($1, $2, $3)")
        .execute(Tuple.of(UUID.randomUUID(), UUID.randomUUID().toString(), "B"));
  }

  private static Future<?> get(WebClient http, int port, String path, String token) {
    var request = http.get(port, "127.0.0.1", path).bearerTokenAuthentication(token);
    if (ACCEPT_ENCODING != null) {
      request.putHeader("Accept-Encoding", ACCEPT_ENCODING);
    }
    return request.send()
        .compose(r -> r.statusCode() == 200 ? Future.succeededFuture() : Future.failedFuture("HTTP " + r.statusCode()));
  }

  /**
   * Where the CPU of an operation went, direct and through the gateway: on two shared cores the gateway's
   * throughput ratio is roughly everything else's CPU per operation over the total.
   */
  private void cpuRows(String operation, LoadDriver.Result direct, LoadDriver.Result viaGateway) {
    table.add(new Row("  CPU per " + operation + " (µs), direct", ProcessCpu.format(direct.cpuMicros()), "", ""));
    table.add(new Row("  CPU per " + operation + " (µs), via gateway", ProcessCpu.format(viaGateway.cpuMicros()), "", ""));
  }

  private void add(String figure, LoadDriver.Result result, LoadDriver.Result baseline) {
    var value = fmt(result.perSecond()) + "/s  " + latencies(result);
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
