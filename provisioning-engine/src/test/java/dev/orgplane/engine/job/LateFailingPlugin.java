package dev.orgplane.engine.job;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.CopyFailure;
import dev.orgplane.copy.api.CopyPlugin;
import dev.orgplane.copy.api.KindDiff;
import dev.orgplane.copy.api.PageResult;
import io.vertx.core.Future;

/** A plugin whose first page fails after a while, long enough for a sibling step to be under way. */
public final class LateFailingPlugin implements CopyPlugin {

  static final String CODE = "failed_late";

  @Override
  public String id() {
    return "late-failing";
  }

  @Override
  public Future<PageResult> plan(CopyContext context, Checkpoint from) {
    return copy(context, from);
  }

  @Override
  public Future<PageResult> copy(CopyContext context, Checkpoint from) {
    return context.vertx().timer(500).compose(fired -> Future.failedFuture(new CopyFailure(CODE,
        "This page failed after a while.", null)));
  }

  @Override
  public Future<KindDiff> diff(CopyContext context) {
    return Future.failedFuture(new UnsupportedOperationException());
  }
}
