package dev.orgplane.org.event;

import dev.orgplane.kit.db.BatchedPurge;
import dev.orgplane.org.audit.AuditLog;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
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

  private ProvisioningReports() {
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
