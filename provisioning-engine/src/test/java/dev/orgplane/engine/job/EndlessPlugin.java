package dev.orgplane.engine.job;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.CopyPlugin;
import dev.orgplane.copy.api.Counts;
import dev.orgplane.copy.api.KindDiff;
import dev.orgplane.copy.api.PageResult;
import io.vertx.core.Future;
import java.util.List;

/** A plugin whose step never ends by itself: a page of one unchanged object every few milliseconds, for ever. */
public final class EndlessPlugin implements CopyPlugin {

  @Override
  public String id() {
    return "endless";
  }

  @Override
  public Future<PageResult> plan(CopyContext context, Checkpoint from) {
    return copy(context, from);
  }

  @Override
  public Future<PageResult> copy(CopyContext context, Checkpoint from) {
    var page = from.cursor() == null ? 0 : Long.parseLong(from.cursor());
    return context.vertx().timer(20).map(fired -> new PageResult(String.valueOf(page + 1), new Counts(0, 0, 1),
        List.of()));
  }

  @Override
  public Future<KindDiff> diff(CopyContext context) {
    return Future.failedFuture(new UnsupportedOperationException());
  }
}
