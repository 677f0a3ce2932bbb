package dev.orgplane.e2e;

import dev.orgplane.kit.db.PgUrl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Copies of the reference template (100 workspaces, 500 schemas, 2,000 queues, 1,000 hooks,
 * 50 roles, 20 teams, 200 members) into one target and into 50 (a batch, concurrency 4), timed from
 * the request to the job's end, while the engine's heap is sampled from its /metrics.
 */
final class ProvisioningBenchmark {

  static final int WORKSPACES = 100;
  static final int SCHEMAS = 500;
  static final int QUEUES = 2_000;
  static final int HOOKS = 1_000;
  static final int ROLES = 50;
  static final int TEAMS = 20;
  static final int MEMBERS = 200;
  private static final int BATCH = 500;
  private static final double MEGABYTE = 1024 * 1024;

  /**
   * A timed copy: template objects per target, targets, seconds, and the engine's heap: the most in use at once
   * (garbage included, so it follows how far the collector lets the young generation grow) and what a full
   * collection right after the copy leaves (what the engine keeps).
   */
  record Copy(long objects, int targets, double seconds, double peakHeapMb, double keptHeapMb) {
    double objectsPerSecond() {
      return objects * targets / seconds;
    }
  }

  private final Vertx vertx;
  private final WebClient http;
  private final Platform platform;
  private final String token;
  private String groupId;
  private String templateId;

  ProvisioningBenchmark(Vertx vertx, WebClient http, Platform platform, String token) {
    this.vertx = vertx;
    this.http = http;
    this.platform = platform;
    this.token = token;
  }

  /** Builds the template through the import API; answers how many objects it holds. */
  long buildTemplate() {
    var group = call(HttpMethod.POST, "/v1/organization-groups", new JsonObject().put("name", "bench-group"), null);
    groupId = group.getString("id");
    templateId = call(HttpMethod.POST, "/v1/organizations", new JsonObject().put("name", "bench-template")
        .put("title", "Benchmark template").put("groupId", groupId), group.getString("createKey")).getString("id");
    var base = "/v1/organizations/" + templateId;
    var roles = new ArrayList<String>();
    for (int i = 0; i < ROLES; i++) {
      roles.add("role-" + i);
      call(HttpMethod.PUT, base + "/roles/" + UUID.randomUUID(), new JsonObject().put("name", "role-" + i)
          .put("title", "Role " + i).put("permissions", new JsonArray().add("app_organization_get")), null);
    }
    var members = new ArrayList<String>();
    for (int i = 0; i < MEMBERS; i++) {
      members.add(call(HttpMethod.POST, "/v1/users", new JsonObject().put("email", "member-" + i + "@bench.test")
          .put("name", "Member " + i), null).getString("id"));
    }
    for (int r = 0; r < 10; r++) {
      call(HttpMethod.POST, base + "/users", new JsonObject().put("userIds", new JsonArray(members.subList(r * 20, r * 20 + 20)))
          .put("roles", new JsonArray().add("member").add(roles.get(r))), null);
    }
    for (int t = 0; t < TEAMS; t++) {
      call(HttpMethod.PUT, base + "/groups/" + UUID.randomUUID(), new JsonObject().put("name", "team-" + t)
          .put("userIds", new JsonArray(members.subList(t * 10, t * 10 + 10))), null);
    }
    var workspaces = importKind(base, "workspaces", WORKSPACES, (i, ids) -> new JsonObject().put("name", "ws-" + i));
    var schemas = importKind(base, "schemas", SCHEMAS, (i, ids) -> new JsonObject().put("name", "schema-" + i)
        .put("content", new JsonObject().put("type", "object").put("title", "Schema " + i)));
    var queues = importKind(base, "queues", QUEUES, (i, ids) -> new JsonObject().put("name", "queue-" + i)
        .put("workspaceId", workspaces.get(i % WORKSPACES)).put("schemaId", schemas.get(i % SCHEMAS))
        .put("settings", new JsonObject().put("fallbackSchema", schemas.get((i + 1) % SCHEMAS))));
    importKind(base, "hooks", HOOKS, (i, ids) -> new JsonObject().put("name", "hook-" + i)
        .put("url", "https://hooks.example.com/" + i).put("events", new JsonArray().add("queue.created"))
        .put("queueIds", new JsonArray().add(queues.get(2 * i)).add(queues.get(2 * i + 1)))
        .put("runAfter", i % 10 == 0 ? new JsonArray() : new JsonArray().add(ids.get(i - 1))));
    return WORKSPACES + SCHEMAS + QUEUES + HOOKS + ROLES + TEAMS + MEMBERS;
  }

