package dev.orgplane.engine.diff;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.CopyFailure;
import dev.orgplane.engine.PluginsDir;
import dev.orgplane.engine.WatchedTemplate;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A diff whose plugins' reads fail, on an engine that reaches org-service through a relay a test makes refuse a
 * path, and that loads plugins of an author's jar beside the built-ins.
 */
class DiffFailuresTest {

  @RegisterExtension
  static final WatchedTemplate watched = new WatchedTemplate(new JsonObject().put("ORGPLANE_ENGINE_WORKERS", "0")
      .put("ORGPLANE_PLUGINS_DIR", PluginsDir.listing(TimedDiffPlugin.class,
          RefusingDiffPlugin.class)), "diff-failures");

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
    RefusingDiffPlugin.pass();
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

  /** A plugin reading an organization other than the diff's two is refused by the org API it was given, as in a job. */
  @Test
  void aPluginReadingAnotherOrganizationIs422OrganizationOutOfScope() {
    var other = UUID.randomUUID().toString();
    RefusingDiffPlugin.failWith(context -> context.org().list(other, "workspaces", null, 1)
        .map(page -> { throw new AssertionError("read organization " + other); }));

    var refused = diff(copy);

    assertProblem(refused, 422, CopyContext.ORGANIZATION_OUT_OF_SCOPE);
    assertTrue(refused.bodyAsJsonObject().getString("detail").contains(other), refused.bodyAsString());
  }

  /** A plugin's own refusal is answered with its code, its detail and the fields it names, as a job's error has them. */
  @Test
  void aPluginsOwnRefusalIs422WithItsCodeAndFields() {
    var fields = new JsonArray().add(new JsonObject().put("field", "settings.region").put("message", "is unknown"));
    RefusingDiffPlugin.failWith(context -> Future.failedFuture(
        new CopyFailure("region_unknown", "The template's region cannot be compared.", null, fields)));

    var refused = diff(copy);

    assertProblem(refused, 422, "region_unknown");
    assertEquals("The template's region cannot be compared.", refused.bodyAsJsonObject().getString("detail"));
    assertEquals(fields, refused.bodyAsJsonObject().getJsonArray("errors"), refused.bodyAsString());
  }

  /** What is no refusal, a plugin's bug, stays 500 without its internals. */
  @Test
  void aPluginsUnexpectedFailureIs500() {
    RefusingDiffPlugin.failWith(context -> Future.failedFuture(new IllegalStateException("a plugin's bug")));

    var failed = diff(copy);

    assertProblem(failed, 500, "internal_error");
    assertFalse(failed.bodyAsString().contains("a plugin's bug"), failed.bodyAsString());
  }
}
