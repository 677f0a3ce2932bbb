package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.engine.EngineHarness;
import dev.orgplane.engine.EngineWithTemplate;
import dev.orgplane.kit.testing.ClientCalls;
import dev.orgplane.kit.testing.Eventually;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.kit.testing.TcpProxy;
import dev.orgplane.kit.testing.UncommittedTransaction;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The steps a run leaves under way when it stops (cancelled, failed by a sibling, handed back by its stopping engine)
 * show {@code pending}, as what the next claim resumes, not {@code running} in a job that runs nothing; and
 * the run ends, or goes back, only once the pages its steps have in flight are written.
 * Each test runs its job on an engine of its own, stopped after it; the first engine runs none.
 */
class StoppedStepsTest {

  @RegisterExtension
  static final EngineWithTemplate idle = EngineWithTemplate.idle("stopped-steps-template")
      .plugins(EndlessPlugin.class, LateFailingPlugin.class, HeldPagePlugin.class);

  /** Queues a dry run of {@code plugins}; answers its path. */
  private static String queue(String... plugins) {
    var queued = idle.engine().post("/v1/provisioning/jobs", idle.token(), new JsonObject()
        .put("templateOrganization", idle.template().templateId()).put("dryRun", true)
        .put("plugins", new JsonArray(List.of(plugins)))
        .put("target", new JsonObject().put("name", "stopped-" + UUID.randomUUID().toString().substring(0, 8))));
    assertEquals(202, queued.statusCode(), queued.bodyAsString());
    return "/v1/provisioning/jobs/" + queued.bodyAsJsonObject().getString("id");
  }

