package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.orgplane.engine.EngineHarness;
import dev.orgplane.engine.TemplateFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Jobs cancelled before any engine took them: an engine with no free slot leaves them queued. */
class QueuedCancellationTest {

  private static Vertx vertx;
  private static EngineHarness engine;
  private static TemplateFixture template;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    engine = EngineHarness.start(vertx, new JsonObject().put("ORGPLANE_ENGINE_WORKERS", "0"));
    template = TemplateFixture.build(engine.org, "queued-template");
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void aJobCancelledWhileQueuedEndsAndTellsTheTemplatesHooks() {
    var token = template.groupAdmin().token();
    var queued = engine.post("/v1/provisioning/jobs", token, new JsonObject()
        .put("templateOrganization", template.templateId())
        .put("target", new JsonObject().put("name", "never-started").put("title", "Never"))).bodyAsJsonObject();
    assertEquals("queued", queued.getString("status"));

    var cancelled = engine.post("/v1/provisioning/jobs/" + queued.getString("id") + "/cancel", token, null);

    assertEquals(200, cancelled.statusCode(), cancelled.bodyAsString());
    assertEquals("cancelled", cancelled.bodyAsJsonObject().getString("status"));
    var reported = engine.org.get("/v1/organizations/" + template.templateId() + "/audit-events?limit=500", token)
        .bodyAsJsonObject().getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(e -> e.getString("action").equals("provisioning.job.finished")
            && e.getString("target").equals("job:" + queued.getString("id")))
        .map(e -> e.getJsonObject("details")).toList();
    assertEquals(1, reported.size(), "the template's hooks hear of the end once");
    assertEquals("cancelled", reported.get(0).getString("status"));
    assertNull(reported.get(0).getValue("targetOrganization"), "no target was made");
  }
}
