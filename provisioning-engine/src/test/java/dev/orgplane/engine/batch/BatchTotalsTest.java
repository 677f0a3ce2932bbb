package dev.orgplane.engine.batch;

import static dev.orgplane.engine.batch.BatchTotals.assertAgreeWithTheJobs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.engine.EngineHarness;
import dev.orgplane.engine.PluginsDir;
import dev.orgplane.engine.TemplateFixture;
import dev.orgplane.engine.job.ThrowingPlugin;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The totals a batch's row keeps (its jobs by status and by owner invitation, what their steps copied) add up to
 * its jobs after every way the engine changes them: runs side by side, failures, retries, cancels and a run resumed
 * after a crash. The list shows the same batch as its own page.
 */
class BatchTotalsTest {

  private static final JsonArray BUILT_IN = new JsonArray()
      .add("roles").add("schemas").add("users").add("workspaces").add("groups").add("queues").add("hooks");

  private static Vertx vertx;
  private static EngineHarness engine;
  private static TemplateFixture template;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    engine = EngineHarness.start(vertx, new JsonObject().put("ORGPLANE_PLUGINS_DIR",
        PluginsDir.listing(ThrowingPlugin.class)));
    template = TemplateFixture.build(engine.org, "totals-" + UUID.randomUUID().toString().substring(0, 8));
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static String token() {
    return template.groupAdmin().token();
  }

  /** A batch of new targets with the built-in plugins (not the throwing one). */
  private static JsonObject batchOf(int targets, int concurrency) {
    var named = new JsonArray();
    var prefix = "totals-" + UUID.randomUUID().toString().substring(0, 6);
    for (int i = 0; i < targets; i++) {
      named.add(new JsonObject().put("name", prefix + "-" + i));
    }
    return new JsonObject().put("templateOrganization", template.templateId()).put("targets", named)
        .put("concurrency", concurrency).put("plugins", BUILT_IN);
  }

  private static JsonObject queue(JsonObject request) {
    var queued = engine.post("/v1/provisioning/batches", token(), request);
    assertEquals(202, queued.statusCode(), queued.bodyAsString());
    return queued.bodyAsJsonObject();
  }

  private static String path(JsonObject batch) {
    return "/v1/provisioning/batches/" + batch.getString("id");
  }

  /** The batch as the caller's list shows it, which is as its own page shows it. */
  private static JsonObject listed(JsonObject batch) {
    var shown = engine.get(path(batch), token()).bodyAsJsonObject();
    var page = engine.get("/v1/provisioning/batches?order=newest&limit=100&status=" + shown.getString("status"),
        token()).bodyAsJsonObject();
    var listed = page.getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(item -> item.getString("id").equals(batch.getString("id"))).findFirst().orElseThrow();
    assertEquals(shown, listed);
    return listed;
  }

  @Test
  void jobsRunSideBySideAddUpTheirStepsAndOwners() {
    var request = batchOf(4, 3);
    request.getJsonArray("targets").getJsonObject(0)
        .put("owner", new JsonObject().put("email", "owner-" + UUID.randomUUID() + "@customer.example"));

    var ran = engine.awaitEnd(path(queue(request)), token());

    assertAgreeWithTheJobs(engine.db, "after a run");
    var listed = listed(ran);
    assertEquals("succeeded", listed.getString("status"), listed.encodePrettily());
    assertEquals(4, listed.getJsonObject("counts").getLong("succeeded"));
    assertTrue(listed.getJsonObject("objects").getLong("created") > 0, listed.encodePrettily());
    assertEquals(1, listed.getJsonObject("owners").getLong("invited"));
  }

  @Test
  void failedJobsRetriedFailAgainAndAreCountedOnce() {
    var request = batchOf(2, 2).put("plugins", new JsonArray().add("roles").add("throwing"));

    var failed = engine.awaitEnd(path(queue(request)), token());
    assertAgreeWithTheJobs(engine.db, "after failures");
    assertEquals(2, listed(failed).getJsonObject("counts").getLong("failed"), failed.encodePrettily());

    var retried = engine.post(path(failed) + "/retry", token(), null).bodyAsJsonObject();
    assertAgreeWithTheJobs(engine.db, "after a retry");
    assertEquals(2, retried.getLong("total"), retried.encodePrettily());
    var again = engine.awaitEnd(path(failed), token());
    assertAgreeWithTheJobs(engine.db, "after the retried jobs failed again");
    assertEquals(listed(again).getJsonObject("counts"), listed(failed).getJsonObject("counts"));
  }

