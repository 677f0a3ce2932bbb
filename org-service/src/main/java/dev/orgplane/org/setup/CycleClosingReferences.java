package dev.orgplane.org.setup;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The references to its own kind (a hook's run-after list) that a page replacing copies would add and that would
 * close a run-order cycle in the target. The template has none, so such a cycle runs through a copy whose page the
 * copy has not written yet and that still runs as the template ran before (a template that reversed the order of
 * two hooks of different pages, say). Left out now, they are written once those pages are, as references to copies
 * not made yet are, so what the copy holds in the end does not depend on where its pages split. A reference the
 * copy holds already is never one: the target had no cycle, so each new one takes a reference the page adds, and
 * leaving out those of every copy they would put on a cycle leaves none.
 */
final class CycleClosingReferences {

  private final SetupKind kind;

  CycleClosingReferences(SetupKind kind) {
    this.kind = kind;
  }

  /**
   * Of the references {@code copies.get(i)} to {@code refs.get(i)} that the page of {@code pageCopies} would write
   * into {@code orgId}, those to leave out, by copy id. The whole run order is read once and checked in memory.
   */
  Future<Map<String, Set<String>>> among(SqlClient tx, UUID orgId, List<UUID> pageCopies, List<UUID> copies,
      List<UUID> refs) {
    return SetupRepository.runOrder(tx, kind, orgId).map(stored -> {
      var next = new HashMap<String, List<String>>();
      stored.forEach((id, named) -> next.put(id, new ArrayList<>(named)));
      // the page's copies run after what the page writes for them, no longer after what they hold
      pageCopies.forEach(copy -> next.remove(copy.toString()));
      var added = new HashMap<String, Set<String>>();
      for (int i = 0; i < copies.size(); i++) {
        var copy = copies.get(i).toString();
        var ref = refs.get(i).toString();
        next.computeIfAbsent(copy, c -> new ArrayList<>()).add(ref);
        if (!stored.getOrDefault(copy, List.of()).contains(ref)) {
          added.computeIfAbsent(copy, c -> new HashSet<>()).add(ref);
        }
      }
      added.keySet().retainAll(NewCycles.onCycles(next, added.keySet()));
      return added;
    });
  }
}
