package dev.orgplane.engine.job;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.PageResult;
import dev.orgplane.engine.TestJarPlugin;
import io.vertx.core.Future;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plugin whose pages fail for a passing reason (its own connection reset), so each is tried again after a wait;
 * counting the tries.
 */
public final class PassingFailurePlugin extends TestJarPlugin {

  static final AtomicInteger TRIES = new AtomicInteger();

  public PassingFailurePlugin() {
    super("passing-failure");
  }

  @Override
  public Future<PageResult> copy(CopyContext context, Checkpoint from) {
    TRIES.incrementAndGet();
    return Future.failedFuture(new IOException("connection reset"));
  }
}
