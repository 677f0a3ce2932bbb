package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.orgplane.engine.EngineHarness;
import dev.orgplane.engine.TemplateFixture;
import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.sql.DriverManager;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A retry answers the job as it left it, even when an engine claims the job the moment the retry commits: the
 * client sees it queued with its failed step pending, not whatever a later read would find.
 */
class RetryAnswerTest {

  /**
   * Each blocking step on a thread of its own: on two cores the common pool has one thread, which JDK 17 bypassed
   * for async tasks but later JDKs use, and the claim then queued behind the retry it must wait beside.
   */
  private static final Executor OWN_THREAD = task -> new Thread(task).start();

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void aRetryAnswersItsJobQueuedThoughAnEngineClaimsItAtOnce() throws Exception {
    // no engine of the harness claims: the test's own claim below is the only one
    var engine = EngineHarness.start(vertx, new JsonObject().put("ORGPLANE_ENGINE_WORKERS", "0")
        .put("ORGPLANE_ENGINE_POLL_MILLIS", "3600000"));
    var template = TemplateFixture.build(engine.org, "retry-answer-template");
    var token = template.groupAdmin().token();
    var jobId = engine.post("/v1/provisioning/jobs", token, new JsonObject()
        .put("templateOrganization", template.templateId()).put("target", new JsonObject().put("name", "retried")))
        .bodyAsJsonObject().getString("id");
    var pool = Database.open(vertx, engine.db, 1, List.of()).await();
    var run = Lease.of(JobRepository.claim(pool, "first-engine", 60_000).await().job().orElseThrow(), "first-engine");
    JobRepository.finish(pool, run, "failed", new JsonObject().put("code", "x"), 0, null).await();

    var db = engine.db;
    try (var other = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      // the retry writes its job's row, then waits for the steps held here
      other.setAutoCommit(false);
      other.createStatement().execute("SELECT FROM provisioning.job_steps WHERE job_id = '" + jobId + "' FOR UPDATE");
      var retried = CompletableFuture.supplyAsync(
          () -> engine.post("/v1/provisioning/jobs/" + jobId + "/retry", token, null), OWN_THREAD);
      PgFixture.awaitLockWaits(db, 1);
      // an engine's claim, made as soon as the retry commits: its lock on the jobs, asked for while the retry
      // holds theirs, queues any later read of a job behind the claim, as if the claim came between them
      var claimed = CompletableFuture.runAsync(() -> PgFixture.execute(db, "BEGIN",
          "LOCK TABLE provisioning.jobs IN ACCESS EXCLUSIVE MODE", "UPDATE provisioning.jobs "
          + "SET status = 'running', lease_owner = 'second-engine', lease_until = now() + interval '1 minute', "
          + "attempts = attempts + 1 WHERE id = '" + jobId + "'", "COMMIT"), OWN_THREAD);
      PgFixture.awaitLockWaits(db, 2);
      other.commit();

      var answer = retried.get(10, TimeUnit.SECONDS);
      claimed.get(10, TimeUnit.SECONDS);
      assertEquals(200, answer.statusCode(), answer.bodyAsString());
      var job = answer.bodyAsJsonObject();
      assertEquals("queued", job.getString("status"), job.encodePrettily());
      assertEquals(1, job.getInteger("attempts"), job.encodePrettily());
      assertNull(job.getJsonObject("error"));
      assertEquals("pending", job.getJsonArray("steps").getJsonObject(0).getString("status"), job.encodePrettily());
      assertEquals("running", engine.get("/v1/provisioning/jobs/" + jobId, token).bodyAsJsonObject()
          .getString("status"), "the engine did claim the job");
    }
  }
}
