package dev.orgplane.engine.job;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.PageResult;
import dev.orgplane.engine.TestJarPlugin;
import io.vertx.core.Future;

/**
 * A plugin depending on none, so among a job's first steps, whose copy answers null instead of a future; ordered
 * after {@link HeldPagePlugin} by its id, it starts once that one's page is in flight.
 */
public final class FirstNullPagePlugin extends TestJarPlugin {

  public FirstNullPagePlugin() {
    super("null-page-first");
  }

  @Override
  public Future<PageResult> copy(CopyContext context, Checkpoint from) {
    return null;
  }
}
