package dev.orgplane.copy.builtin;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.Counts;
import dev.orgplane.copy.api.OrgObjectsPlugin;
import dev.orgplane.copy.api.PageResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Hooks point at copied queues and at other hooks ({@code runAfter}); ids inside their config are
 * remapped. Secrets are never copied: the copy is written without one, so org-service makes a new
 * secret for a new hook and keeps the secret of one that exists.
 *
 * <p>A hook may run after a hook of a later page, which does not exist yet when its page is written,
 * and org-service refuses a reference to a missing hook. So the copy takes two passes: the first
 * writes every hook with the {@code runAfter} entries that already exist, the second (cursors
 * prefixed {@value #LINKING}) writes the complete lists, and runs only if the first left any out. A
 * re-run finds every hook copied already and takes one pass.
 */
public final class HooksPlugin extends OrgObjectsPlugin {

  static final String FIRST = "first:";
  static final String LINKING = "linking:";

  public HooksPlugin() {
    super("hooks", "hooks", Set.of("queues"),
        List.of("name", "url", "events", "queueIds", "runAfter", "active", "config", "metadata"));
  }

  @Override
  protected Future<JsonObject> toTarget(CopyContext context, JsonObject source) {
    return super.toTarget(context, source).compose(copy -> {
      copy.put("queueIds", Remap.ids(context, source.getJsonArray("queueIds")))
          .put("runAfter", Remap.ids(context, source.getJsonArray("runAfter")));
      return Remap.embedded(context, copy, "config");
    });
  }

  @Override
  public Future<PageResult> copy(CopyContext context, Checkpoint from) {
    var cursor = from.cursor();
    if (cursor != null && cursor.startsWith(LINKING)) {
      return copyPage(context, listCursor(cursor.substring(LINKING.length())), this::writeLinks)
          .map(page -> page.last() ? page : new PageResult(LINKING + page.nextCursor(), page.counts(), page.sourceIds()));
    }
    // first-pass cursors carry whether a page left references out: only then is the second pass needed
    var deferred = new boolean[] {cursor != null && cursor.startsWith(FIRST + "1")};
    var after = cursor == null ? null : listCursor(cursor.substring(FIRST.length() + 2));
    return copyPage(context, after, (ctx, copies) -> writeSatisfiable(ctx, copies, deferred)).map(page -> {
      if (!page.last()) {
        return new PageResult(FIRST + (deferred[0] ? "1:" : "0:") + page.nextCursor(), page.counts(), page.sourceIds());
      }
      return deferred[0] ? new PageResult(LINKING, page.counts(), page.sourceIds()) : page;
    });
  }

  private static String listCursor(String rest) {
    return rest.isEmpty() ? null : rest;
  }

  /** First pass: {@code runAfter} limited to hooks of this page and hooks copied before. */
  private Future<Counts> writeSatisfiable(CopyContext context, List<JsonObject> copies, boolean[] deferred) {
    var inPage = new HashSet<String>();
    var referenced = new HashSet<String>();
    copies.forEach(copy -> {
      inPage.add(copy.getString("id"));
      copy.getJsonArray("runAfter").forEach(id -> referenced.add((String) id));
    });
    referenced.removeAll(inPage);
    return context.ids().copiedAlready(referenced).compose(existing -> {
      var satisfiable = copies.stream().map(copy -> {
        var runAfter = new JsonArray();
        copy.getJsonArray("runAfter").forEach(id -> {
          if (inPage.contains(id) || existing.contains(id)) {
            runAfter.add(id);
          } else {
            deferred[0] = true;
          }
        });
        return copy.copy().put("runAfter", runAfter);
      }).toList();
      return write(context, satisfiable);
    });
  }

  /**
   * Second pass: the complete lists of the hooks that run after hooks of other pages, the only ones the
   * first pass can have cut short (links within a page were written whole). It counts nothing: each
   * hook was counted once, by the first pass.
   */
  private Future<Counts> writeLinks(CopyContext context, List<JsonObject> copies) {
    var inPage = new HashSet<String>();
    copies.forEach(copy -> inPage.add(copy.getString("id")));
    var crossing = copies.stream().filter(copy -> copy.getJsonArray("runAfter").stream()
        .anyMatch(id -> !inPage.contains(id))).toList();
    return crossing.isEmpty() ? Future.succeededFuture(Counts.ZERO) : write(context, crossing).map(counts -> Counts.ZERO);
  }
}
