package dev.orgplane.engine.job;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.PageResult;
import dev.orgplane.engine.TestJarPlugin;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plugin whose pages never answer (a bug, an HTTP call of its own with no timeout), counting the pages it was
 * asked for.
 */
public final class SilentPlugin extends TestJarPlugin {

  static final AtomicInteger PAGES = new AtomicInteger();

  public SilentPlugin() {
    super("silent");
  }

  @Override
  public Future<PageResult> copy(CopyContext context, Checkpoint from) {
    PAGES.incrementAndGet();
    return Promise.<PageResult>promise().future();
  }
}
