package dev.orgplane.copy.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyFailure;
import dev.orgplane.copy.api.Counts;
import dev.orgplane.copy.api.Existing;
import dev.orgplane.copy.api.OncePerRun;
import dev.orgplane.copy.api.OrgApi;
import dev.orgplane.copy.testkit.InMemoryOrgApi;
import io.vertx.core.Future;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The hooks plugin's second pass, which completes the run-after references the first left out, is the last: one it
 * still leaves out (hooks changed while the job ran) fails the job rather than go missing from a job that succeeded.
 */
class HooksPluginLinkingTest {

  /** An org API whose every copied page leaves a run-after reference out. */
  private record LeavingAReferenceOut(OrgApi api) implements WritesPassedOn {

    @Override
    public Future<Page> list(String organization, String path, String cursor, int limit) {
      return api.list(organization, path, cursor, limit);
    }

    @Override
    public Future<CopiedPage> copyPage(String source, String target, String path, String cursor, int limit,
        boolean copySecrets, Existing existing, Set<String> copiedElsewhere) {
      return api.copyPage(source, target, path, cursor, limit, copySecrets, existing, copiedElsewhere)
          .map(copied -> new CopiedPage(copied.result(), 1));
    }
  }

  @Test
  void aReferenceTheSecondPassLeavesOutFailsTheJob() {
    var run = new PluginRun(new LeavingAReferenceOut(new InMemoryOrgApi()), UUID.randomUUID().toString(),
        PluginRun.TARGET, 10, new OncePerRun());

    var first = new HooksPlugin().copy(run, Checkpoint.START).await();
    assertEquals(HooksPlugin.LINKING, first.nextCursor(), "the first pass leaves them to the second");
    var failure = assertThrows(CopyFailure.class,
        () -> new HooksPlugin().copy(run, new Checkpoint(first.nextCursor(), Counts.ZERO)).await());
    assertEquals(HooksPlugin.RUN_ORDER_INCOMPLETE, failure.code());
  }
}
