package dev.orgplane.copy.testkit;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.CopyPlugin;
import dev.orgplane.copy.api.KindDiff;
import dev.orgplane.copy.api.PageResult;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a plugin the way the engine does: page after page from a checkpoint, recording each page's
 * copies when its checkpoint is taken. The kit's org API answers at once, so waiting is free; a page not answered
 * within {@value #PAGE_SECONDS} s never will be, and fails the test, as a null answer does: the engine fails the job.
 */
final class PluginDriver {

  /** How long a page may take here: long past what a page of the kit's in-memory org API takes. */
  static final long PAGE_SECONDS = 30;

  /** Where a run stopped: the last checkpoint, pages done, and whether the plugin had finished. */
  record Stop(Checkpoint checkpoint, int pages, boolean finished) {
  }

  private PluginDriver() {
  }

  static Stop copy(CopyPlugin plugin, CopyContext context, KitIds ids, Checkpoint from, int maxPages) {
    var checkpoint = from;
    for (int pages = 0; pages < maxPages; pages++) {
      var page = answered(plugin, plugin.copy(context, checkpoint), PAGE_SECONDS);
      ids.record(page.sourceIds());
      checkpoint = checkpoint.after(page);
      if (page.last()) {
        return new Stop(checkpoint, pages + 1, true);
      }
    }
    return new Stop(checkpoint, maxPages, false);
  }

  static Stop copyAll(CopyPlugin plugin, CopyContext context, KitIds ids) {
    return copy(plugin, context, ids, Checkpoint.START, Integer.MAX_VALUE);
  }

  /**
   * Copies into each of {@code contexts} (with the id registry at the same index of {@code ids}) with the one
   * {@code plugin}, a page of each in turn, as jobs sharing the engine's instance of a plugin do.
   */
  static void copyInterleaved(CopyPlugin plugin, List<CopyContext> contexts, List<KitIds> ids) {
    var checkpoints = new ArrayList<>(Collections.nCopies(contexts.size(), Checkpoint.START));
    var running = true;
    while (running) {
      running = false;
      for (int i = 0; i < contexts.size(); i++) {
        if (checkpoints.get(i) != null) {
          var stop = copy(plugin, contexts.get(i), ids.get(i), checkpoints.get(i), 1);
          checkpoints.set(i, stop.finished() ? null : stop.checkpoint());
          running |= !stop.finished();
        }
      }
    }
  }

  /** Writes the page after {@code from} and "crashes" before its checkpoint: nothing is recorded. */
  static void copyWithoutCheckpoint(CopyPlugin plugin, CopyContext context, Checkpoint from) {
    answered(plugin, plugin.copy(context, from), PAGE_SECONDS);
  }

  static Checkpoint planAll(CopyPlugin plugin, CopyContext context) {
    var checkpoint = Checkpoint.START;
    while (true) {
      var page = answered(plugin, plugin.plan(context, checkpoint), PAGE_SECONDS);
      checkpoint = checkpoint.after(page);
      if (page.last()) {
        return checkpoint;
      }
    }
  }

  /**
   * {@code plugin}'s answer to a page, waited for at most {@code seconds}; a null answer or none by then fails the
   * test naming the plugin and what the engine makes of it, where the test hung for ever on a page never answered.
   */
  static PageResult answered(CopyPlugin plugin, Future<PageResult> page, long seconds) {
    return awaited(plugin, page, seconds, "a page", "fails its job copy_error",
        "fails its job page_timeout once ORGPLANE_ENGINE_PAGE_TIMEOUT_SECONDS have passed");
  }

  /**
   * {@code plugin}'s diff of {@code context}, waited for as a page is ({@value #PAGE_SECONDS} s): the engine gives a
   * diff a page's deadline. A diff never answered hung the author's test for ever.
   */
  static KindDiff diffed(CopyPlugin plugin, CopyContext context) {
    return diffed(plugin, plugin.diff(context), PAGE_SECONDS);
  }

  static KindDiff diffed(CopyPlugin plugin, Future<KindDiff> diff, long seconds) {
    return awaited(plugin, diff, seconds, "a diff", "answers the diff 500",
        "answers the diff 504 diff_timeout once ORGPLANE_ENGINE_PAGE_TIMEOUT_SECONDS have passed");
  }

  private static <T> T awaited(CopyPlugin plugin, Future<T> answer, long seconds, String what, String ifNull,
      String ifLate) {
    if (answer == null) {
      throw new AssertionError("The copy plugin " + plugin.id() + " answered null instead of " + what
          + " (a future): the engine " + ifNull + ".");
    }
    try {
      return answer.await(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("The copy plugin " + plugin.id() + " did not answer " + what + " within " + seconds
          + " s: the engine " + ifLate + ".");
    }
  }
}
