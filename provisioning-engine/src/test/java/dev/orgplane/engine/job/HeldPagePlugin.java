package dev.orgplane.engine.job;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.Counts;
import dev.orgplane.copy.api.PageResult;
import dev.orgplane.engine.TestJarPlugin;
import io.vertx.core.Future;
import java.util.List;

/**
 * A plugin of one page, which stays in flight until the test lets it go ({@link #release()}), then reads the template
 * from org-service as a page does: a write still under way while its job stops. One at a time: the test that uses it
 * holds it first ({@link #hold()}).
 */
public final class HeldPagePlugin extends TestJarPlugin {

  private static volatile boolean released;
  private static volatile boolean inFlight;

  public HeldPagePlugin() {
    super("held-page");
  }

  /** The next page stays in flight until {@link #release()}. */
  static void hold() {
    released = false;
    inFlight = false;
  }

  static void release() {
    released = true;
  }

  static boolean inFlight() {
    return inFlight;
  }

  @Override
  public Future<PageResult> copy(CopyContext context, Checkpoint from) {
    inFlight = true;
    return whenReleased(context)
        .compose(let -> context.org().list(context.sourceOrganization(), "roles", null, 1))
        .map(read -> {
          inFlight = false;
          return new PageResult(null, new Counts(0, 0, 1), List.of());
        });
  }

  private static Future<Void> whenReleased(CopyContext context) {
    return released ? Future.succeededFuture()
        : context.vertx().timer(20).compose(fired -> whenReleased(context));
  }
}
