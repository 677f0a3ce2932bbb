package dev.orgplane.engine.job;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.Counts;
import dev.orgplane.copy.api.PageResult;
import dev.orgplane.engine.TestJarPlugin;
import io.vertx.core.Future;
import java.util.List;

/** A plugin whose step never ends by itself: a page of one unchanged object every few milliseconds, for ever. */
public final class EndlessPlugin extends TestJarPlugin {

  public EndlessPlugin() {
    super("endless");
  }

  @Override
  public Future<PageResult> copy(CopyContext context, Checkpoint from) {
    var page = from.cursor() == null ? 0 : Long.parseLong(from.cursor());
    return context.vertx().timer(20).map(fired -> new PageResult(String.valueOf(page + 1), new Counts(0, 0, 1),
        List.of()));
  }
}
