package dev.orgplane.org.setup;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
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

  private final String sql;

  CycleClosingReferences(SetupKind kind) {
    var table = "org." + kind.table();
    var column = kind.acyclicColumn();
    // $2, $3: the references the page would write, as parallel arrays of copy and referenced copy; $4: the page's
    // copies, whose stored references the page replaces. The whole graph is read once: an organization holds at most
    // ORGPLANE_HOOKS_PER_ORGANIZATION hooks.
    this.sql = "WITH RECURSIVE planned(copy, ref) AS (SELECT * FROM unnest($2::uuid[], $3::uuid[])), "
        + "added AS (SELECT p.copy, p.ref FROM planned p WHERE NOT EXISTS (SELECT 1 FROM " + table + " t "
        + "WHERE t.org_id = $1 AND t.id = p.copy AND p.ref = ANY (t." + column + "))), "
        + "graph AS MATERIALIZED (SELECT copy, ref FROM planned UNION ALL SELECT t.id, n FROM " + table + " t, "
        + "unnest(t." + column + ") n WHERE t.org_id = $1 AND t.id <> ALL ($4)), "
        // each copy that adds references, and what they lead to, each once (UNION), as the integrity check walks
        + "walk(start, node) AS (SELECT copy, ref FROM added UNION SELECT w.start, g.ref FROM walk w "
        + "JOIN graph g ON g.copy = w.node) "
        + "SELECT a.copy, a.ref FROM added a WHERE EXISTS (SELECT 1 FROM walk w WHERE w.start = a.copy "
        + "AND w.node = a.copy)";
  }

  /**
   * Of the references {@code copies.get(i)} to {@code refs.get(i)} that the page of {@code pageCopies} would write
   * into {@code orgId}, those to leave out, by copy id.
   */
  Future<Map<String, Set<String>>> among(SqlClient tx, UUID orgId, List<UUID> pageCopies, List<UUID> copies,
      List<UUID> refs) {
    return tx.preparedQuery(sql).execute(Tuple.of(orgId, copies.toArray(UUID[]::new), refs.toArray(UUID[]::new),
            pageCopies.toArray(UUID[]::new)))
        .map(rows -> {
          var closing = new HashMap<String, Set<String>>();
          rows.forEach(row -> closing.computeIfAbsent(row.getUUID("copy").toString(), copy -> new HashSet<>())
              .add(row.getUUID("ref").toString()));
          return closing;
        });
  }
}
