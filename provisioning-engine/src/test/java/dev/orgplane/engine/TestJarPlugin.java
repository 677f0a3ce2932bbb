package dev.orgplane.engine;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.CopyPlugin;
import dev.orgplane.copy.api.KindDiff;
import dev.orgplane.copy.api.PageResult;
import io.vertx.core.Future;

/**
 * What the plugins of the test jar ({@link PluginsDir}) share, so that each states only how its pages (and its diff)
 * behave: an id, a plan that is its copy (their pages write nothing, so a dry run may run them), and no diff.
 */
public abstract class TestJarPlugin implements CopyPlugin {

  private final String id;

  protected TestJarPlugin(String id) {
    this.id = id;
  }

  @Override
  public final String id() {
    return id;
  }

  @Override
  public Future<PageResult> plan(CopyContext context, Checkpoint from) {
    return copy(context, from);
  }

  @Override
  public Future<KindDiff> diff(CopyContext context) {
    return Future.failedFuture(new UnsupportedOperationException());
  }
}
