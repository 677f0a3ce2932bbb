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
import java.util.function.Function;

/**
 * The references to its own kind (a hook's run-after list) that a page replacing copies would add and that would
 * close a run-order cycle in the target. The template has none, so such a cycle runs through a copy whose page the
 * copy has not written yet and that still runs as the template ran before (a template that reversed the order of
 * two hooks of different pages, say). Left out now, they are written once those pages are, as references to copies
 * not made yet are, so what the copy holds in the end does not depend on where its pages split. A reference the
 * copy holds already is never one: the target had no cycle, so each new one takes a reference the page adds, and
 * leaving out those of every copy they would put on a cycle leaves none.
 *
 * <p>Only a cycle that a later page breaks waits: one through a copy of the template's objects after the page, which
 * that page replaces. A reference still on a cycle once those copies run after what their template objects do closes
 * it through what no page of the copy changes (a hook of the tenant's own, a copy of a template hook deleted since, a
 * copy of an earlier page changed since it was copied): left out, nothing would ever write it, and the copy would end
 * without it as if it had succeeded. Such a reference is written, and refused as a cycle, as every one was before
 * session 40.
 */
final class CycleClosingReferences {

  private final SetupKind kind;

  CycleClosingReferences(SetupKind kind) {
    this.kind = kind;
  }

  /**
   * Of the references {@code copies.get(i)} to {@code refs.get(i)} that the page of {@code pageCopies} (of
   * {@code source}'s objects up to {@code lastOfPage}, copied by {@code copyOf}) would write into {@code orgId}, those
   * to leave out, by copy id. The whole run order is read once and checked in memory; the template's later objects'
   * run order only if a reference closes a cycle.
   */
  Future<Map<String, Set<String>>> among(SqlClient tx, UUID source, UUID lastOfPage, Function<String, String> copyOf,
      UUID orgId, List<UUID> pageCopies, List<UUID> copies, List<UUID> refs) {
    return SetupRepository.runOrder(tx, kind, orgId).compose(stored -> {
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
      if (added.isEmpty()) {
        return Future.succeededFuture(added);
      }
      return SetupRepository.runOrderAfter(tx, kind, source, lastOfPage).map(later -> {
        // the run order as the later pages leave it: their copies run after the copies of what their objects do
        later.forEach((id, named) -> next.put(copyOf.apply(id), named.stream().map(copyOf).toList()));
        added.keySet().removeAll(NewCycles.onCycles(next, added.keySet()));
        return added;
      });
    });
  }
}
