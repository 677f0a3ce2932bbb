package dev.orgplane.engine.job;

import dev.orgplane.copy.api.CopyFailure;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * How long a plugin's page may take ({@code ORGPLANE_ENGINE_PAGE_TIMEOUT_SECONDS}). A page that never answers (a bug
 * of the plugin, a call of its own with no timeout) would hold its job, renewed by the heartbeat, its target, a cancel
 * of it and its engine's stop for ever: past its deadline it fails {@value #CODE}, which fails the job as any refusal
 * does (it is not tried again: a plugin that hung once hangs again as likely as not, and each try would hold the job
 * as long again). What the plugin still does then is its own: the engine goes on without it. A plugin's diff has
 * the same deadline ({@code DiffRoutes}): one that never answered held its diff's slot for ever.
 */
public final class PageDeadline {

  static final String CODE = "page_timeout";

  private final Vertx vertx;
  private final long millis;

  public PageDeadline(Vertx vertx, long millis) {
    this.vertx = vertx;
    this.millis = millis;
  }

  /**
   * {@code page} as {@code plugin} answered it, failed {@value #CODE} if it has not ended by the deadline. A null
   * answer is thrown here, inside Retries' compose, so it fails the page as a plugin's own throw does: handed to
   * compose, it was thrown out of the job's chain instead, and left the job running for ever.
   */
  public <T> Future<T> of(String plugin, Future<T> page) {
    if (page == null) {
      throw new IllegalStateException("The copy plugin " + plugin + " answered null instead of a page.");
    }
    var answered = Promise.<T>promise();
    var timer = vertx.setTimer(millis, fired -> answered.tryFail(new Missed(plugin, millis)));
    page.onComplete(ended -> {
      vertx.cancelTimer(timer);
      if (ended.succeeded()) {
        answered.tryComplete(ended.result());
      } else {
        answered.tryFail(ended.cause());
      }
    });
    return answered.future();
  }

  /** A page given up at its deadline. */
  public static final class Missed extends CopyFailure {
    Missed(String plugin, long millis) {
      super(CODE, "The copy plugin " + plugin + " did not answer a page within " + millis / 1000
          + " s (ORGPLANE_ENGINE_PAGE_TIMEOUT_SECONDS).", null);
    }
  }
}
