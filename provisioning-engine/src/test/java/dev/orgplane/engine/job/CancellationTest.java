package dev.orgplane.engine.job;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.engine.CountingRelay;
import dev.orgplane.engine.EngineWithTemplate;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.kit.testing.RefusedAnswers;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cancelling jobs and batches before they start, on an engine with no free slot (its jobs stay queued)
 * that reaches org-service through a relay a test can cut: the ends are reported to the template's
 * hooks, from the outbox, whether org-service hears them at once or later. And a cancel of a job that runs on a
 * second engine, at the very end of its run.
 */
class CancellationTest {

  /** Keep-alive comments every second, so that the test of one waits a second for it rather than the default 15. */
  @RegisterExtension
  static final EngineWithTemplate idle = EngineWithTemplate.idle("queued-template").relayed()
      .with("ORGPLANE_SSE_KEEP_ALIVE_SECONDS", "1");

  private static JsonObject queueJob(String target) {
    var queued = idle.engine().post("/v1/provisioning/jobs", idle.token(), new JsonObject()
        .put("templateOrganization", idle.template().templateId())
        .put("target", new JsonObject().put("name", target).put("title", "Never"))).bodyAsJsonObject();
    assertEquals("queued", queued.getString("status"), queued.encodePrettily());
    return queued;
  }

  @Test
  void aJobCancelledWhileQueuedEndsAndTellsTheTemplatesHooks() {
    var queued = queueJob("never-started");

    var cancelled = idle.engine().post("/v1/provisioning/jobs/" + queued.getString("id") + "/cancel", idle.token(),
        null);

    assertEquals(200, cancelled.statusCode(), cancelled.bodyAsString());
    assertEquals("cancelled", cancelled.bodyAsJsonObject().getString("status"));
    var reported = idle.engine().finishedEvents(idle.template().templateId(), idle.token(), queued.getString("id"), 1);
    assertEquals(1, reported.size(), "the template's hooks hear of the end once");
    assertEquals("cancelled", reported.get(0).getString("status"));
    assertNull(reported.get(0).getValue("targetOrganization"), "no target was made");
    assertProblem(idle.engine().post("/v1/provisioning/jobs/" + queued.getString("id") + "/cancel", idle.token(),
        null), 409, "job_finished");
  }

  /**
   * A cancel or a retry whose answer cannot be kept changes nothing, of a job or a batch; sent again with its key,
   * each does its work once.
   */
  @Test
  void aCancelOrRetryWhoseAnswerCannotBeKeptChangesNothing() {
    var batch = idle.engine().post("/v1/provisioning/batches", idle.token(), new JsonObject()
        .put("templateOrganization", idle.template().templateId())
        .put("targets", new JsonArray().add(new JsonObject().put("name", "batch-unanswered")))).bodyAsJsonObject();
    for (var path : List.of("/v1/provisioning/jobs/" + queueJob("cancel-unanswered").getString("id"),
        "/v1/provisioning/batches/" + batch.getString("id"))) {
      assertEquals("cancelled", sentUnansweredThenAgain(path, "/cancel", "queued"), path);
      assertEquals("queued", sentUnansweredThenAgain(path, "/retry", "cancelled"), path);
    }
  }

  /**
   * Sends {@code action} with answers refused, checks it left the status {@code before}, sends it again with the
   * same key and checks the replay; answers the status the action left.
   */
  private static String sentUnansweredThenAgain(String path, String action, String before) {
    var key = MultiMap.caseInsensitiveMultiMap().add("Idempotency-Key", action + ":" + path);
    try (var refused = RefusedAnswers.in(idle.engine().db, "provisioning")) {
      assertEquals(500, idle.engine().send(HttpMethod.POST, path + action, idle.token(), null, key).statusCode());
    }
    assertEquals(before, idle.engine().get(path, idle.token()).bodyAsJsonObject().getString("status"), path + action);

    var done = idle.engine().send(HttpMethod.POST, path + action, idle.token(), null, key);
    assertEquals(200, done.statusCode(), done.bodyAsString());
    var replayed = idle.engine().send(HttpMethod.POST, path + action, idle.token(), null, key);
    assertEquals(done.bodyAsJsonObject(), replayed.bodyAsJsonObject());
    assertEquals("true", replayed.getHeader("Idempotent-Replayed"));
    return done.bodyAsJsonObject().getString("status");
  }

