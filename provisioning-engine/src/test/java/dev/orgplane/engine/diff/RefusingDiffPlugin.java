package dev.orgplane.engine.diff;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.Counts;
import dev.orgplane.copy.api.KindDiff;
import dev.orgplane.copy.api.PageResult;
import dev.orgplane.engine.TestJarPlugin;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.Function;

/**
 * A plugin whose diff compares nothing, until a test has it fail as a plugin may ({@link #failWith}): refused by the
 * org API it was given, or with a {@code CopyFailure} of its own. One test at a time has it fail.
 */
public final class RefusingDiffPlugin extends TestJarPlugin {

  private static final Function<CopyContext, Future<KindDiff>> IN_SYNC =
      context -> Future.succeededFuture(new KindDiff("refusing", List.of(), List.of(), List.of()));
  private static volatile Function<CopyContext, Future<KindDiff>> diff = IN_SYNC;

  public RefusingDiffPlugin() {
    super("refusing-diff");
  }

  /** The diffs from now on answer what {@code failing} does, until {@link #pass()}. */
  static void failWith(Function<CopyContext, Future<KindDiff>> failing) {
    diff = failing;
  }

  static void pass() {
    diff = IN_SYNC;
  }

  @Override
  public Future<PageResult> copy(CopyContext context, Checkpoint from) {
    return Future.succeededFuture(new PageResult(null, Counts.ZERO, List.of()));
  }

  @Override
  public Future<KindDiff> diff(CopyContext context) {
    return diff.apply(context);
  }
}
