package dev.orgplane.engine.diff;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.engine.PluginsDir;
import dev.orgplane.engine.WatchedTemplate;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A diff whose plugins' reads fail, on an engine that reaches org-service through a relay a test makes refuse a
 * path, and that loads a plugin of an author's jar beside the built-ins.
 */
class DiffFailuresTest {

  @RegisterExtension
  static final WatchedTemplate watched = new WatchedTemplate(new JsonObject().put("ORGPLANE_ENGINE_WORKERS", "0")
      .put("ORGPLANE_PLUGINS_DIR", PluginsDir.listing(TimedDiffPlugin.class)), "diff-failures");

  private static String copy;

  @BeforeAll
  static void createCopy() {
    var created = watched.engine().org.post("/v1/organizations", watched.token(), new JsonObject()
        .put("name", "diffed-copy").put("title", "Diffed copy").put("groupId", watched.template().groupId()));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    copy = created.bodyAsJsonObject().getString("id");
  }

  @AfterEach
  void passAll() {
    watched.relay().passAll();
  }

  private static HttpResponse<Buffer> diff(String target) {
    return watched.engine().get("/v1/provisioning/diff?source=" + watched.template().templateId() + "&target=" + target,
        watched.token());
  }

  @Test
  void aPluginsDiffRunsOnTheEnginesVertx() {
    var diff = diff(copy);
    assertEquals(200, diff.statusCode(), diff.bodyAsString());
  }

  /** The users' diff and the teams' (which keep the members a copy has) share one reading of the template's members. */
  @Test
  void aDiffReadsTheTemplatesMembersOnce() {
    watched.relay().clear();
    assertEquals(200, diff(copy).statusCode());
    assertEquals(1, watched.relay().count("GET", "/v1/organizations/" + watched.template().templateId() + "/users"));
  }

  @Test
  void orgServiceFailingWhileAPluginReadsIs503() {
    watched.relay().refuse("/v1/organizations/" + copy + "/queues", 503);
    assertProblem(diff(copy), 503, "org_service_unavailable");
  }

  @Test
  void aTargetThatVanishedWhileAPluginReadsIsNotFound() {
    // asked by name, the target is found; under its id, org-service has it no more
    watched.relay().refuse("/v1/organizations/" + copy, 404);
    assertProblem(diff("diffed-copy"), 404, "target_not_found");
  }
}
