package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.engine.PluginsDir;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** How a job ends when a plugin of an author's jar fails in the ways the guide allows. */
class PluginFailuresTest extends TemplateEngineTest {

  @BeforeAll
  static void start() {
    startEngine(new JsonObject().put("ORGPLANE_PLUGINS_DIR",
        PluginsDir.listing(ThrowingPlugin.class, MessageFailingPlugin.class)), "failing-plugins-template");
  }

  private static JsonObject provisionWith(String plugin, boolean dryRun) {
    var token = template.groupAdmin().token();
    var queued = engine.post("/v1/provisioning/jobs", token, new JsonObject()
        .put("templateOrganization", template.templateId()).put("dryRun", dryRun)
        .put("plugins", new JsonArray().add(plugin))
        .put("target", new JsonObject().put("name", plugin + "-" + UUID.randomUUID().toString().substring(0, 8))));
    assertEquals(202, queued.statusCode(), queued.bodyAsString());
    return engine.awaitEnd("/v1/provisioning/jobs/" + queued.bodyAsJsonObject().getString("id"), token);
  }

  @Test
  void aPluginThatThrowsAfterAnotherStepFailsTheJobWithItsCode() {
    for (var dryRun : new boolean[] {false, true}) {
      var job = provisionWith("throwing", dryRun);
      assertEquals("failed", job.getString("status"), job.encodePrettily());
      assertEquals(ThrowingPlugin.CODE, job.getJsonObject("error").getString("code"), job.encodePrettily());
      assertEquals("throwing", job.getJsonObject("error").getString("plugin"), job.encodePrettily());
    }
  }

  @Test
  void aFailureWithOnlyAMessageFailsTheJobAtOnce() {
    var job = provisionWith("message-failing", false);
    assertEquals("failed", job.getString("status"), job.encodePrettily());
    assertEquals("copy_error", job.getJsonObject("error").getString("code"), job.encodePrettily());
    assertEquals(1, MessageFailingPlugin.CALLS.get(), "not retried as if the network had failed");
  }
}
