package dev.orgplane.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.db.PgUrl;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.kit.testing.TcpProxy;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceVerticle;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The real org-service and provisioning engine on one fresh database, each on its own port, the
 * engine calling org-service over HTTP with its service identity, as in production.
 */
public final class EngineHarness {

  public final OrgServiceHarness org;
  public final PgUrl db;
  /** What the engine reaches org-service through, when started {@link #relayed}; null otherwise. */
  public final TcpProxy relay;
  private final WebClient client;
  private final EngineVerticle engine;

  private EngineHarness(OrgServiceHarness org, PgUrl db, TcpProxy relay, WebClient client, EngineVerticle engine) {
    this.org = org;
    this.db = db;
    this.relay = relay;
    this.client = client;
    this.engine = engine;
  }

  /** Small pages, so that even a small template takes several pages per plugin. */
  public static EngineHarness start(Vertx vertx) {
    return start(vertx, new JsonObject());
  }

  /** With configuration keys of the test's own on top of the harness defaults. */
  public static EngineHarness start(Vertx vertx, JsonObject overrides) {
    return start(vertx, overrides, false);
  }

  /** The engine reaches org-service through a {@link #relay} the test may cut, as if org-service stopped. */
  public static EngineHarness relayed(Vertx vertx, JsonObject overrides) {
    return start(vertx, overrides, true);
  }

  /** With configuration keys of the test's own for org-service (hooks delivering to the test, say). */
  public static EngineHarness withOrgService(Vertx vertx, JsonObject orgServiceOverrides) {
    return start(vertx, new JsonObject(), orgServiceOverrides, false);
  }

  /** With configuration keys of the test's own for each: the engine's credentials at org-service, say. */
  public static EngineHarness start(Vertx vertx, JsonObject overrides, JsonObject orgServiceOverrides) {
    return start(vertx, overrides, orgServiceOverrides, false);
  }

  private static EngineHarness start(Vertx vertx, JsonObject overrides, boolean relayed) {
    return start(vertx, overrides, new JsonObject(), relayed);
  }

