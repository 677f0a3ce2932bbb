package dev.orgplane.copy.testkit;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.CopyPlugin;

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
