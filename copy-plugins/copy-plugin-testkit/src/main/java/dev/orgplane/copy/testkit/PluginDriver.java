package dev.orgplane.copy.testkit;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.CopyPlugin;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Runs a plugin the way the engine does: page after page from a checkpoint, recording each page's
 * copies when its checkpoint is taken. The kit's org API answers at once, so waiting is free.
 */
final class PluginDriver {

  /** Where a run stopped: the last checkpoint, pages done, and whether the plugin had finished. */
  record Stop(Checkpoint checkpoint, int pages, boolean finished) {
  }

  private PluginDriver() {
  }

  static Stop copy(CopyPlugin plugin, CopyContext context, KitIds ids, Checkpoint from, int maxPages) {
    var checkpoint = from;
    for (int pages = 0; pages < maxPages; pages++) {
      var page = plugin.copy(context, checkpoint).await();
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
    plugin.copy(context, from).await();
  }

  static Checkpoint planAll(CopyPlugin plugin, CopyContext context) {
    var checkpoint = Checkpoint.START;
    while (true) {
      var page = plugin.plan(context, checkpoint).await();
      checkpoint = checkpoint.after(page);
      if (page.last()) {
        return checkpoint;
      }
    }
  }
}
