package dev.orgplane.engine.job;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.KindDiff;
import dev.orgplane.copy.api.PageResult;
import dev.orgplane.engine.TestJarPlugin;
import io.vertx.core.Future;
import java.util.concurrent.atomic.AtomicInteger;

/** A plugin whose pages fail with a bare message ({@code Future.failedFuture(String)}), counting its calls. */
public final class MessageFailingPlugin extends TestJarPlugin {

  static final AtomicInteger CALLS = new AtomicInteger();

  public MessageFailingPlugin() {
    super("message-failing");
  }

  @Override
  public Future<PageResult> copy(CopyContext context, Checkpoint from) {
    CALLS.incrementAndGet();
    return Future.failedFuture("this template has nothing to copy for me");
  }

  @Override
  public Future<KindDiff> diff(CopyContext context) {
    return Future.failedFuture("no diff here");
  }
}
