package dev.orgplane.engine.job;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.PageResult;
import dev.orgplane.engine.TestJarPlugin;
import io.vertx.core.Future;
import java.util.Set;

/** A plugin run after roles whose copy answers null instead of a future. */
public final class NullPagePlugin extends TestJarPlugin {

  public NullPagePlugin() {
    super("null-page");
  }

  @Override
  public Set<String> dependsOn() {
    return Set.of("roles");
  }

  @Override
  public Future<PageResult> copy(CopyContext context, Checkpoint from) {
    return null;
  }
}
