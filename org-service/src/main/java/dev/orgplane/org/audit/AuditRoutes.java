package dev.orgplane.org.audit;

import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.http.PageRequest;
import dev.orgplane.kit.http.Timestamps;
import dev.orgplane.org.access.AccessPolicy;
import dev.orgplane.org.role.PermissionCatalog;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;

/** {@code GET /v1/organizations/{org}/audit-events}, newest first. */
public final class AuditRoutes {

  private final Pool pool;

  public AuditRoutes(Pool pool) {
    this.pool = pool;
  }

  public void mount(Router router) {
    router.get("/v1/organizations/:org/audit-events").handler(this::list);
  }

  private void list(RoutingContext ctx) {
    var page = PageRequest.of(ctx);
    long before = page.afterNumber(Long.MAX_VALUE);
    AccessPolicy.require(pool, BearerAuth.principal(ctx), ctx.pathParam("org"), PermissionCatalog.AUDIT_LIST)
        .compose(access -> pool.preparedQuery("SELECT * FROM org.audit_events WHERE org_id = $1 AND id < $2 "
                + "ORDER BY id DESC LIMIT $3")
            .execute(Tuple.of(access.orgId(), before, page.fetchSize())))
        .map(rows -> {
          var list = new ArrayList<Row>();
          rows.forEach(list::add);
          return page.page(list, AuditRoutes::toJson, r -> String.valueOf(r.getLong("id")));
        })
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  private static JsonObject toJson(Row row) {
    return new JsonObject().put("id", String.valueOf(row.getLong("id"))).put("actor", row.getString("actor"))
        .put("action", row.getString("action")).put("target", row.getString("target"))
        .put("details", row.getJsonObject("details")).put("requestId", row.getString("request_id"))
        .put("jobId", row.getUUID("job_id") == null ? null : row.getUUID("job_id").toString())
        .put("createdAt", Timestamps.iso(row.getOffsetDateTime("created_at")));
  }
}
