package dev.orgplane.engine.diff;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.Counts;
import dev.orgplane.copy.api.KindDiff;
import dev.orgplane.copy.api.PageResult;
import dev.orgplane.engine.TestJarPlugin;
import io.vertx.core.Future;
import java.util.List;

/** A plugin of an author's jar whose diff waits on a timer of the context's Vertx, as a plugin may. */
public final class TimedDiffPlugin extends TestJarPlugin {

  public TimedDiffPlugin() {
    super("timed-diff");
  }

  @Override
  public Future<PageResult> copy(CopyContext context, Checkpoint from) {
    return Future.succeededFuture(new PageResult(null, Counts.ZERO, List.of()));
  }

  @Override
  public Future<KindDiff> diff(CopyContext context) {
    return context.vertx().timer(1).map(fired -> new KindDiff("timed", List.of(), List.of(), List.of()));
  }
}
