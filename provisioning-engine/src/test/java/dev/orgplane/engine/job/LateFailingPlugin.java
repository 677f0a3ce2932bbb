package dev.orgplane.engine.job;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.CopyFailure;
import dev.orgplane.copy.api.PageResult;
import dev.orgplane.engine.TestJarPlugin;
import io.vertx.core.Future;

/** A plugin whose first page fails after a while, long enough for a sibling step to be under way. */
public final class LateFailingPlugin extends TestJarPlugin {

  static final String CODE = "failed_late";

  public LateFailingPlugin() {
    super("late-failing");
  }

  @Override
  public Future<PageResult> copy(CopyContext context, Checkpoint from) {
    return context.vertx().timer(500).compose(fired -> Future.failedFuture(new CopyFailure(CODE,
        "This page failed after a while.", null)));
  }
}
