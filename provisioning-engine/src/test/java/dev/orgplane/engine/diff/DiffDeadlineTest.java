package dev.orgplane.engine.diff;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.engine.PluginsDir;
import dev.orgplane.engine.WatchedTemplate;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Diffs on an engine computing one at a time, whose plugins have a second to answer (a page's deadline). */
class DiffDeadlineTest {

  @RegisterExtension
  static final WatchedTemplate watched = new WatchedTemplate(new JsonObject().put("ORGPLANE_ENGINE_WORKERS", "0")
      .put(DiffSlots.SETTING, "1").put("ORGPLANE_ENGINE_PAGE_TIMEOUT_SECONDS", "1")
      .put("ORGPLANE_PLUGINS_DIR", PluginsDir.listing(HeldDiffPlugin.class)), "diff-deadline");

  private static String copy;

  @BeforeAll
  static void createCopy() {
    var created = watched.engine().org.post("/v1/organizations", watched.token(), new JsonObject()
        .put("name", "deadline-copy-" + WatchedTemplate.unique()).put("title", "Deadline copy")
        .put("groupId", watched.template().groupId()));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    copy = created.bodyAsJsonObject().getString("id");
  }

  @AfterEach
  void releaseHeld() {
    HeldDiffPlugin.release();
  }

  private static HttpResponse<Buffer> diff() {
    return watched.engine().get("/v1/provisioning/diff?source=" + watched.template().templateId() + "&target=" + copy,
        watched.token());
  }

  /**
   * A plugin whose diff never answers held the request, and its slot, for ever: after as many such diffs as the
   * engine allows at once, every diff was 503. It is given up at the deadline, and the slot is free again.
   */
  @Test
  void aDiffAPluginNeverAnswersEndsAtTheDeadlineAndFreesItsSlot() {
    HeldDiffPlugin.hold();
    long started = System.nanoTime();
    var unanswered = diff();
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertProblem(unanswered, 504, "diff_timeout");
    assertTrue(unanswered.bodyAsJsonObject().getString("detail").contains("held-diff"), unanswered.bodyAsString());
    assertTrue(millis >= 1_000, "answered after the deadline, not before: " + millis + " ms");

    HeldDiffPlugin.release();
    var next = diff();
    assertEquals(200, next.statusCode(), next.bodyAsString());
  }
}
