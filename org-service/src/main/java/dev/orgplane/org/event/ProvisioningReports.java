package dev.orgplane.org.event;

import dev.orgplane.kit.db.BatchedPurge;
import dev.orgplane.org.audit.AuditLog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The provisioning engine's reports an organization has recorded, by the id the engine gives each report
 * ({@code org.provisioning_reports}). A report's id and its audit event are written by one statement, so a delivery
 * that finds its id there was recorded already and records nothing: what makes a delivery safe that its
 * Idempotency-Key no longer answers (answers are kept a day, ids two) or that came without one.
 */
public final class ProvisioningReports {

  /**
   * How long a report's id is kept: the engine gives a report up a day after its job ended, so no delivery of it comes
   * later than that.
   */
  private static final String KEPT = "2 days";

  /**
   * $1 the report's id, or null for a report that names none (an older engine's: recorded at every delivery, as
   * before); the event's parameters ({@link AuditLog#hookEventValues}) from $2.
   */
  private static final String RECORD = "WITH fresh AS (INSERT INTO org.provisioning_reports (org_id, report_id) "
      + "SELECT $2, $1 WHERE $1::uuid IS NOT NULL ON CONFLICT DO NOTHING RETURNING 1), "
      + "recorded AS (SELECT 1 FROM fresh UNION ALL SELECT 1 WHERE $1::uuid IS NULL), "
      + AuditLog.hookEventFor("recorded", 2) + " SELECT 1";

  /**
   * Many reports at once ({@link #recordAll}): $1-$4 the reports' organizations, ids, jobs and details; the events'
   * parameters ({@link AuditLog#hookEventsValues}) from $5. Answers the reports it recorded, not those recorded
   * already.
   */
  private static final String RECORD_ALL = "WITH given AS (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], "
      + "$4::text[]) AS g(org_id, report_id, job_id, details)), "
      + "fresh AS (INSERT INTO org.provisioning_reports (org_id, report_id) SELECT org_id, report_id FROM given "
      + "ON CONFLICT DO NOTHING RETURNING org_id, report_id), "
      + "recorded AS (SELECT g.org_id, 'job:' || g.job_id AS target, g.details::jsonb AS details, g.job_id "
      + "FROM given g JOIN fresh f USING (org_id, report_id)), "
      + AuditLog.hookEventsFor("recorded", 5) + " SELECT org_id, report_id FROM fresh";

  /**
   * $1 organizations' ids: those of them that exist, each held until the caller's transaction ends. FOR KEY SHARE is
   * the lock the foreign keys of a report's rows take, which a deletion waits for (and an organization's changes, for
   * as long as theirs last); taken in id order, the one order for the many rows a round names.
   */
  private static final String HOLD = "SELECT id FROM org.organizations WHERE id = ANY ($1) ORDER BY id FOR KEY SHARE";

  /** A report of {@link #recordAll}: its organization, its id, its job and its details. */
  record Report(UUID orgId, UUID reportId, UUID jobId, JsonObject details) {
  }

  private ProvisioningReports() {
  }

  /**
   * Audits each of {@code reports} (and queues it for the hooks) that its organization has not recorded already, in
   * one statement; answers the reports it recorded, as (organization, report id) pairs. {@code event} is {@link
   * AuditLog#hookEventsValues}.
   */
  static Future<Set<List<UUID>>> recordAll(SqlClient client, List<Report> reports, Object[] event) {
    if (reports.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    return client.preparedQuery(RECORD_ALL).execute(AuditLog.withEvent(event,
            reports.stream().map(Report::orgId).toArray(UUID[]::new),
            reports.stream().map(Report::reportId).toArray(UUID[]::new),
            reports.stream().map(Report::jobId).toArray(UUID[]::new),
            reports.stream().map(report -> report.details().encode()).toArray(String[]::new)))
        .map(rows -> {
          var recorded = new HashSet<List<UUID>>();
          rows.forEach(row -> recorded.add(List.of(row.getUUID("org_id"), row.getUUID("report_id"))));
          return recorded;
        });
  }

  /**
   * Of the organizations {@code orgIds}, those that still exist, held for the rest of {@code tx} so that none is
   * deleted before their reports are recorded. Deciding on rows read unlocked, a deletion committing between the
   * decision and the record made the foreign keys refuse the whole statement (409 {@code reference_gone}), every other
   * organization's report with it. A deletion under way is waited for here, and its organization left out; one
   * that comes later waits for the caller's transaction.
   */
  static Future<Set<UUID>> holdExisting(SqlClient tx, Collection<UUID> orgIds) {
    if (orgIds.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    return tx.preparedQuery(HOLD).execute(Tuple.of(orgIds.toArray(UUID[]::new))).map(rows -> {
      var held = new HashSet<UUID>();
      rows.forEach(row -> held.add(row.getUUID("id")));
      return held;
    });
  }

  /** Audits {@code event} (and queues it for the hooks) unless the organization recorded {@code reportId} already. */
  static Future<Void> recordOnce(SqlClient client, UUID reportId, Object[] event) {
    return client.preparedQuery(RECORD).execute(AuditLog.withEvent(event, reportId)).mapEmpty();
  }

  /** Drops the ids of reports recorded more than {@link #KEPT} ago (see {@link BatchedPurge#hourly}). */
  public static BatchedPurge expiredPurge(Pool pool) {
    return new BatchedPurge(pool, "ids of recorded provisioning reports", "DELETE FROM org.provisioning_reports "
        + "WHERE (org_id, report_id) IN (SELECT org_id, report_id FROM org.provisioning_reports "
        + "WHERE recorded_at < now() - interval '" + KEPT + "' LIMIT " + BatchedPurge.BATCH + ")", Tuple.tuple());
  }
}