  @Test
  void aQuietStreamKeepsTalkingAndEndsWithTheCancel() throws Exception {
    var queued = queueJob("streamed-then-cancelled");
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + idle.engine().port()
        + "/v1/provisioning/jobs/" + queued.getString("id") + "/events"))
        .header("Authorization", "Bearer " + idle.token())
        .timeout(Duration.ofSeconds(30)).build();
    var lines = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofLines()).body().iterator();
    assertEquals("event: job", lines.next());
    var firstEvent = System.nanoTime();
    var line = lines.next();
    while (!line.startsWith(":")) {
      line = lines.next();
    }
    // a job that does not change (queued on an engine with no free slot) still gets a line now and then: as often as
    // the setting says, not every 15 s (the margin, 9 s past the setting's second, is for a busy machine)
    var waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - firstEvent);
    assertTrue(waitedMillis < 10_000, "a keep-alive after " + waitedMillis + " ms");

    idle.engine().post("/v1/provisioning/jobs/" + queued.getString("id") + "/cancel", idle.token(), null);

    var rest = new StringBuilder();
    lines.forEachRemaining(next -> rest.append(next).append('\n'));
    assertTrue(rest.toString().contains("event: end\ndata: {\"id\":\"" + queued.getString("id")
        + "\",\"status\":\"cancelled\"}"), rest.toString());
  }

  @Test
  void anEndOrgServiceCannotHearIsReportedWhenItIsBack() throws InterruptedException {
    var queued = queueJob("never-reported");
    idle.engine().relay.cut();
    try {
      var cancelled = idle.engine().post("/v1/provisioning/jobs/" + queued.getString("id") + "/cancel", idle.token(),
          null);

      assertEquals(200, cancelled.statusCode(), "a cancel does not wait for org-service: " + cancelled.bodyAsString());
      assertEquals(1, idle.engine().awaitCount("SELECT count(*) FROM provisioning.job_end_reports WHERE job_id = '"
          + queued.getString("id") + "' AND deliveries > 0 AND last_error IS NOT NULL", 1), "the report was tried, and kept");
      assertEquals(1.0, awaitBacklog(1.0), "operators see the report waiting");
    } finally {
      idle.engine().relay.restore();
    }
    var reported = idle.engine().finishedEvents(idle.template().templateId(), idle.token(), queued.getString("id"), 1);
    assertEquals(1, reported.size(), "the template's hooks hear of the end once org-service is back");
    assertEquals("cancelled", reported.get(0).getString("status"));
    assertEquals(0, idle.engine().awaitCount("SELECT count(*) FROM provisioning.job_end_reports WHERE job_id = '"
        + queued.getString("id") + "'", 0), "a delivered report leaves the outbox");
    assertEquals(0.0, awaitBacklog(0.0));
  }

  /** The engine's {@code orgplane_outbox_backlog} of end reports at {@code /metrics}, once it is {@code expected}, or after 10 s. */
  private static double awaitBacklog(double expected) throws InterruptedException {
    var deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      var backlog = idle.engine().get("/metrics", null).bodyAsString().lines()
          .filter(line -> line.startsWith("orgplane_outbox_backlog{outbox=\"job_end_reports\""))
          .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).findFirst().orElse(-1);
      if (backlog == expected || System.nanoTime() > deadline) {
        return backlog;
      }
      Thread.sleep(100);
    }
  }

  /**
   * A cancel accepted while the job's owner is being invited (the relay holds that call to org-service) ends the job
   * cancelled, not succeeded with the cancel forgotten; the invitation already on its way is shown as made.
   */
  @Test
  void aCancelWhileTheOwnerIsInvitedEndsTheJobCancelled() throws InterruptedException {
    var relay = CountingRelay.start(idle.vertx(), idle.engine().org.port());
    var runner = idle.engine().through(idle.vertx(), relay.port(), new JsonObject());
    try {
      var asked = new CountDownLatch(1);
      var invitation = Promise.<Void>promise();
      relay.holdOnce(seen -> seen.path().endsWith("/invitations"), () -> {
        asked.countDown();
        return invitation.future();
      });
      var queued = idle.engine().post("/v1/provisioning/jobs", idle.token(), new JsonObject()
          .put("templateOrganization", idle.template().templateId())
          .put("target", new JsonObject().put("name", "invited-" + UUID.randomUUID().toString().substring(0, 8))
              .put("owner", new JsonObject().put("email", "owner@customer.example"))));
      assertEquals(202, queued.statusCode(), queued.bodyAsString());
      var path = "/v1/provisioning/jobs/" + queued.bodyAsJsonObject().getString("id");
      assertTrue(asked.await(60, TimeUnit.SECONDS), "the owner's invitation was never asked for");

      var cancelled = idle.engine().post(path + "/cancel", idle.token(), null);
      assertEquals(200, cancelled.statusCode(), cancelled.bodyAsString());
      assertEquals("running", cancelled.bodyAsJsonObject().getString("status"));
      invitation.complete();

      var ended = runner.awaitEnd(path, idle.token());
      assertEquals("cancelled", ended.getString("status"), ended.encodePrettily());
      assertFalse(ended.getBoolean("cancelRequested"));
      assertEquals("invited", ended.getJsonObject("owner").getString("invitation"), ended.encodePrettily());
      var reported = idle.engine().finishedEvents(idle.template().templateId(), idle.token(), ended.getString("id"), 1);
      assertEquals("cancelled", reported.get(0).getString("status"), "its end is reported as it was recorded");
    } finally {
      runner.undeploy(idle.vertx());
    }
  }

  /**
   * Ending many jobs at once (a batch cancelled, a rollout finishing) queues a report for each, and a round of the
   * outbox sends them in one request: org-service audits every end under that one request's id.
   */
  @Test
  void theEndsOfACancelledBatchAreReportedInOneRequest() {
    assertEquals(1, requestsReportingACancelledBatchOf(20));
  }

  /** A round longer than org-service takes (the harness's body limit is 64 KiB) is sent again in halves. */
  @Test
  void aRoundTooLongForOneRequestIsSentInHalves() {
    assertEquals(2, requestsReportingACancelledBatchOf(250));
  }

  /** How many requests to org-service reported the ends of a batch of {@code size} jobs cancelled while queued. */
  private static long requestsReportingACancelledBatchOf(int size) {
    var targets = new JsonArray();
    for (int i = 0; i < size; i++) {
      targets.add(new JsonObject().put("name", "reported-together-" + i + "-" + UUID.randomUUID().toString()
          .substring(0, 8)));
    }
    var batch = idle.engine().post("/v1/provisioning/batches", idle.token(), new JsonObject()
        .put("templateOrganization", idle.template().templateId()).put("targets", targets)).bodyAsJsonObject();
    var ended = "FROM org.audit_events WHERE action = 'provisioning.job.finished' AND job_id IN "
        + "(SELECT id FROM provisioning.jobs WHERE batch_id = '" + batch.getString("id") + "')";

    var cancelled = idle.engine().post("/v1/provisioning/batches/" + batch.getString("id") + "/cancel", idle.token(),
        null);

    assertEquals(200, cancelled.statusCode(), cancelled.bodyAsString());
    assertEquals(size, idle.engine().awaitCount("SELECT count(*) " + ended, size), "every end is reported");
    return PgFixture.queryLong(idle.engine().db, "SELECT count(DISTINCT request_id) " + ended);
  }

  @Test
  void aBatchIsCancelledAsAWhole() {
    var batch = idle.engine().post("/v1/provisioning/batches", idle.token(), new JsonObject()
        .put("templateOrganization", idle.template().templateId())
        .put("targets", new JsonArray().add(new JsonObject().put("name", "batch-a"))
            .add(new JsonObject().put("name", "batch-b")).add(new JsonObject().put("name", "batch-c"))))
        .bodyAsJsonObject();
    var path = "/v1/provisioning/batches/" + batch.getString("id");

    var cancelled = idle.engine().postedTwiceWithAKey(path + "/cancel", idle.token());

    assertEquals("cancelled", cancelled.bodyAsJsonObject().getString("status"));
    assertEquals(3, cancelled.bodyAsJsonObject().getJsonObject("counts").getLong("cancelled"));
    var jobs = idle.engine().get(path + "/jobs", idle.token()).bodyAsJsonObject().getJsonArray("items");
    assertEquals(3, jobs.size(), jobs.encode());
    for (var job : jobs) {
      var id = ((JsonObject) job).getString("id");
      assertEquals(1, idle.engine().finishedEvents(idle.template().templateId(), idle.token(), id, 1).size(),
          "every job's end is reported");
    }
    assertProblem(idle.engine().post(path + "/cancel", idle.token(), null), 409, "batch_finished");
    assertProblem(idle.engine().post("/v1/provisioning/batches/" + UUID.randomUUID() + "/cancel", idle.token(),
        null), 404, "batch_not_found");
    var stranger = idle.engine().org.newUser("batch-stranger");
    assertProblem(idle.engine().post(path + "/cancel", stranger.token(), null), 404, "batch_not_found");
    idle.engine().postedTwiceWithAKey(path + "/retry", idle.token()); // a cancelled batch can be retried
    assertEquals(3, idle.engine().get(path, idle.token()).bodyAsJsonObject().getJsonObject("counts").getLong("queued"));
  }
}
