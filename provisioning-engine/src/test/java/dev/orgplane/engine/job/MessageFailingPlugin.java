package dev.orgplane.engine.job;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.CopyPlugin;
import dev.orgplane.copy.api.KindDiff;
import dev.orgplane.copy.api.PageResult;
import io.vertx.core.Future;
import java.util.concurrent.atomic.AtomicInteger;

/** A plugin whose pages fail with a bare message ({@code Future.failedFuture(String)}), counting its calls. */
public final class MessageFailingPlugin implements CopyPlugin {

  static final AtomicInteger CALLS = new AtomicInteger();

  @Override
  public String id() {
    return "message-failing";
  }

  @Override
  public Future<PageResult> plan(CopyContext context, Checkpoint from) {
    return copy(context, from);
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
