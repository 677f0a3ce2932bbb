package dev.orgplane.engine.batch;

import dev.orgplane.copy.api.Counts;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Batches and the counts of their jobs. Whether a batch is a dry run is read from its jobs, which are
 * queued together from one request and so are all dry runs or none.
 */
final class BatchRepository {

  private static final String SELECT = "SELECT b.*, coalesce((SELECT jsonb_object_agg(status, n) FROM "
      + "(SELECT status, count(*) AS n FROM provisioning.jobs j WHERE j.batch_id = b.id GROUP BY status) c), '{}') "
      + "AS counts, coalesce((SELECT bool_and(j.dry_run) FROM provisioning.jobs j WHERE j.batch_id = b.id), false) "
      + "AS dry_run, coalesce((SELECT jsonb_object_agg(owner_invitation, n) FROM (SELECT owner_invitation, "
      + "count(*) AS n FROM provisioning.jobs j WHERE j.batch_id = b.id AND j.owner_invitation IS NOT NULL "
      + "GROUP BY owner_invitation) i), '{}') AS owners, o.created, o.updated, o.unchanged "
      + "FROM provisioning.batches b CROSS JOIN LATERAL "
      + "(SELECT coalesce(sum(s.created), 0) AS created, coalesce(sum(s.updated), 0) AS updated, "
      + "coalesce(sum(s.unchanged), 0) AS unchanged FROM provisioning.jobs j "
      + "JOIN provisioning.job_steps s ON s.job_id = j.id WHERE j.batch_id = b.id) o ";

  private BatchRepository() {
  }

  static Future<Void> insert(SqlClient tx, UUID id, UUID requestedBy, UUID templateOrg, UUID groupId, int concurrency) {
    return tx.preparedQuery("INSERT INTO provisioning.batches (id, requested_by, template_org, group_id, concurrency) "
            + "VALUES ($1, $2, $3, $4, $5)")
        .execute(Tuple.of(id, requestedBy, templateOrg, groupId, concurrency)).mapEmpty();
  }

  static Future<Optional<Batch>> find(SqlClient client, UUID id) {
    return client.preparedQuery(SELECT + "WHERE b.id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next())));
  }

  /** A page of the batches {@code requestedBy} asked for; with a {@code scope}, only those whose template it is. */
  static Future<List<Batch>> list(SqlClient client, UUID requestedBy, UUID scope, UUID afterId, int limit) {
    return client.preparedQuery(SELECT + "WHERE b.requested_by = $1 AND b.id > $2 "
            + "AND ($4::uuid IS NULL OR b.template_org = $4) ORDER BY b.id LIMIT $3")
        .execute(Tuple.of(requestedBy, afterId, limit, scope))
        .map(rows -> {
          var batches = new ArrayList<Batch>();
          rows.forEach(row -> batches.add(map(row)));
          return batches;
        });
  }

  private static Batch map(Row row) {
    return new Batch(row.getUUID("id"), row.getUUID("requested_by"), row.getUUID("template_org"),
        row.getUUID("group_id"), row.getInteger("concurrency"), row.getBoolean("dry_run"),
        row.getOffsetDateTime("created_at"), tally(row, "counts"),
        new Counts(row.getLong("created"), row.getLong("updated"), row.getLong("unchanged")), tally(row, "owners"));
  }

  /** A JSON object of counts by key, as the SELECT aggregates them. */
  private static Map<String, Long> tally(Row row, String column) {
    var counts = new HashMap<String, Long>();
    var json = (io.vertx.core.json.JsonObject) row.getValue(column);
    json.forEach(entry -> counts.put(entry.getKey(), ((Number) entry.getValue()).longValue()));
    return counts;
  }
}
