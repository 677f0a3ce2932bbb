package dev.orgplane.engine.diff;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.Counts;
import dev.orgplane.copy.api.KindDiff;
import dev.orgplane.copy.api.PageResult;
import dev.orgplane.engine.TestJarPlugin;
import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plugin whose diff stays in flight until the test lets it go ({@link #release()}), as the reads of a large
 * template's lists keep a diff going. One test at a time holds it ({@link #hold()}).
 */
public final class HeldDiffPlugin extends TestJarPlugin {

  private static final AtomicInteger inFlight = new AtomicInteger();
  private static volatile boolean released = true;

  public HeldDiffPlugin() {
    super("held-diff");
  }

  /** The diffs from now on stay in flight until {@link #release()}. */
  static void hold() {
    released = false;
  }

  static void release() {
    released = true;
  }

  /** The diffs held now. */
  static int inFlight() {
    return inFlight.get();
  }

  @Override
  public Future<PageResult> copy(CopyContext context, Checkpoint from) {
    return Future.succeededFuture(new PageResult(null, Counts.ZERO, List.of()));
  }

  @Override
  public Future<KindDiff> diff(CopyContext context) {
    inFlight.incrementAndGet();
    return whenReleased(context).map(let -> {
      inFlight.decrementAndGet();
      return new KindDiff("held", List.of(), List.of(), List.of());
    });
  }

  private static Future<Void> whenReleased(CopyContext context) {
    return released ? Future.succeededFuture()
        : context.vertx().timer(20).compose(fired -> whenReleased(context));
  }
}
