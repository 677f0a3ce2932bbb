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
 */
public final class AuditLog {

  private AuditLog() {
  }

  public static Future<Void> record(SqlClient tx, RoutingContext ctx, UUID orgId, String actor, String action,
      String target, JsonObject details) {
    return tx.preparedQuery("INSERT INTO org.audit_events (org_id, actor, action, target, details, request_id) "
            + "VALUES ($1, $2, $3, $4, $5, $6)")
        .execute(Tuple.of(orgId, actor, action, target, details, RequestIds.of(ctx)))
        .compose(done -> orgId != null && HookEvents.CATALOG.contains(action)
            ? HookOutbox.emit(tx, orgId, action, target, details) : Future.succeededFuture());
  }
}