  private static EngineHarness start(Vertx vertx, JsonObject overrides, JsonObject orgServiceOverrides,
      boolean relayed) {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS, EngineVerticle.MIGRATIONS);
    var org = OrgServiceHarness.start(vertx, db, orgServiceOverrides);
    var relay = relayed ? TcpProxy.start("127.0.0.1", org.port()) : null;
    var engine = deploy(vertx, db, relayed ? relay.port() : org.port(), overrides);
    var harness = new EngineHarness(org, db, relay, WebClient.create(vertx), engine);
    harness.awaitReady();
    return harness;
  }

  /**
   * Waits until the engine is ready: it refuses every token (503) until it has read org-service's revoked tokens,
   * which it does once it listens.
   */
  private void awaitReady() {
    var deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (get("/health/ready", null).statusCode() != 200) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("the engine was not ready within 60 s");
      }
      sleep(10);
    }
  }

  /**
   * Another engine on this one's database and org-service (reached directly), as a second process would be;
   * {@link #undeploy} stops it.
   */
  public EngineHarness alongside(Vertx vertx, JsonObject overrides) {
    return through(vertx, org.port(), overrides);
  }

  /** Another engine on this one's database that reaches org-service at {@code orgServicePort}: a relay, say. */
  public EngineHarness through(Vertx vertx, int orgServicePort, JsonObject overrides) {
    var other = startingThrough(vertx, orgServicePort, overrides);
    other.awaitReady();
    return other;
  }

  /** As {@link #through}, answered once it listens: it may not be ready yet, nor ever (org-service refusing it). */
  public EngineHarness startingThrough(Vertx vertx, int orgServicePort, JsonObject overrides) {
    return new EngineHarness(org, db, null, WebClient.create(vertx), deploy(vertx, db, orgServicePort, overrides));
  }

  /** Stops this engine as a process stopping would: its running jobs go back to the queue. */
  public void undeploy(Vertx vertx) {
    vertx.undeploy(engine.deploymentID()).await();
  }

  private static EngineVerticle deploy(Vertx vertx, PgUrl db, int orgServicePort, JsonObject overrides) {
    var engine = new EngineVerticle(new JsonObject()
        .put("ORGPLANE_PG_URL", db.toString())
        .put("ORGPLANE_PG_POOL_SIZE", "4")
        .put("ORGPLANE_ENGINE_PORT", "0")
        .put("ORGPLANE_ORG_SERVICE_URL", "http://127.0.0.1:" + orgServicePort)
        .put("ORGPLANE_ENGINE_CLIENT_SECRET", OrgServiceHarness.ENGINE_SECRET)
        .put("ORGPLANE_ENGINE_POLL_MILLIS", "100")
        .put("ORGPLANE_ENGINE_LEASE_MILLIS", "3000")
        .put("ORGPLANE_ENGINE_PAGE_SIZE", "4")
        .put("ORGPLANE_ENGINE_COPY_PAGE_SIZE", "4")
        .mergeIn(overrides));
    vertx.deployVerticle(engine).await();
    return engine;
  }

  public HttpResponse<Buffer> send(HttpMethod method, String path, String token, JsonObject body) {
    return send(method, path, token, body, io.vertx.core.MultiMap.caseInsensitiveMultiMap());
  }

  public HttpResponse<Buffer> send(HttpMethod method, String path, String token, JsonObject body,
      io.vertx.core.MultiMap headers) {
    var request = client.request(method, engine.port(), "127.0.0.1", path).putHeaders(headers);
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    return (body == null ? request.send() : request.sendJsonObject(body)).await();
  }

  public HttpResponse<Buffer> get(String path, String token) {
    return send(HttpMethod.GET, path, token, null);
  }

  public HttpResponse<Buffer> post(String path, String token, JsonObject body) {
    return send(HttpMethod.POST, path, token, body);
  }

  /** A POST of {@code json} as written: a Java string holding a lone surrogate would be sent with {@code ?} for it. */
  public HttpResponse<Buffer> postRaw(String path, String token, String json) {
    return client.post(engine.port(), "127.0.0.1", path).bearerTokenAuthentication(token)
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(json)).await();
  }

  /**
   * A body-less POST sent again with its Idempotency-Key, as a client unsure of the first answer would: asserts both
   * are 200 with the same body, the second replayed; answers the first.
   */
  public HttpResponse<Buffer> postedTwiceWithAKey(String path, String token) {
    var key = MultiMap.caseInsensitiveMultiMap().add("Idempotency-Key", UUID.randomUUID().toString());
    var first = send(HttpMethod.POST, path, token, null, key);
    var again = send(HttpMethod.POST, path, token, null, key);
    assertEquals(200, first.statusCode(), first.bodyAsString());
    assertEquals(200, again.statusCode(), again.bodyAsString());
    assertEquals("true", again.getHeader("Idempotent-Replayed"));
    assertEquals(first.bodyAsJsonObject(), again.bodyAsJsonObject());
    return first;
  }

  /** Queues a job or a batch at {@code path}, asserting it was accepted, and answers it as queued. */
  public JsonObject queue(String path, String token, JsonObject request) {
    var queued = post(path, token, request);
    assertEquals(202, queued.statusCode(), queued.bodyAsString());
    return queued.bodyAsJsonObject();
  }

  /** Queues a job, and answers it once it has ended. */
  public JsonObject provision(String token, JsonObject request) {
    return awaitEnd("/v1/provisioning/jobs/" + queue("/v1/provisioning/jobs", token, request).getString("id"), token);
  }

  /** Queues a batch, and answers it once every job of it has ended. */
  public JsonObject provisionBatch(String token, JsonObject request) {
    return awaitEnd("/v1/provisioning/batches/" + queue("/v1/provisioning/batches", token, request).getString("id"),
        token);
  }

  /** The items of org-service list {@code path}, up to 500, asserting it answered. */
  public JsonArray items(String path, String token) {
    var response = org.get(path + "?limit=500", token);
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getJsonArray("items");
  }

  /** The counts of one plugin's step of a job. */
  public static JsonObject step(JsonObject job, String plugin) {
    return job.getJsonArray("steps").stream().map(JsonObject.class::cast)
        .filter(s -> s.getString("plugin").equals(plugin)).findFirst().orElseThrow();
  }

  /** Polls a job or batch until it has ended, and answers it. */
  public JsonObject awaitEnd(String path, String token) {
    var deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      var response = get(path, token);
      assertEquals(200, response.statusCode(), response.bodyAsString());
      var body = response.bodyAsJsonObject();
      if (List.of("succeeded", "failed", "cancelled").contains(body.getString("status"))) {
        return body;
      }
      sleep(100);
    }
    throw new AssertionError(path + " did not end within 60 s: " + get(path, token).bodyAsString());
  }

  /**
   * The details of the {@code provisioning.job.finished} events of {@code jobId} in an organization's
   * audit trail, once there are {@code expected} (reports are sent after the job ends), or after 10 s.
   */
  public List<JsonObject> finishedEvents(String organization, String token, String jobId, int expected) {
    var deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      var events = org.get("/v1/organizations/" + organization
              + "/audit-events?limit=500&action=provisioning.job.finished&target=job:" + jobId, token)
          .bodyAsJsonObject().getJsonArray("items").stream().map(JsonObject.class::cast)
          .map(e -> e.getJsonObject("details")).toList();
      if (events.size() >= expected || System.nanoTime() > deadline) {
        return events;
      }
      sleep(50);
    }
  }

  /** What {@code countSql} counts in the engine's database, once it is {@code expected}, or after 10 s. */
  public long awaitCount(String countSql, long expected) {
    var deadline = System.nanoTime() + 10_000_000_000L;
    var count = PgFixture.queryLong(db, countSql);
    while (count != expected && System.nanoTime() < deadline) {
      sleep(50);
      count = PgFixture.queryLong(db, countSql);
    }
    return count;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public int port() {
    return engine.port();
  }

  Router router() {
    return engine.router();
  }
}
