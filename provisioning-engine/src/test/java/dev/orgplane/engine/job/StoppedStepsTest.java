package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.engine.EngineHarness;
import dev.orgplane.engine.PluginsDir;
import dev.orgplane.engine.TemplateFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The steps a run leaves under way when it stops (cancelled, failed by a sibling, handed back by its stopping engine)
 * show {@code pending}, as what a retry or the next claim resumes, not {@code running} in a job that runs nothing.
 * Each test runs its job on an engine of its own, stopped after it; the first engine runs none.
 */
class StoppedStepsTest {

  private static final String PLUGINS = PluginsDir.listing(EndlessPlugin.class, LateFailingPlugin.class);

  private static Vertx vertx;
  private static EngineHarness idle;
  private static TemplateFixture template;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    idle = EngineHarness.start(vertx, new JsonObject().put("ORGPLANE_ENGINE_WORKERS", "0")
        .put("ORGPLANE_PLUGINS_DIR", PLUGINS));
    template = TemplateFixture.build(idle.org, "stopped-steps-template");
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static String token() {
    return template.groupAdmin().token();
  }

  private static EngineHarness worker() {
    return idle.alongside(vertx, new JsonObject().put("ORGPLANE_PLUGINS_DIR", PLUGINS));
  }

  /** Queues a dry run of {@code plugins}; answers its path. */
  private static String queue(String... plugins) {
    var queued = idle.post("/v1/provisioning/jobs", token(), new JsonObject()
        .put("templateOrganization", template.templateId()).put("dryRun", true)
        .put("plugins", new JsonArray(List.of(plugins)))
        .put("target", new JsonObject().put("name", "stopped-" + UUID.randomUUID().toString().substring(0, 8))));
    assertEquals(202, queued.statusCode(), queued.bodyAsString());
    return "/v1/provisioning/jobs/" + queued.bodyAsJsonObject().getString("id");
  }

  /** The job at {@code path} once its endless step is under way: a page of it checkpointed, more to come. */
  private static JsonObject underWay(String path) {
    var deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      var job = idle.get(path, token()).bodyAsJsonObject();
      var step = EngineHarness.step(job, "endless");
      if (step.getString("status").equals("running") && step.getLong("planned") > 0) {
        return job;
      }
      sleep();
    }
    throw new AssertionError(path + " never got under way: " + idle.get(path, token()).bodyAsString());
  }

  private static void sleep() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Test
  void aJobCancelledMidStepLeavesItPendingForTheRetry() {
    var worker = worker();
    try {
      var path = queue("endless");
      underWay(path);
      assertEquals(200, idle.post(path + "/cancel", token(), null).statusCode());

      var cancelled = idle.awaitEnd(path, token());
      assertEquals("cancelled", cancelled.getString("status"), cancelled.encodePrettily());
      var step = EngineHarness.step(cancelled, "endless");
      assertEquals("pending", step.getString("status"), cancelled.encodePrettily());
      assertTrue(step.getLong("planned") > 0, "what the step did stays recorded");

      var retried = idle.post(path + "/retry", token(), null).bodyAsJsonObject();
      assertEquals("pending", EngineHarness.step(retried, "endless").getString("status"), retried.encodePrettily());
      idle.post(path + "/cancel", token(), null);
    } finally {
      worker.undeploy(vertx);
    }
  }

  @Test
  void aStepFailingTheJobLeavesItsSiblingUnderWayPending() {
    var worker = worker();
    try {
      var path = queue("endless", "late-failing");

      var failed = idle.awaitEnd(path, token());
      assertEquals("failed", failed.getString("status"), failed.encodePrettily());
      assertEquals(LateFailingPlugin.CODE, failed.getJsonObject("error").getString("code"), failed.encodePrettily());
      assertEquals("failed", EngineHarness.step(failed, "late-failing").getString("status"), failed.encodePrettily());
      var sibling = EngineHarness.step(failed, "endless");
      assertTrue(sibling.getLong("planned") > 0, "the sibling was under way: " + failed.encodePrettily());
      assertEquals("pending", sibling.getString("status"), failed.encodePrettily());
    } finally {
      worker.undeploy(vertx);
    }
  }

  @Test
  void aJobHandedBackByItsStoppingEngineRunsNoStep() {
    var worker = worker();
    var path = queue("endless");
    underWay(path);
    worker.undeploy(vertx);

    var handedBack = idle.get(path, token()).bodyAsJsonObject();
    assertEquals("queued", handedBack.getString("status"), handedBack.encodePrettily());
    assertEquals("pending", EngineHarness.step(handedBack, "endless").getString("status"), handedBack.encodePrettily());
    idle.post(path + "/cancel", token(), null);
  }
}
