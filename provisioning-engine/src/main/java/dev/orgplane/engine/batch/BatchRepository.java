package dev.orgplane.engine.batch;

import dev.orgplane.copy.api.Counts;
import dev.orgplane.engine.job.Job;
import dev.orgplane.engine.job.ListQuery;
import dev.orgplane.engine.job.WhereClause;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Batches with the totals of their jobs that their rows keep (V10): the counts of the jobs by status and by owner
 * invitation, what their steps copied, and the status these make. A batch is a dry run if its jobs are, which are
 * queued together from one request and so are all dry runs or none.
 */
final class BatchRepository {

  private BatchRepository() {
  }

  static Future<Void> insert(SqlClient tx, UUID id, UUID requestedBy, UUID templateOrg, UUID groupId, int concurrency,
      boolean dryRun, String selection) {
    return tx.preparedQuery("INSERT INTO provisioning.batches (id, requested_by, template_org, group_id, concurrency, "
            + "dry_run, selection) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .execute(Tuple.of(id, requestedBy, templateOrg, groupId, concurrency, dryRun).addValue(selection)).mapEmpty();
  }

  static Future<Optional<Batch>> find(SqlClient client, UUID id) {
    return client.preparedQuery("SELECT * FROM provisioning.batches WHERE id = $1")
        .execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next())));
  }

  /**
   * A page of the batches {@code requestedBy} asked for, filtered and in the order {@code query} asks, and made by
   * {@code selection} if given; with a {@code scope}, only those whose template it is. Each filter alone has an
   * index in id order (V5, V8, V10, V12).
   */
  static Future<List<Batch>> list(SqlClient client, UUID requestedBy, UUID scope, ListQuery query,
      String selection) {
    var where = new WhereClause().and("b.requested_by = #", requestedBy).and("b.template_org = #", scope)
        .and(query.newestFirst() ? "b.id < #" : "b.id > #", query.after())
        .and("b.template_org = #", query.template()).and("b.status = #", query.status())
        .and("b.selection = #", selection);
    var sql = "SELECT * FROM provisioning.batches b WHERE " + where.sql() + " ORDER BY b.id"
        + (query.newestFirst() ? " DESC" : "") + " LIMIT " + where.parameter(query.page().fetchSize());
    return client.preparedQuery(sql).execute(where.values()).map(rows -> {
      var batches = new ArrayList<Batch>();
      rows.forEach(row -> batches.add(map(row)));
      return batches;
    });
  }

  private static Batch map(Row row) {
    return new Batch(row.getUUID("id"), row.getUUID("requested_by"), row.getUUID("template_org"),
        row.getUUID("group_id"), row.getInteger("concurrency"), row.getBoolean("dry_run"), row.getString("selection"),
        row.getOffsetDateTime("created_at"), row.getString("status"), columns(row, "jobs_", Job.STATUSES),
        new Counts(row.getLong("objects_created"), row.getLong("objects_updated"), row.getLong("objects_unchanged")),
        columns(row, "owners_", Job.OWNER_INVITATIONS));
  }

  /** The totals of columns {@code prefix + key}, by key in the order of {@code keys}. */
  private static Map<String, Long> columns(Row row, String prefix, List<String> keys) {
    var totals = new LinkedHashMap<String, Long>();
    keys.forEach(key -> totals.put(key, row.getLong(prefix + key)));
    return totals;
  }
}
