package dev.orgplane.org.metaschema;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.org.OrgServiceHarness;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Meta-schemas are checked on threads of their own, with at most {@value #QUEUE} checks waiting here
 * ({@value MetaSchemas#QUEUE_SETTING}); a test holds every thread, as a burst of schemas with slow patterns would.
 * And checks cut off by the budget, which anyone may cause, add one line to the log, not one ERROR each.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetaSchemaLoadTest {

  private static final int QUEUE = 1;

  private final ExecutorService requests = Executors.newCachedThreadPool();
  private OrgServiceHarness org;
  private String admin;
  private Vertx vertx;

  @BeforeAll
  void start(Vertx vertx) {
    this.vertx = vertx;
    org = OrgServiceHarness.start(vertx, MetaSchemas.QUEUE_SETTING, String.valueOf(QUEUE));
    admin = org.platformAdminToken();
  }

  @AfterAll
  void stopRequests() {
    requests.shutdownNow();
  }

  /** A write past the queue is refused at once and stores nothing; those waiting are stored once threads free. */
  @Test
  void writesPastTheQueueAreRefusedBusyAndStoreNothing() throws Exception {
    var admitted = MetaSchemas.THREADS + QUEUE;
    List<CompletableFuture<HttpResponse<Buffer>>> waiting;
    HttpResponse<Buffer> refused;
    var release = new CountDownLatch(1);
    var checking = vertx.createSharedWorkerExecutor(MetaSchemas.POOL_NAME, MetaSchemas.THREADS);
    try {
      var held = new CountDownLatch(MetaSchemas.THREADS);
      for (int i = 0; i < MetaSchemas.THREADS; i++) {
        checking.executeBlocking(() -> {
          held.countDown();
          return release.await(2, TimeUnit.MINUTES);
        }, false);
      }
      assertTrue(held.await(30, TimeUnit.SECONDS), "every meta-schema thread is held");
      waiting = IntStream.range(0, admitted).mapToObj(i -> CompletableFuture.supplyAsync(() -> put("waiting-" + i),
          requests)).toList();
      awaitChecksAdmitted(admitted);

      refused = put("refused");
    } finally {
      release.countDown();
      checking.close();
    }

    assertProblem(refused, 503, "busy");
    assertEquals("1", refused.getHeader("Retry-After"));
    assertProblem(org.get("/v1/meta-schemas/refused", admin), 404, "meta_schema_not_found");
    for (var write : waiting) {
      assertEquals(200, write.get(60, TimeUnit.SECONDS).statusCode());
    }
  }

  /**
   * A value too long for a backtracking pattern is cut off with the budget: the validator logged an ERROR for each
   * (anyone creating organizations could fill the log); now one WARN of ours names the organization and the schema,
   * once a minute per schema.
   */
  @Test
  void checksCutOffAreLoggedOnceAMinuteWithTheOrganizationAndTheSchema() {
    var path = "/v1/meta-schemas/organization";
    var before = org.get(path, admin).bodyAsJsonObject().getJsonObject("schema");
    var slugs = new JsonObject().put("type", "object").put("additionalProperties", new JsonObject()
        .put("type", "string").put("pattern", "^([a-z0-9]+-?)*[a-z0-9]$"));
    assertEquals(200, org.send(HttpMethod.PUT, path, admin, slugs).statusCode());
    var tooLong = new JsonObject();
    for (var i = 0; i < 3; i++) {
      tooLong.put("k" + i, "a".repeat(8_000) + "!");
    }
    var names = List.of("cut-" + UUID.randomUUID().toString().substring(0, 8),
        "cut-" + UUID.randomUUID().toString().substring(0, 8));
    var logged = new ByteArrayOutputStream();
    var err = System.err;
    System.setErr(new PrintStream(logged, true, StandardCharsets.UTF_8));
    try {
      for (var name : names) {
        assertProblem(org.post("/v1/organizations", org.newUser("owner").token(), new JsonObject().put("name", name)
            .put("title", "t").put("metadata", tooLong)), 400, "validation_failed");
      }
    } finally {
      System.setErr(err);
      assertEquals(200, org.send(HttpMethod.PUT, path, admin, before).statusCode());
    }
    var log = logged.toString(StandardCharsets.UTF_8);
    assertFalse(log.contains("ERROR"), log);
    assertEquals(1, log.lines().filter(line -> line.contains("WARN")).count(), log);
    assertTrue(log.contains("organization " + names.get(0) + " against the organization meta-schema"), log);
  }

  private HttpResponse<Buffer> put(String name) {
    return org.send(HttpMethod.PUT, "/v1/meta-schemas/" + name, admin,
        new JsonObject().put("properties", new JsonObject().put("code", new JsonObject().put("pattern", "^[a-z]+$"))));
  }

  /** Waits (30 s at most) until {@code count} checks are running or waiting. */
  private void awaitChecksAdmitted(int count) throws InterruptedException {
    LocalMap<String, Integer> admitted = vertx.sharedData().getLocalMap(MetaSchemas.POOL_NAME);
    var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Integer.valueOf(count).equals(admitted.get(MetaSchemas.POOL_NAME)) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(count, admitted.get(MetaSchemas.POOL_NAME), "checks running or waiting");
  }
}
