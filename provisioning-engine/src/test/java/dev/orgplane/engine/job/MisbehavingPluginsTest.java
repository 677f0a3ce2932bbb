package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.engine.EngineHarness;
import dev.orgplane.engine.EngineWithTemplate;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A plugin that answers null, or a page that never answers, ends its job (failed, or cancelled if asked), and lets its
 * engine stop: each used to leave the job running for ever, its lease renewed, a cancel of it unheeded, and the stop
 * of its engine waiting for it. Each test runs its job on an engine of its own, stopped after it; the first runs none.
 */
class MisbehavingPluginsTest {

  @RegisterExtension
  static final EngineWithTemplate idle = EngineWithTemplate.idle("misbehaving-plugins-template")
      .plugins(SilentPlugin.class, NullPagePlugin.class, FirstNullPagePlugin.class, HeldPagePlugin.class,
          PassingFailurePlugin.class);

  /** Queues a dry run of {@code plugins}; answers its path. */
  private static String queue(String... plugins) {
    var queued = idle.engine().post("/v1/provisioning/jobs", idle.token(), new JsonObject()
        .put("templateOrganization", idle.template().templateId()).put("dryRun", true)
        .put("plugins", new JsonArray(List.of(plugins)))
        .put("target", new JsonObject().put("name", "misbehaving-" + UUID.randomUUID().toString().substring(0, 8))));
    assertEquals(202, queued.statusCode(), queued.bodyAsString());
    return "/v1/provisioning/jobs/" + queued.bodyAsJsonObject().getString("id");
  }

  private static JsonObject job(String path) {
    return idle.engine().get(path, idle.token()).bodyAsJsonObject();
  }

  private static void await(BooleanSupplier condition, String path, String what) {
    var deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(what + " never came: " + job(path).encodePrettily());
      }
      sleep(20);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static void assertFailed(JsonObject job, String code, String plugin) {
    assertEquals("failed", job.getString("status"), job.encodePrettily());
    assertEquals(code, job.getJsonObject("error").getString("code"), job.encodePrettily());
    assertEquals(plugin, job.getJsonObject("error").getString("plugin"), job.encodePrettily());
  }

  /** Launched as roles ended, its null was thrown out of that step's end: the job ran for ever. */
  @Test
  void aPluginAnsweringNullAfterAnotherStepFailsTheJob() {
    var worker = idle.worker();
    try {
      var failed = idle.engine().awaitEnd(queue("null-page"), idle.token());
      assertFailed(failed, "copy_error", "null-page");
      assertTrue(failed.getJsonObject("error").getString("detail").contains("answered null"), failed.encodePrettily());
      assertEquals("succeeded", EngineHarness.step(failed, "roles").getString("status"), failed.encodePrettily());
    } finally {
      worker.undeploy(idle.vertx());
    }
  }

  /**
   * Among the first steps, its null was thrown out of the run's start, which failed the job at once while the step
   * started before it still wrote, into a target the job's end frees for the next job.
   */
  @Test
  void aPluginAnsweringNullBesideAPageInFlightFailsTheJobOnceThatPageHasEnded() {
    HeldPagePlugin.hold();
    var worker = idle.worker();
    try {
      var path = queue("held-page", "null-page-first");
      await(HeldPagePlugin::inFlight, path, "the held page");
      sleep(1000);
      assertEquals("running", job(path).getString("status"), "ended while a page still writes");

      HeldPagePlugin.release();
      assertFailed(idle.engine().awaitEnd(path, idle.token()), "copy_error", "null-page-first");
    } finally {
      HeldPagePlugin.release();
      worker.undeploy(idle.vertx());
    }
  }

  @Test
  void aPageThatNeverAnswersFailsItsJobAtItsDeadline() {
    var worker = idle.worker(new JsonObject().put("ORGPLANE_ENGINE_PAGE_TIMEOUT_SECONDS", "1"));
    try {
      var failed = idle.engine().awaitEnd(queue("silent"), idle.token());
      assertFailed(failed, PageDeadline.CODE, "silent");
      assertTrue(failed.getJsonObject("error").getString("detail").contains("within 1 s"), failed.encodePrettily());
    } finally {
      worker.undeploy(idle.vertx());
    }
  }

  /** The cancel halts the run at once; the page in flight is waited for up to its deadline, and the cancel wins. */
  @Test
  void aCancelEndsAJobWhosePageNeverAnswersCancelledAtThatPagesDeadline() {
    var worker = idle.worker(new JsonObject().put("ORGPLANE_ENGINE_PAGE_TIMEOUT_SECONDS", "5"));
    try {
      var asked = SilentPlugin.PAGES.get();
      var path = queue("silent");
      await(() -> SilentPlugin.PAGES.get() > asked, path, "the silent page");
      assertEquals(200, idle.engine().post(path + "/cancel", idle.token(), null).statusCode());

      var cancelled = idle.engine().awaitEnd(path, idle.token());
      assertEquals("cancelled", cancelled.getString("status"), cancelled.encodePrettily());
      assertEquals(asked + 1, SilentPlugin.PAGES.get(), "no page asked for after the cancel");
    } finally {
      worker.undeploy(idle.vertx());
    }
  }

  /**
   * A page tried again after a wait has no checkpoint to find the cancel at: the heartbeat finds it. The job was tried
   * eight times over some 20 s, then failed, its cancel notwithstanding.
   */
  @Test
  void aCancelEndsAJobWhosePageIsTriedAgainWithinAHeartbeat() {
    var worker = idle.worker();
    try {
      var path = queue("passing-failure");
      var tried = PassingFailurePlugin.TRIES.get();
      await(() -> PassingFailurePlugin.TRIES.get() > tried, path, "the first try");
      var cancelledAt = Instant.now();
      assertEquals(200, idle.engine().post(path + "/cancel", idle.token(), null).statusCode());

      var cancelled = idle.engine().awaitEnd(path, idle.token());
      assertEquals("cancelled", cancelled.getString("status"), cancelled.encodePrettily());
      // a heartbeat every second (the harness's lease of 3 s), the wait before the next try at most 4 s: some 5 s, and
      // bounded at three times that on a busy machine, still short of the 20 s the tries took when the cancel waited
      var took = Duration.between(cancelledAt, Instant.now());
      assertTrue(took.compareTo(Duration.ofSeconds(15)) < 0, "ended " + took + " after the cancel");
    } finally {
      worker.undeploy(idle.vertx());
    }
  }

  /** The stop waits its notice and grace for the page, then hands the job back: it waited for ever. */
  @Test
  void aStoppingEngineHandsBackAJobWhosePageNeverAnswersAfterItsGrace() throws Exception {
    var worker = idle.worker(new JsonObject().put("ORGPLANE_SHUTDOWN_NOTICE_MILLIS", "0")
        .put("ORGPLANE_SHUTDOWN_GRACE_SECONDS", "1"));
    var asked = SilentPlugin.PAGES.get();
    var path = queue("silent");
    await(() -> SilentPlugin.PAGES.get() > asked, path, "the silent page");

    CompletableFuture.runAsync(() -> worker.undeploy(idle.vertx()), task -> new Thread(task).start())
        .get(20, TimeUnit.SECONDS);

    var handedBack = job(path);
    assertEquals("queued", handedBack.getString("status"), handedBack.encodePrettily());
    assertEquals(0, PgFixture.queryLong(idle.engine().db, "SELECT count(*) FROM provisioning.jobs WHERE id = '"
        + path.substring(path.lastIndexOf('/') + 1) + "' AND lease_owner IS NOT NULL"), "no engine holds it");
    idle.engine().post(path + "/cancel", idle.token(), null);
  }
}