  /**
   * One copy into a new organization named {@code name}. Its job is asked for its status every 20 ms, not a batch's
   * 200: a copy of about a second would otherwise be measured up to a fifth longer than it took.
   */
  Copy copyOnce(String name) {
    var job = call(HttpMethod.POST, "/v1/provisioning/jobs", new JsonObject().put("templateOrganization", templateId)
        .put("target", new JsonObject().put("name", name).put("title", "Copy")), null);
    return timed(1, "/v1/provisioning/jobs/" + job.getString("id"), System.nanoTime(), 20);
  }

  Copy copyBatch(String prefix, int targets, int concurrency) {
    var list = new JsonArray();
    for (int i = 0; i < targets; i++) {
      list.add(new JsonObject().put("name", prefix + "-" + i).put("title", "Tenant " + i));
    }
    var started = System.nanoTime();
    var batch = call(HttpMethod.POST, "/v1/provisioning/batches", new JsonObject().put("templateOrganization", templateId)
        .put("targets", list).put("concurrency", concurrency), null);
    return timed(targets, "/v1/provisioning/batches/" + batch.getString("id"), started, 200);
  }

  private Copy timed(int targets, String path, long started, long pollMillis) {
    double peak = 0;
    JsonObject ended;
    while (true) {
      peak = Math.max(peak, heapInUseMb());
      ended = call(HttpMethod.GET, path, null, null);
      if (List.of("succeeded", "failed", "cancelled").contains(ended.getString("status"))) {
        break;
      }
      vertx.timer(pollMillis).await();
    }
    var seconds = (System.nanoTime() - started) / 1e9;
    if (!"succeeded".equals(ended.getString("status"))) {
      throw new IllegalStateException("benchmark copy did not succeed: " + ended.encodePrettily());
    }
    return new Copy(WORKSPACES + SCHEMAS + QUEUES + HOOKS + ROLES + TEAMS + MEMBERS, targets, seconds, peak, heapKeptMb());
  }

  /** Objects of the kinds org-service copies itself: workspaces, schemas, queues, hooks. */
  static final int SETUP_OBJECTS = WORKSPACES + SCHEMAS + QUEUES + HOOKS;

