package dev.orgplane.engine.diff;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.engine.PluginsDir;
import dev.orgplane.engine.WatchedTemplate;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Diffs on an engine that computes two at once ({@value DiffSlots#SETTING}). */
class DiffSlotsTest {

  private static final int SLOTS = 2;

  @RegisterExtension
  static final WatchedTemplate watched = new WatchedTemplate(new JsonObject().put("ORGPLANE_ENGINE_WORKERS", "0")
      .put(DiffSlots.SETTING, String.valueOf(SLOTS)).put("ORGPLANE_PLUGINS_DIR", PluginsDir.listing(HeldDiffPlugin.class)),
      "diff-slots");

  private static final ExecutorService callers = Executors.newFixedThreadPool(SLOTS + 1);
  private static DiffedCopy copy;

  @BeforeAll
  static void createCopy() {
    copy = DiffedCopy.made(watched, "slotted-copy");
  }

  @AfterEach
  void releaseHeld() {
    HeldDiffPlugin.release();
  }

  @AfterAll
  static void stopCallers() {
    callers.shutdownNow();
  }

  private static HttpResponse<Buffer> diff() {
    return copy.diff();
  }

  /**
   * Each diff holds the template's and the target's lists whole: with no bound, many at once of a large template
   * could fill the engine's heap. The one over the bound is told so at once, while the others go on and succeed.
   */
  @Test
  void aDiffOverTheBoundIsRefusedAtOnceAndTheOthersSucceed() throws Exception {
    HeldDiffPlugin.hold();
    var held = IntStream.range(0, SLOTS)
        .mapToObj(i -> CompletableFuture.supplyAsync(DiffSlotsTest::diff, callers)).toList();
    var deadline = System.currentTimeMillis() + 30_000;
    while (HeldDiffPlugin.inFlight() < SLOTS && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(SLOTS, HeldDiffPlugin.inFlight());

    // answered while the others are held, or not at all (they are held until after this)
    var refused = CompletableFuture.supplyAsync(DiffSlotsTest::diff, callers).get(10, TimeUnit.SECONDS);
    assertProblem(refused, 503, "engine_busy");
    assertEquals(String.valueOf(DiffSlots.RETRY_AFTER_SECONDS), refused.getHeader("Retry-After"));
    assertEquals(SLOTS, HeldDiffPlugin.inFlight(), "the held diffs are still in flight");

    HeldDiffPlugin.release();
    for (var diff : held) {
      var answered = diff.get(30, TimeUnit.SECONDS);
      assertEquals(200, answered.statusCode(), answered.bodyAsString());
    }
    // their slots are free again
    var after = diff();
    assertEquals(200, after.statusCode(), after.bodyAsString());
  }

  /** A diff that fails gives its slot back as one that succeeds does. */
  @Test
  void aFailedDiffFreesItsSlot() {
    watched.relay().refuse("/v1/organizations/" + copy.id() + "/queues", 503);
    try {
      for (int i = 0; i <= SLOTS; i++) {
        assertProblem(diff(), 503, "org_service_unavailable");
      }
    } finally {
      watched.relay().passAll();
    }
    var diff = diff();
    assertEquals(200, diff.statusCode(), diff.bodyAsString());
  }
}