  @Test
  void aCancelledBatchRetriedRunsToItsEnd() {
    var batch = queue(batchOf(4, 1));

    var cancelled = engine.post(path(batch) + "/cancel", token(), null);
    assertEquals(200, cancelled.statusCode(), cancelled.bodyAsString());
    var ended = engine.awaitEnd(path(batch), token());
    assertAgreeWithTheJobs(engine.db, "after a cancel");
    assertTrue(listed(ended).getJsonObject("counts").getLong("cancelled") >= 3, ended.encodePrettily());

    assertEquals(200, engine.post(path(batch) + "/retry", token(), null).statusCode());
    var ran = engine.awaitEnd(path(batch), token());
    assertAgreeWithTheJobs(engine.db, "after the cancelled jobs ran");
    assertEquals(4, listed(ran).getJsonObject("counts").getLong("succeeded"), ran.encodePrettily());
  }

  /**
   * A retried job's owner invitation is counted again only once its run gets there: until session 35 a job cancelled
   * while its owner was invited was counted {@code invited} while queued and run again.
   */
  @Test
  void aRetriedJobsOwnerIsCountedOnlyOnceItsRunInvitesAgain() {
    var request = batchOf(1, 1);
    request.getJsonArray("targets").getJsonObject(0)
        .put("owner", new JsonObject().put("email", "owner-" + UUID.randomUUID() + "@customer.example"));
    var ran = engine.awaitEnd(path(queue(request)), token());
    assertEquals(1, ran.getJsonObject("owners").getLong("invited"), ran.encodePrettily());
    // as if a cancel had come while the owner was invited: the job ends cancelled, the invitation made
    PgFixture.execute(engine.db, "UPDATE provisioning.jobs SET status = 'cancelled' WHERE batch_id = '"
        + ran.getString("id") + "'");

    var retried = engine.post(path(ran) + "/retry", token(), null).bodyAsJsonObject();

    assertAgreeWithTheJobs(engine.db, "after the retry");
    assertEquals(0, retried.getJsonObject("owners").getLong("invited"), retried.encodePrettily());
    var again = engine.awaitEnd(path(ran), token());
    assertAgreeWithTheJobs(engine.db, "after the retried job ran");
    assertEquals(new JsonObject().put("invited", 0).put("already_invited", 1).put("already_member", 0)
        .put("made_owner", 0).put("planned", 0), again.getJsonObject("owners"), again.encodePrettily());
  }

  @Test
  void aJobResumedAfterACrashIsCountedOnce() {
    var ran = engine.awaitEnd(path(queue(batchOf(2, 2))), token());
    var created = ran.getJsonObject("objects").getLong("created");
    var job = engine.get(path(ran) + "/jobs", token()).bodyAsJsonObject().getJsonArray("items").getJsonObject(0);
    // as if its engine died mid-copy: the writes landed, the checkpoints of two steps did not, the lease lapsed
    PgFixture.execute(engine.db,
        "UPDATE provisioning.jobs SET status = 'running', lease_owner = 'dead-engine', "
            + "lease_until = now() - interval '1 second', finished_at = NULL WHERE id = '" + job.getString("id") + "'",
        "UPDATE provisioning.job_steps SET status = 'running', cursor = NULL, created = 0, updated = 0, unchanged = 0"
            + " WHERE job_id = '" + job.getString("id") + "' AND plugin IN ('queues', 'hooks')");
    assertAgreeWithTheJobs(engine.db, "after the crash");

    var resumed = engine.awaitEnd(path(ran), token());

    assertAgreeWithTheJobs(engine.db, "after the resumed run");
    var listed = listed(resumed);
    assertEquals(2, listed.getJsonObject("counts").getLong("succeeded"), listed.encodePrettily());
    // the resumed steps' pages get the answers of the writes that landed, which created what they found copied
    assertEquals(created, listed.getJsonObject("objects").getLong("created"), listed.encodePrettily());
  }
}
