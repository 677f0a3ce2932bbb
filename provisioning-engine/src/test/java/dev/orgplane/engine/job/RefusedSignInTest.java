package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.orgplane.engine.CountingRelay;
import dev.orgplane.engine.EngineHarness;
import dev.orgplane.engine.PluginsDir;
import dev.orgplane.engine.TemplateFixture;
import dev.orgplane.kit.testing.Eventually;
import dev.orgplane.kit.testing.TcpProxy;
import dev.orgplane.org.OrgServiceHarness;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * org-service refusing the engine's own client secret (a wrong one, or one rotated at org-service before the engine
 * was given the new one) is the engine's problem, not its jobs': the engine claims none meanwhile, a job under way
 * goes back to the queue, an end report waits, and the engine is not ready; once an engine signs in, the jobs complete
 * and the reports go.
 * Until session 44 such an engine claimed jobs and failed each within milliseconds ({@code invalid_client}), and their
 * end reports were given up.
 */
class RefusedSignInTest {

  private static final String TOKEN_PATH = "/v1/auth/token";
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void anEngineRefusedItsSecretClaimsNoJobAndOneWithTheRightSecretCompletesIt() throws InterruptedException {
    var harness = EngineHarness.start(vertx, new JsonObject().put("ORGPLANE_ENGINE_WORKERS", "0"));
    var template = TemplateFixture.build(harness.org, "refused-sign-in-template");
    var relay = CountingRelay.start(vertx, harness.org.port());
    var refused = harness.startingThrough(vertx, relay.port(),
        new JsonObject().put("ORGPLANE_ENGINE_CLIENT_SECRET", "not-the-engine-secret"));
    var path = "/v1/provisioning/jobs/" + harness.queue("/v1/provisioning/jobs", template.groupAdmin().token(),
        new JsonObject().put("templateOrganization", template.templateId())
            .put("target", new JsonObject().put("name", "refused-sign-in-target"))).getString("id");

    // the refused engine polls every 100 ms, asking for its token first: several asks later it has passed the job by
    var asked = relay.count("POST", TOKEN_PATH);
    Eventually.holds(() -> relay.count("POST", TOKEN_PATH) >= asked + 3, "the refused engine stopped asking");
    assertEquals("queued", job(harness, template, path).getString("status"), "claimed by the refused engine");
    refused.undeploy(vertx);

    var worker = harness.alongside(vertx, new JsonObject());
    try {
      var done = harness.awaitEnd(path, template.groupAdmin().token());
      assertEquals("succeeded", done.getString("status"), done.encodePrettily());
      assertNull(done.getValue("error"), done.encodePrettily());
    } finally {
      worker.undeploy(vertx);
    }
  }

  /**
   * org-service restarted with a rotated secret while a job runs and another waits: the running one goes back to the
   * queue, not failed, and the waiting one cancelled meanwhile has its end report kept; org-service given the secret
   * the engine has again, the same engine completes the job and delivers the report, with no restart of its own.
   */
  @Test
  void aJobUnderWayWhenOrgServiceRefusesTheEngineCompletesOnceItSignsInAgain() throws InterruptedException {
    var orgService = new JsonObject().put("ORGPLANE_ORG_SERVICE_PORT", String.valueOf(TcpProxy.freePort()));
    var harness = EngineHarness.start(vertx, new JsonObject().put("ORGPLANE_ENGINE_WORKERS", "1")
        .put("ORGPLANE_PLUGINS_DIR", PluginsDir.listing(HeldPagePlugin.class)), orgService);
    var template = TemplateFixture.build(harness.org, "rotated-secret-template");
    HeldPagePlugin.hold();
    try {
      var running = "/v1/provisioning/jobs/" + harness.queue("/v1/provisioning/jobs", template.groupAdmin().token(),
          new JsonObject().put("templateOrganization", template.templateId()).put("dryRun", true)
              .put("plugins", new JsonArray(List.of("held-page")))
              .put("target", new JsonObject().put("name", "rotated-running"))).getString("id");
      Eventually.holds(HeldPagePlugin::inFlight, "no page held");
      // the engine's one slot is taken: this one waits in the queue
      var waiting = harness.queue("/v1/provisioning/jobs", template.groupAdmin().token(), new JsonObject()
          .put("templateOrganization", template.templateId())
          .put("target", new JsonObject().put("name", "rotated-waiting"))).getString("id");

      harness.org.undeploy(vertx);
      var rotated = OrgServiceHarness.start(vertx, harness.db, orgService.copy()
          .put("ORGPLANE_ENGINE_CLIENT_SECRET", "rotated-secret"));
      assertEquals(200, harness.post("/v1/provisioning/jobs/" + waiting + "/cancel", template.groupAdmin().token(),
          null).statusCode());
      // refused its sign-in, the engine keeps the report, and claims none while refused: until session 44 the first
      // refusal gave it up, and then each second's claim raised its deliveries, and so its backoff
      Eventually.holds(() -> harness.get("/health/ready", null).statusCode() == 503, "never refused its sign-in");
      assertEquals(1, harness.awaitCount("SELECT count(*) FROM provisioning.job_end_reports WHERE job_id = '"
          + waiting + "' AND deliveries <= 1", 1), "the end report was given up, or claimed while refused");
      HeldPagePlugin.release();
      Eventually.holds(() -> "queued".equals(job(harness, template, running).getString("status")),
          () -> "not handed back: " + job(harness, template, running).encodePrettily());
      assertNull(job(harness, template, running).getValue("error"));
      // at once, not once the revoked tokens it can no longer read have grown stale (60 s)
      assertEquals(503, harness.get("/health/ready", null).statusCode(), "ready while org-service refuses it");

      rotated.undeploy(vertx);
      OrgServiceHarness.start(vertx, harness.db, orgService);

      var done = harness.awaitEnd(running, template.groupAdmin().token());
      assertEquals("succeeded", done.getString("status"), done.encodePrettily());
      Eventually.holds(() -> harness.get("/health/ready", null).statusCode() == 200, "not ready once signed in again");
      assertEquals(1, harness.finishedEvents(template.templateId(), template.groupAdmin().token(), waiting, 1)
          .size(), "the cancelled job's end was not reported");
    } finally {
      HeldPagePlugin.release();
    }
  }

  private static JsonObject job(EngineHarness harness, TemplateFixture template, String path) {
    return harness.get(path, template.groupAdmin().token()).bodyAsJsonObject();
  }
}
