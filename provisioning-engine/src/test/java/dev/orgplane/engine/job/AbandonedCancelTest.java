package dev.orgplane.engine.job;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.orgplane.engine.EngineHarness;
import dev.orgplane.engine.PluginsDir;
import dev.orgplane.engine.TemplateFixture;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Jobs whose cancel was asked for while their engine could not stop them: one handed back to the queue by an
 * engine that stopped, one left running under the lease of an engine that died. The engine that claims them
 * ends them cancelled, as a cancel ends a queued job, before it makes anything; an engine with no slot free, or with
 * no workers at all, ends them too, without claiming anything. (Apart from CancellationTest:
 * a second engine in the process would take over the outbox metric that class reads.)
 */
class AbandonedCancelTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void aJobWhoseCancelWasAskedForEndsCancelledWhenClaimedAndMakesNothing() {
    var idle = EngineHarness.start(vertx, new JsonObject().put("ORGPLANE_ENGINE_WORKERS", "0"));
    var template = TemplateFixture.build(idle.org, "abandoned-template");
    var owner = template.groupAdmin().token();
    var handedBack = idle.post("/v1/provisioning/jobs", owner, new JsonObject()
        .put("templateOrganization", template.templateId())
        .put("target", new JsonObject().put("name", "handed-back"))).bodyAsJsonObject().getString("id");
    var batch = idle.post("/v1/provisioning/batches", owner, new JsonObject()
        .put("templateOrganization", template.templateId())
        .put("targets", new JsonArray().add(new JsonObject().put("name", "left-running")))).bodyAsJsonObject();
    // gone before the jobs are abandoned: it would end them itself, claiming nothing
    idle.undeploy(vertx);
    PgFixture.execute(idle.db,
        "UPDATE provisioning.jobs SET cancel_requested = true WHERE id = '" + handedBack + "'",
        "UPDATE provisioning.jobs SET status = 'running', cancel_requested = true, lease_owner = 'engine-gone', "
            + "lease_until = now() - interval '1 second', attempts = 1, started_at = now() "
            + "WHERE batch_id = '" + batch.getString("id") + "'",
        // its engine died during a page of its first step
        "UPDATE provisioning.job_steps SET status = 'running', cursor = 'page-2' WHERE position = 0 AND job_id IN "
            + "(SELECT id FROM provisioning.jobs WHERE batch_id = '" + batch.getString("id") + "')");
    var leftRunning = PgFixture.queryLong(idle.db, "SELECT count(*) FROM provisioning.jobs WHERE batch_id = '"
        + batch.getString("id") + "' AND status = 'running'");
    assertEquals(1, leftRunning);

    var worker = idle.alongside(vertx, new JsonObject().put("ORGPLANE_ENGINE_WORKERS", "2"));

