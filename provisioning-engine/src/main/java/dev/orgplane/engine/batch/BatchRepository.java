package dev.orgplane.engine.batch;

import dev.orgplane.copy.api.Counts;
import dev.orgplane.engine.job.Job;
import dev.orgplane.engine.job.ListQuery;
import dev.orgplane.engine.job.WhereClause;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Batches and the counts of their jobs. A batch's status is computed here from the counts of its jobs by status,
 * so a list can be filtered by it: active while a job is queued or running, and once all have ended
 * {@code failed} if any failed (a partial batch is never reported successful), else {@code cancelled} if any was
 * cancelled, else {@code succeeded}. Whether a batch is a dry run is read from one of its jobs, which are queued
 * together from one request and so are all dry runs or none.
 */
final class BatchRepository {

  /** The counts of the jobs of batch {@code b} by status, and its status: read from an index alone. */
  private static final String STATUS = "CROSS JOIN LATERAL (SELECT count(*) AS total, "
      + "count(*) FILTER (WHERE j.status = 'queued') AS queued, count(*) FILTER (WHERE j.status = 'running') AS running, "
      + "count(*) FILTER (WHERE j.status = 'succeeded') AS succeeded, "
      + "count(*) FILTER (WHERE j.status = 'failed') AS failed, "
      + "count(*) FILTER (WHERE j.status = 'cancelled') AS cancelled "
      + "FROM provisioning.jobs j WHERE j.batch_id = b.id) c "
      + "CROSS JOIN LATERAL (SELECT CASE WHEN c.running > 0 OR (c.queued > 0 AND c.total > c.queued) THEN 'running' "
      + "WHEN c.queued > 0 THEN 'queued' WHEN c.failed > 0 THEN 'failed' WHEN c.cancelled > 0 THEN 'cancelled' "
      + "ELSE 'succeeded' END AS status) s ";

  /**
   * What the jobs of batch {@code b} copied so far, whether they are dry runs, and their owner invitations by
   * outcome: only for the batches shown.
   */
  private static final String OBJECTS = "CROSS JOIN LATERAL (SELECT coalesce(sum(st.created), 0) AS created, "
      + "coalesce(sum(st.updated), 0) AS updated, coalesce(sum(st.unchanged), 0) AS unchanged, "
      + "coalesce((SELECT j.dry_run FROM provisioning.jobs j WHERE j.batch_id = b.id LIMIT 1), false) AS dry_run "
      + "FROM provisioning.jobs j JOIN provisioning.job_steps st ON st.job_id = j.id WHERE j.batch_id = b.id) o "
      + "CROSS JOIN LATERAL (SELECT coalesce(jsonb_object_agg(owner_invitation, n), '{}') AS owners FROM "
      + "(SELECT owner_invitation, count(*) AS n FROM provisioning.jobs j WHERE j.batch_id = b.id "
      + "AND j.owner_invitation IS NOT NULL GROUP BY owner_invitation) i) w ";

  private BatchRepository() {
  }

  static Future<Void> insert(SqlClient tx, UUID id, UUID requestedBy, UUID templateOrg, UUID groupId, int concurrency) {
    return tx.preparedQuery("INSERT INTO provisioning.batches (id, requested_by, template_org, group_id, concurrency) "
            + "VALUES ($1, $2, $3, $4, $5)")
        .execute(Tuple.of(id, requestedBy, templateOrg, groupId, concurrency)).mapEmpty();
  }

  static Future<Optional<Batch>> find(SqlClient client, UUID id) {
    return client.preparedQuery("SELECT * FROM provisioning.batches b " + STATUS + OBJECTS + "WHERE b.id = $1")
        .execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next())));
  }

  /**
   * A page of the batches {@code requestedBy} asked for, filtered and in the order {@code query} asks; with a
   * {@code scope}, only those whose template it is. A status filter is checked on the batches in the page's order
   * (counting each one's jobs by status, from an index), the objects copied summed for the page's batches alone.
   */
  static Future<List<Batch>> list(SqlClient client, UUID requestedBy, UUID scope, ListQuery query) {
    var where = new WhereClause().and("b.requested_by = #", requestedBy).and("b.template_org = #", scope)
        .and(query.newestFirst() ? "b.id < #" : "b.id > #", query.after())
        .and("b.template_org = #", query.template()).and("s.status = #", query.status());
    var order = " ORDER BY b.id" + (query.newestFirst() ? " DESC" : "");
    var sql = "SELECT * FROM (SELECT * FROM provisioning.batches b " + STATUS + "WHERE " + where.sql() + order
        + " LIMIT " + where.parameter(query.page().fetchSize()) + ") b " + OBJECTS + order;
    return client.preparedQuery(sql).execute(where.values()).map(rows -> {
      var batches = new ArrayList<Batch>();
      rows.forEach(row -> batches.add(map(row)));
      return batches;
    });
  }

  private static Batch map(Row row) {
    var counts = new LinkedHashMap<String, Long>();
    Job.STATUSES.forEach(status -> counts.put(status, row.getLong(status)));
    return new Batch(row.getUUID("id"), row.getUUID("requested_by"), row.getUUID("template_org"),
        row.getUUID("group_id"), row.getInteger("concurrency"), row.getBoolean("dry_run"),
        row.getOffsetDateTime("created_at"), row.getString("status"), counts,
        new Counts(row.getLong("created"), row.getLong("updated"), row.getLong("unchanged")), owners(row));
  }

  /** The owner invitations' outcomes and their counts, as the SELECT aggregates them. */
  private static Map<String, Long> owners(Row row) {
    var owners = new HashMap<String, Long>();
    ((JsonObject) row.getValue("owners")).forEach(entry -> owners.put(entry.getKey(),
        ((Number) entry.getValue()).longValue()));
    return owners;
  }
}
