package dev.orgplane.engine.diff;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.engine.CountingRelay;
import dev.orgplane.engine.EngineHarness;
import dev.orgplane.engine.PluginsDir;
import dev.orgplane.engine.TemplateFixture;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A diff whose plugins' reads fail, on an engine that reaches org-service through a relay a test makes refuse a
 * path, and that loads a plugin of an author's jar beside the built-ins.
 */
class DiffFailuresTest {

  private static Vertx vertx;
  private static EngineHarness engine;
  private static CountingRelay relay;
  private static TemplateFixture template;
  private static String copy;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    var watched = EngineHarness.watched(vertx, new JsonObject().put("ORGPLANE_ENGINE_WORKERS", "0")
        .put("ORGPLANE_PLUGINS_DIR", PluginsDir.listing(TimedDiffPlugin.class)));
    engine = watched.engine();
    relay = watched.relay();
    template = TemplateFixture.build(engine.org, "diff-failures");
    var created = engine.org.post("/v1/organizations", admin(), new JsonObject().put("name", "diffed-copy")
        .put("title", "Diffed copy").put("groupId", template.groupId()));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    copy = created.bodyAsJsonObject().getString("id");
  }

  @AfterEach
  void passAll() {
    relay.passAll();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static String admin() {
    return template.groupAdmin().token();
  }

  private static HttpResponse<Buffer> diff(String target) {
    return engine.get("/v1/provisioning/diff?source=" + template.templateId() + "&target=" + target, admin());
  }

  @Test
  void aPluginsDiffRunsOnTheEnginesVertx() {
    var diff = diff(copy);
    assertEquals(200, diff.statusCode(), diff.bodyAsString());
  }

  @Test
  void orgServiceFailingWhileAPluginReadsIs503() {
    relay.refuse("/v1/organizations/" + copy + "/queues", 503);
    assertProblem(diff(copy), 503, "org_service_unavailable");
  }

  @Test
  void aTargetThatVanishedWhileAPluginReadsIsNotFound() {
    // asked by name, the target is found; under its id, org-service has it no more
    relay.refuse("/v1/organizations/" + copy, 404);
    assertProblem(diff("diffed-copy"), 404, "target_not_found");
  }
}