    var first = worker.awaitEnd("/v1/provisioning/jobs/" + handedBack, owner);
    assertEquals("cancelled", first.getString("status"), first.encodePrettily());
    assertEquals(0, first.getInteger("attempts"), "it never ran");
    assertNull(first.getValue("targetOrganization"));
    var ended = worker.awaitEnd("/v1/provisioning/batches/" + batch.getString("id"), owner);
    assertEquals("cancelled", ended.getString("status"), ended.encodePrettily());
    assertEquals(1, ended.getJsonObject("counts").getLong("cancelled"));
    var second = worker.get("/v1/provisioning/batches/" + batch.getString("id") + "/jobs", owner).bodyAsJsonObject()
        .getJsonArray("items").getJsonObject(0);
    assertEquals(1, second.getInteger("attempts"), "not taken over");
    assertEquals("pending", second.getJsonArray("steps").getJsonObject(0).getString("status"),
        "the step its dead engine left under way is pending again: " + second.encodePrettily());
    assertNull(second.getValue("targetOrganization"));
    for (var job : new String[] {handedBack, second.getString("id")}) {
      var reported = idle.finishedEvents(template.templateId(), owner, job, 1);
      assertEquals(1, reported.size(), "the template's hooks hear of the end");
      assertEquals("cancelled", reported.get(0).getString("status"));
    }
    for (var name : new String[] {"handed-back", "left-running"}) {
      assertProblem(idle.org.get("/v1/organizations/" + name, owner), 404, "organization_not_found");
    }
  }

  @Test
  void aJobWhoseCancelWasAskedForEndsCancelledWhileEveryEngineIsBusy() {
    var busy = EngineHarness.start(vertx, new JsonObject().put("ORGPLANE_ENGINE_WORKERS", "1")
        .put("ORGPLANE_ENGINE_POLL_MILLIS", "100")
        .put("ORGPLANE_PLUGINS_DIR", PluginsDir.listing(EndlessPlugin.class)));
    var template = TemplateFixture.build(busy.org, "busy-template");
    var owner = template.groupAdmin().token();
    var endless = busy.post("/v1/provisioning/jobs", owner, new JsonObject()
        .put("templateOrganization", template.templateId()).put("dryRun", true)
        .put("plugins", new JsonArray().add("endless"))
        .put("target", new JsonObject().put("name", "endless"))).bodyAsJsonObject().getString("id");
    awaitStatus(busy, "/v1/provisioning/jobs/" + endless, owner, "running");
    var abandoned = busy.post("/v1/provisioning/jobs", owner, new JsonObject()
        .put("templateOrganization", template.templateId())
        .put("target", new JsonObject().put("name", "abandoned"))).bodyAsJsonObject().getString("id");
    abandon(busy, abandoned);

    awaitStatus(busy, "/v1/provisioning/jobs/" + abandoned, owner, "cancelled");
    assertEquals("running", busy.get("/v1/provisioning/jobs/" + endless, owner).bodyAsJsonObject()
        .getString("status"), "the only slot stayed busy");
    assertEndReported(busy, template, abandoned);
  }

  @Test
  void aJobWhoseCancelWasAskedForEndsCancelledOnAnEngineWithNoWorkers() {
    var idle = EngineHarness.start(vertx, new JsonObject().put("ORGPLANE_ENGINE_WORKERS", "0"));
    var template = TemplateFixture.build(idle.org, "workerless-template");
    var owner = template.groupAdmin().token();
    var abandoned = idle.post("/v1/provisioning/jobs", owner, new JsonObject()
        .put("templateOrganization", template.templateId())
        .put("target", new JsonObject().put("name", "workerless"))).bodyAsJsonObject().getString("id");
    abandon(idle, abandoned);

    awaitStatus(idle, "/v1/provisioning/jobs/" + abandoned, owner, "cancelled");
    var ended = idle.get("/v1/provisioning/jobs/" + abandoned, owner).bodyAsJsonObject();
    assertEquals(1, ended.getInteger("attempts"), "not taken over");
    assertNull(ended.getValue("targetOrganization"));
    assertEndReported(idle, template, abandoned);
  }

  /** Leaves {@code job} as an engine that died while running it leaves it, after its cancel was asked for. */
  private static void abandon(EngineHarness engine, String job) {
    PgFixture.execute(engine.db, "UPDATE provisioning.jobs SET status = 'running', cancel_requested = true, "
        + "lease_owner = 'engine-gone', lease_until = now() - interval '1 second', attempts = 1, started_at = now() "
        + "WHERE id = '" + job + "'");
  }

  private static void assertEndReported(EngineHarness engine, TemplateFixture template, String job) {
    var reported = engine.finishedEvents(template.templateId(), template.groupAdmin().token(), job, 1);
    assertEquals(1, reported.size(), "its end is reported");
    assertEquals("cancelled", reported.get(0).getString("status"), "the end report says so");
  }

  /** Waits for the job at {@code path} to reach {@code status}: a few polls, which a busy machine may delay. */
  private void awaitStatus(EngineHarness engine, String path, String token, String status) {
    var deadline = Instant.now().plus(Duration.ofSeconds(30));
    var job = engine.get(path, token).bodyAsJsonObject();
    while (!job.getString("status").equals(status) && Instant.now().isBefore(deadline)) {
      vertx.timer(50).await();
      job = engine.get(path, token).bodyAsJsonObject();
    }
    assertEquals(status, job.getString("status"), job.encodePrettily());
  }
}