  /** The job at {@code path} once its endless step is under way: a page of it checkpointed, more to come. */
  private static JsonObject underWay(String path) {
    var deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      var job = idle.engine().get(path, idle.token()).bodyAsJsonObject();
      var step = EngineHarness.step(job, "endless");
      if (step.getString("status").equals("running") && step.getLong("planned") > 0) {
        return job;
      }
      sleep();
    }
    throw new AssertionError(path + " never got under way: " + idle.engine().get(path, idle.token()).bodyAsString());
  }

  /** Waits until the held page is in flight. */
  private static void awaitHeldPage(String path) {
    var deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (!HeldPagePlugin.inFlight()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("no page held: " + idle.engine().get(path, idle.token()).bodyAsString());
      }
      sleep();
    }
  }

  private static String status(String path) {
    return idle.engine().get(path, idle.token()).bodyAsJsonObject().getString("status");
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
    var worker = idle.worker();
    try {
      var path = queue("endless");
      underWay(path);
      assertEquals(200, idle.engine().post(path + "/cancel", idle.token(), null).statusCode());

      var cancelled = idle.engine().awaitEnd(path, idle.token());
      assertEquals("cancelled", cancelled.getString("status"), cancelled.encodePrettily());
      var step = EngineHarness.step(cancelled, "endless");
      assertEquals("pending", step.getString("status"), cancelled.encodePrettily());
      assertTrue(step.getLong("planned") > 0, "what the step did stays recorded");

      var retried = idle.engine().post(path + "/retry", idle.token(), null).bodyAsJsonObject();
      assertEquals("pending", EngineHarness.step(retried, "endless").getString("status"), retried.encodePrettily());
      idle.engine().post(path + "/cancel", idle.token(), null);
    } finally {
      worker.undeploy(idle.vertx());
    }
  }

  @Test
  void aStepFailingTheJobLeavesItsSiblingUnderWayPending() {
    var worker = idle.worker();
    try {
      var path = queue("endless", "late-failing");

      var failed = idle.engine().awaitEnd(path, idle.token());
      assertEquals("failed", failed.getString("status"), failed.encodePrettily());
      assertEquals(LateFailingPlugin.CODE, failed.getJsonObject("error").getString("code"), failed.encodePrettily());
      assertEquals("failed", EngineHarness.step(failed, "late-failing").getString("status"), failed.encodePrettily());
      var sibling = EngineHarness.step(failed, "endless");
      assertTrue(sibling.getLong("planned") > 0, "the sibling was under way: " + failed.encodePrettily());
      assertEquals("pending", sibling.getString("status"), failed.encodePrettily());
    } finally {
      worker.undeploy(idle.vertx());
    }
  }

  /**
   * A job whose step fails ends once its sibling's page in flight has been written: its end frees the target for the
   * next job, which must not meet that page still writing.
   */
  @Test
  void aJobFailingWhileASiblingsPageIsInFlightEndsOnceThatPageHasEnded() throws InterruptedException {
    HeldPagePlugin.hold();
    var worker = idle.worker();
    try {
      var path = queue("held-page", "late-failing");
      awaitHeldPage(path);
      // the sibling fails half a second after it started
      Thread.sleep(1500);
      assertEquals("running", status(path), "ended while a page still writes");

      HeldPagePlugin.release();
      var failed = idle.engine().awaitEnd(path, idle.token());
      assertEquals("failed", failed.getString("status"), failed.encodePrettily());
      assertEquals(LateFailingPlugin.CODE, failed.getJsonObject("error").getString("code"), failed.encodePrettily());
    } finally {
      HeldPagePlugin.release();
      worker.undeploy(idle.vertx());
    }
  }

  /** A stopping engine hands a job back once its page in flight has been written, not while another could take it. */
  @Test
  void aStoppingEngineWaitsForThePageInFlightBeforeItHandsTheJobBack() throws Exception {
    HeldPagePlugin.hold();
    var worker = idle.worker();
    var path = queue("held-page");
    CompletableFuture<Void> stopped;
    try {
      awaitHeldPage(path);
      stopped = CompletableFuture.runAsync(() -> worker.undeploy(idle.vertx()), task -> new Thread(task).start());
      Thread.sleep(1000);
      assertEquals("running", status(path), "handed back while a page still writes");
      assertFalse(stopped.isDone(), "stopped while a page still writes");
    } finally {
      HeldPagePlugin.release();
    }
    stopped.get(30, TimeUnit.SECONDS);
    // its one page written, the job had nothing left to do
    assertEquals("succeeded", status(path));
  }

  /**
   * A stopping engine gives notice as its stop begins, while its page in flight still writes: it is no longer ready,
   * and its event streams end. Until session 34 the notice waited for the page (up to org-service's timeout), and
   * meanwhile the engine answered ready and held its streams as if it were not stopping.
   */
  @Test
  void aStoppingEngineGivesNoticeWhileItsPageInFlightStillWrites() throws Exception {
    HeldPagePlugin.hold();
    // a notice long enough for the checks below to be answered before the port closes
    var worker = idle.worker(new JsonObject().put("ORGPLANE_SHUTDOWN_NOTICE_MILLIS", "5000"));
    var path = queue("held-page");
    CompletableFuture<Void> stopped;
    try {
      awaitHeldPage(path);
      // the body read by handlers set before the request goes out: asked for from this thread once the head had
      // come, the stream's first event could already have been missed
      var stream = idle.vertx().createHttpClient()
          .request(HttpMethod.GET, worker.port(), "127.0.0.1", path + "/events")
          .compose(request -> ClientCalls.send(request.putHeader("Authorization", "Bearer " + idle.token())))
          .map(ClientCalls.Read::body);
      stopped = CompletableFuture.runAsync(() -> worker.undeploy(idle.vertx()), task -> new Thread(task).start());

      Eventually.holds(() -> worker.get("/health/ready", null).statusCode() == 503,
          "still ready while a page writes");
      var received = stream.timeout(10, TimeUnit.SECONDS).await().toString();
      assertTrue(received.startsWith("event: job"), received);
      assertFalse(received.contains("event: end"), received);
      assertTrue(HeldPagePlugin.inFlight(), "the page ended before the notice was given");
    } finally {
      HeldPagePlugin.release();
    }
    stopped.get(30, TimeUnit.SECONDS);
    assertEquals("succeeded", status(path));
  }

  /**
   * A stopping engine whose page in flight then finds org-service gone, as in standalone, where both stop at once and
   * org-service's notice may end under a page, hands the job back for the next start to resume: it was failed
   * {@code copy_error} after the page had been tried again for 22 s against a service that would not be back before
   * then.
   */
  @Test
  void aPageFindingOrgServiceGoneWhileItsEngineStopsHandsTheJobBack() throws Exception {
    HeldPagePlugin.hold();
    String path;
    try (var orgService = TcpProxy.start("127.0.0.1", idle.engine().org.port())) {
      var worker = idle.worker(new JsonObject()
          .put("ORGPLANE_ORG_SERVICE_URL", "http://127.0.0.1:" + orgService.port()));
      path = queue("held-page");
      CompletableFuture<Void> stopped;
      try {
        awaitHeldPage(path);
        stopped = CompletableFuture.runAsync(() -> worker.undeploy(idle.vertx()), task -> new Thread(task).start());
        // no wait for the stop to begin: a page failing before it is tried again after a wait, which then finds
        // the run halted (Retries.unlessHalted), so the job goes back either way, however slow the machine
        orgService.cut();
      } finally {
        HeldPagePlugin.release();
      }
      stopped.get(60, TimeUnit.SECONDS);
    }

    var handedBack = idle.engine().get(path, idle.token()).bodyAsJsonObject();
    assertEquals("queued", handedBack.getString("status"), handedBack.encodePrettily());
    assertEquals("pending", EngineHarness.step(handedBack, "held-page").getString("status"),
        handedBack.encodePrettily());
    var next = idle.worker();
    try {
      var resumed = idle.engine().awaitEnd(path, idle.token());
      assertEquals("succeeded", resumed.getString("status"), resumed.encodePrettily());
    } finally {
      next.undeploy(idle.vertx());
    }
  }

  @Test
  void aJobHandedBackByItsStoppingEngineRunsNoStep() {
    var worker = idle.worker();
    var path = queue("endless");
    underWay(path);
    worker.undeploy(idle.vertx());

    var handedBack = idle.engine().get(path, idle.token()).bodyAsJsonObject();
    assertEquals("queued", handedBack.getString("status"), handedBack.encodePrettily());
    assertEquals("pending", EngineHarness.step(handedBack, "endless").getString("status"), handedBack.encodePrettily());
    idle.engine().post(path + "/cancel", idle.token(), null);
  }

  /**
   * A claim still on its way when its engine stops (here: waiting for its target's lock) takes its job for an engine
   * that runs nothing more: the job goes back to the queue at once, not left running under a lease no one renews,
   * which no other engine could take before it ran out.
   */
  @Test
  void aJobClaimedAsItsEngineStopsGoesBackToTheQueue() throws Exception {
    var target = idle.engine().org.post("/v1/organizations", idle.token(), new JsonObject()
        .put("name", "claimed-" + UUID.randomUUID().toString().substring(0, 8)).put("title", "claimed")
        .put("groupId", idle.template().groupId()));
    assertEquals(201, target.statusCode(), target.bodyAsString());
    var targetId = target.bodyAsJsonObject().getString("id");
    var db = idle.engine().db;
    // a notice longer than the test's wait: the claim is answered while the engine stops, not failed by its pool closing
    var worker = idle.worker(new JsonObject().put("ORGPLANE_SHUTDOWN_NOTICE_MILLIS", "3000"));
    String path;
    CompletableFuture<Void> stopped;
    try (var rival = UncommittedTransaction.begin(db)
        .run("SELECT pg_advisory_xact_lock(hashtextextended('provisioning.target:' || ?::uuid, 0))", targetId)) {
      var queued = idle.engine().post("/v1/provisioning/jobs", idle.token(), new JsonObject()
          .put("templateOrganization", idle.template().templateId()).put("targetOrganization", targetId)
          .put("plugins", new JsonArray().add("endless")));
      assertEquals(202, queued.statusCode(), queued.bodyAsString());
      path = "/v1/provisioning/jobs/" + queued.bodyAsJsonObject().getString("id");
      PgFixture.awaitLockWaits(db, 1);
      stopped = CompletableFuture.runAsync(() -> worker.undeploy(idle.vertx()), task -> new Thread(task).start());
      // the stop's own hand-back has run meanwhile, finding nothing: the claim has not taken the job yet
      Thread.sleep(500);
      rival.commit();
    }
    stopped.get(30, TimeUnit.SECONDS);

    var job = idle.engine().get(path, idle.token()).bodyAsJsonObject();
    assertEquals("queued", job.getString("status"), job.encodePrettily());
    assertEquals(0, PgFixture.queryLong(db, "SELECT count(*) FROM provisioning.jobs WHERE id = '" + path.substring(
        path.lastIndexOf('/') + 1) + "' AND lease_owner IS NOT NULL"), "no engine holds it");
    idle.engine().post(path + "/cancel", idle.token(), null);
  }
}
