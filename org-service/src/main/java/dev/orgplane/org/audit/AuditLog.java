package dev.orgplane.org.audit;

import dev.orgplane.kit.http.RequestIds;
import dev.orgplane.org.event.HookEvents;
import dev.orgplane.org.event.HookOutbox;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * Writes audit events; callers pass their transaction's connection so the event commits with the
 * change. An audited action that is also a hook event (same name) is queued for the organization's
 * hooks in the same transaction.
 *
 * <p>The provisioning engine names the job it works for in the {@value #JOB_HEADER} header, so a copy
 * can be traced end to end. The header is kept only when the actor is the provisioner, decided by the
 * insert itself from the users row: anyone else could send it to blame their changes on a job.
 */
public final class AuditLog {

  public static final String JOB_HEADER = "Orgplane-Job-Id";

  private AuditLog() {
  }

  public static Future<Void> record(SqlClient tx, RoutingContext ctx, UUID orgId, String actor, String action,
      String target, JsonObject details) {
    return tx.preparedQuery(RECORD)
        .execute(Tuple.from(parameters(ctx, orgId, actor, action, target, details)))
        .compose(done -> orgId != null && HookEvents.CATALOG.contains(action)
            ? HookOutbox.emit(tx, orgId, action, target, details) : Future.succeededFuture());
  }

  /**
   * The audit insert for a statement that writes its change and the audit event at once (a
   * data-modifying CTE): one event per row of {@code relation} (none if the change wrote nothing),
   * with its parameters numbered from {@code $first}; {@link #values} are those parameters. The
   * action must not be a hook event: those go through {@link #record}.
   */
  public static String insertFor(String relation, int first) {
    return INSERT + "SELECT " + values(first) + " FROM " + relation;
  }

  private static final String INSERT =
      "INSERT INTO org.audit_events (org_id, actor, action, target, details, request_id, job_id) ";
  private static final String RECORD = INSERT + "VALUES (" + values(1) + ")";

  private static String values(int first) {
    return "$" + first + ", $" + (first + 1) + ", $" + (first + 2) + ", $" + (first + 3) + ", $" + (first + 4) + ", $"
        + (first + 5) + ", CASE WHEN EXISTS (SELECT 1 FROM org.users u WHERE u.provisioner AND u.id::text = $"
        + (first + 1) + ") THEN $" + (first + 6) + "::uuid END";
  }

  public static Object[] values(RoutingContext ctx, UUID orgId, String actor, String action, String target,
      JsonObject details) {
    if (orgId != null && HookEvents.CATALOG.contains(action)) {
      throw new IllegalArgumentException(action + " is a hook event: record it with AuditLog.record");
    }
    return parameters(ctx, orgId, actor, action, target, details);
  }

  private static Object[] parameters(RoutingContext ctx, UUID orgId, String actor, String action, String target,
      JsonObject details) {
    return new Object[] {orgId, actor, action, target, details, RequestIds.of(ctx), jobId(ctx)};
  }

  /** The job the request says it belongs to; a header that is no UUID says nothing. */
  private static UUID jobId(RoutingContext ctx) {
    var header = ctx.request().getHeader(JOB_HEADER);
    if (header == null || header.trim().length() != 36) {
      return null;
    }
    try {
      return UUID.fromString(header.trim());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
