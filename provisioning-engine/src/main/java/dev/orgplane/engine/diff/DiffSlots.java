package dev.orgplane.engine.diff;

import dev.orgplane.kit.config.Settings;
import dev.orgplane.kit.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * How many diffs an engine process computes at once, counted across its event loops, which share its heap. A diff
 * holds every list of the template and of the target whole while it compares them, as a dry run does; job slots
 * bound the dry runs, and this the diffs: without it a group admin asking for many diffs of a large template at once
 * could fill the heap. One over the bound is refused at once, not queued: its caller retries, and the heap holds no
 * waiting requests either.
 */
public final class DiffSlots {

  public static final String SETTING = "ORGPLANE_ENGINE_DIFFS";
  /** About as long as a diff of a template of some thousand objects takes: one or more slots are free by then. */
  static final int RETRY_AFTER_SECONDS = 5;
  private static final String RUNNING = "running";

  private final LocalMap<String, Integer> counts;
  private final int limit;

  public DiffSlots(Vertx vertx, int limit) {
    this.counts = vertx.sharedData().getLocalMap("orgplane.engine-diffs");
    this.limit = limit;
  }

  /** The diffs an engine process computes at once ({@value #SETTING}, at least 1), read from its settings now. */
  public static int limit(Settings settings) {
    return settings.integer(SETTING, 1, Integer.MAX_VALUE);
  }

  /**
   * {@code diff}, holding a slot until it ends (though its caller hung up: its reads go on), or 503
   * {@code engine_busy} with {@code Retry-After} when every slot is taken.
   */
  <T> Future<T> run(RoutingContext ctx, Supplier<Future<T>> diff) {
    if (!take()) {
      ctx.response().putHeader("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
      return Future.failedFuture(new ApiException(503, "engine_busy", "The engine is computing as many diffs as it "
          + "allows; retry after " + RETRY_AFTER_SECONDS + " s."));
    }
    Future<T> running;
    try {
      running = diff.get();
    } catch (RuntimeException e) {
      running = Future.failedFuture(e);
    }
    return running.andThen(ended -> give());
  }

  private boolean take() {
    var taken = new boolean[1];
    counts.compute(RUNNING, (key, running) -> {
      if (running != null && running >= limit) {
        return running;
      }
      taken[0] = true;
      return running == null ? 1 : running + 1;
    });
    return taken[0];
  }

  private void give() {
    counts.computeIfPresent(RUNNING, (key, running) -> running <= 1 ? null : running - 1);
  }
}
