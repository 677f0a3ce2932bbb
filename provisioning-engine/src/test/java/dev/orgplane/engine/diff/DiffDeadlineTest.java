package dev.orgplane.engine.diff;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.engine.PluginsDir;
import dev.orgplane.engine.WatchedTemplate;
import io.vertx.core.json.JsonObject;
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

  private static DiffedCopy copy;

  @BeforeAll
  static void createCopy() {
    copy = DiffedCopy.made(watched, "deadline-copy");
  }

  @AfterEach
  void releaseHeld() {
    HeldDiffPlugin.release();
  }

  /**
   * A plugin whose diff never answers held the request, and its slot, for ever: after as many such diffs as the
   * engine allows at once, every diff was 503. It is given up at the deadline, and the slot is free again.
   */
  @Test
  void aDiffAPluginNeverAnswersEndsAtTheDeadlineAndFreesItsSlot() {
    HeldDiffPlugin.hold();
    long started = System.nanoTime();
    var unanswered = copy.diff();
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertProblem(unanswered, 504, "diff_timeout");
    assertTrue(unanswered.bodyAsJsonObject().getString("detail").contains("held-diff"), unanswered.bodyAsString());
    assertTrue(millis >= 1_000, "answered after the deadline, not before: " + millis + " ms");

    HeldDiffPlugin.release();
    var next = copy.diff();
    assertEquals(200, next.statusCode(), next.bodyAsString());
  }
}
