package dev.orgplane.copy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.copy.api.Counts;
import dev.orgplane.copy.api.KindDiff;
import dev.orgplane.copy.api.PageResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A page the driver cannot have fails the author's test, saying why, instead of hanging it or throwing an NPE. */
class PluginDriverTest {

  private final CopyPluginContractTest.Roles plugin = new CopyPluginContractTest.Roles();

  @Test
  void aPageAnsweredInTimeIsTaken() {
    var page = new PageResult(null, new Counts(1, 0, 0), List.of());
    assertEquals(page, PluginDriver.answered(plugin, Future.succeededFuture(page), 1));
  }

  @Test
  void aPageNeverAnsweredFailsTheTestOnceItsTimeHasPassed() {
    var failed = assertThrows(AssertionError.class,
        () -> PluginDriver.answered(plugin, Promise.<PageResult>promise().future(), 1));
    assertTrue(failed.getMessage().contains("roles did not answer a page within 1 s"), failed.getMessage());
    assertTrue(failed.getMessage().contains("page_timeout"), failed.getMessage());
  }

  @Test
  void aNullAnswerFailsTheTestNamingThePlugin() {
    var failed = assertThrows(AssertionError.class, () -> PluginDriver.answered(plugin, null, 1));
    assertTrue(failed.getMessage().contains("roles answered null"), failed.getMessage());
  }

  @Test
  void aDiffNeverAnsweredFailsTheTestOnceItsTimeHasPassed() {
    var failed = assertThrows(AssertionError.class,
        () -> PluginDriver.diffed(plugin, Promise.<KindDiff>promise().future(), 1));
    assertTrue(failed.getMessage().contains("roles did not answer a diff within 1 s"), failed.getMessage());
    assertTrue(failed.getMessage().contains("diff_timeout"), failed.getMessage());
  }

  @Test
  void aNullDiffFailsTheTestNamingThePlugin() {
    var failed = assertThrows(AssertionError.class, () -> PluginDriver.diffed(plugin, null, 1));
    assertTrue(failed.getMessage().contains("roles answered null instead of a diff"), failed.getMessage());
  }
}