  /**
   * The copy's row work done by PostgreSQL alone, into {@code targets} fresh organizations, four at a
   * time: per target one {@code INSERT ... SELECT} per setup kind from the template's rows (ids and
   * references mapped in SQL); no services, no paging, no reference or cycle checks, and, like the copy,
   * no record of copies in the engine. What the setup kinds' copy could reach if the services cost
   * nothing (objects/s).
   */
  double copyRowsAlone(PgUrl db, int targets) {
    var orgs = new ArrayList<UUID>();
    for (int i = 0; i < targets; i++) {
      orgs.add(UUID.fromString(call(HttpMethod.POST, "/v1/organizations", new JsonObject().put("name", "copy-alone-" + i)
          .put("title", "Alone " + i), null).getString("id")));
    }
    var pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(4)).connectingTo(db.connectOptions()).using(vertx)
        .build();
    try {
      var template = UUID.fromString(templateId);
      var next = new AtomicInteger();
      var started = System.nanoTime();
      var workers = new ArrayList<Future<?>>();
      for (int w = 0; w < 4; w++) {
        workers.add(copyAlone(pool, template, orgs, next));
      }
      Future.all(workers).await();
      return (double) SETUP_OBJECTS * targets / ((System.nanoTime() - started) / 1e9);
    } finally {
      pool.close().await();
    }
  }

  private static final List<String> COPY_ALONE = List.of(
      "INSERT INTO org.workspaces (org_id, id, name, metadata) SELECT $1, md5($1::text || id::text)::uuid, name, "
          + "metadata FROM org.workspaces WHERE org_id = $2",
      "INSERT INTO org.schemas (org_id, id, name, content, metadata) SELECT $1, md5($1::text || id::text)::uuid, "
          + "name, content, metadata FROM org.schemas WHERE org_id = $2",
      "INSERT INTO org.queues (org_id, id, name, workspace_id, schema_id, settings, metadata) SELECT $1, "
          + "md5($1::text || id::text)::uuid, name, md5($1::text || workspace_id::text)::uuid, "
          + "md5($1::text || schema_id::text)::uuid, settings, metadata FROM org.queues WHERE org_id = $2",
      "INSERT INTO org.hooks (org_id, id, name, url, events, queue_ids, run_after, active, config, secret, metadata) "
          + "SELECT $1, md5($1::text || id::text)::uuid, name, url, events, "
          + "ARRAY(SELECT md5($1::text || q::text)::uuid FROM unnest(queue_ids) q), "
          + "ARRAY(SELECT md5($1::text || h::text)::uuid FROM unnest(run_after) h), active, config, "
          + "replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), metadata FROM org.hooks WHERE org_id = $2");

  /** One worker: takes the next target and copies into it, statement after statement, until none is left. */
  private static Future<?> copyAlone(Pool pool, UUID template, List<UUID> targets, AtomicInteger next) {
    var index = next.getAndIncrement();
    if (index >= targets.size()) {
      return Future.succeededFuture();
    }
    Future<?> done = Future.succeededFuture();
    for (var sql : COPY_ALONE) {
      done = done.compose(v -> pool.preparedQuery(sql).execute(Tuple.of(targets.get(index), template)));
    }
    return done.compose(v -> copyAlone(pool, template, targets, next));
  }

  /** Heap in use by the engine, from its Prometheus metrics (all heap pools together). */
  private double heapInUseMb() {
    var text = http.get(platform.enginePort, "127.0.0.1", "/metrics").send().await().bodyAsString();
    double bytes = 0;
    for (var line : text.split("\n")) {
      if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
        bytes += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return bytes / MEGABYTE;
  }

  /** The engine's heap in use after a full collection, which jcmd asks its JVM for. */
  private double heapKeptMb() {
    var jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    var pid = String.valueOf(platform.process(platform.enginePort).pid());
    try {
      var gc = new ProcessBuilder(jcmd, pid, "GC.run").redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (gc.waitFor() != 0) {
        throw new IllegalStateException("jcmd GC.run failed for the engine");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return heapInUseMb();
  }

  private static double valueOf(String metricLine) {
    return Double.parseDouble(metricLine.substring(metricLine.lastIndexOf(' ') + 1));
  }

  private interface Item {
    JsonObject make(int index, List<String> ids);
  }

  private List<String> importKind(String base, String kind, int count, Item item) {
    var ids = new ArrayList<String>();
    for (int i = 0; i < count; i++) {
      ids.add(UUID.randomUUID().toString());
    }
    for (int from = 0; from < count; from += BATCH) {
      var items = new JsonArray();
      for (int i = from; i < Math.min(count, from + BATCH); i++) {
        items.add(item.make(i, ids).put("id", ids.get(i)));
      }
      call(HttpMethod.POST, base + "/" + kind + ":batch", new JsonObject().put("items", items), null);
    }
    return ids;
  }

  private JsonObject call(HttpMethod method, String path, JsonObject body, String createKey) {
    var request = http.request(method, platform.gatewayPort, "127.0.0.1", path).bearerTokenAuthentication(token);
    if (createKey != null) {
      request.putHeader("X-Create-Key", createKey);
    }
    var response = (body == null ? request.send() : request.sendJsonObject(body)).await();
    if (response.statusCode() / 100 != 2) {
      throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
          + response.bodyAsString());
    }
    return response.bodyAsJsonObject();
  }
}
