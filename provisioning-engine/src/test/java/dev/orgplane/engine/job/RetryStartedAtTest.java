package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.orgplane.engine.EngineHarness;
import dev.orgplane.engine.TemplateFixture;
import dev.orgplane.kit.db.Database;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A retried job starts anew: queued again it has not started, and its rerun's {@code startedAt} is the rerun's, so
 * {@code finishedAt - startedAt} is how long that run took, not the time the job sat failed. Its {@code attempts}
 * count every run, across retries.
 */
class RetryStartedAtTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void aRetriedJobHasNotStartedUntilItRunsAgainWhetherRetriedAloneOrWithItsBatch() {
    // no engine of the harness claims: the test's own claims below are the only ones
    var engine = EngineHarness.start(vertx, new JsonObject().put("ORGPLANE_ENGINE_WORKERS", "0")
        .put("ORGPLANE_ENGINE_POLL_MILLIS", "3600000"));
    var template = TemplateFixture.build(engine.org, "retry-started-template");
    var token = template.groupAdmin().token();
    var batchId = engine.queue("/v1/provisioning/batches", token, new JsonObject()
        .put("templateOrganization", template.templateId())
        .put("targets", new JsonArray().add(new JsonObject().put("name", "retried")))).getString("id");
    var jobPath = "/v1/provisioning/jobs/" + engine.get("/v1/provisioning/batches/" + batchId + "/jobs", token)
        .bodyAsJsonObject().getJsonArray("items").getJsonObject(0).getString("id");
    var pool = Database.open(vertx, engine.db, 1, List.of()).await();

    var first = runAndFail(pool, engine, jobPath, token);
    var retried = engine.post(jobPath + "/retry", token, null).bodyAsJsonObject();
    assertEquals("queued", retried.getString("status"), retried.encodePrettily());
    assertNull(retried.getString("startedAt"), "queued again, it has not started: " + retried.encodePrettily());
    assertEquals(1, retried.getInteger("attempts"), retried.encodePrettily());

    var rerun = runAndFail(pool, engine, jobPath, token);
    assertFalse(OffsetDateTime.parse(rerun.getString("startedAt"))
        .isBefore(OffsetDateTime.parse(first.getString("finishedAt"))), "the rerun's start: " + rerun.encodePrettily());
    assertEquals(2, rerun.getInteger("attempts"), "attempts count across retries: " + rerun.encodePrettily());

    assertEquals(200, engine.post("/v1/provisioning/batches/" + batchId + "/retry", token, null).statusCode());
    var retriedWithItsBatch = engine.get(jobPath, token).bodyAsJsonObject();
    assertEquals("queued", retriedWithItsBatch.getString("status"), retriedWithItsBatch.encodePrettily());
    assertNull(retriedWithItsBatch.getString("startedAt"), retriedWithItsBatch.encodePrettily());
  }

  /** The job claimed and ended failed, as a run that failed at once would leave it; answers it as the API shows it. */
  private static JsonObject runAndFail(Pool pool, EngineHarness engine, String jobPath, String token) {
    var run = Lease.of(JobRepository.claim(pool, "test-engine", 60_000).await().job().orElseThrow(), "test-engine");
    JobRepository.finish(pool, run, "failed", new JsonObject().put("code", "x"), 0, null).await();
    var failed = engine.get(jobPath, token).bodyAsJsonObject();
    assertEquals("failed", failed.getString("status"), failed.encodePrettily());
    assertNotNull(failed.getString("startedAt"), failed.encodePrettily());
    return failed;
  }
}
