package dev.orgplane.org.event;

import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.db.SqlTimestamps;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.Ids;
import dev.orgplane.kit.http.PageRequest;
import dev.orgplane.org.audit.LogCursor;
import dev.orgplane.kit.http.Timestamps;
import dev.orgplane.org.access.AccessPolicy;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;

/** {@code GET /v1/organizations/{org}/hooks/{id}/deliveries}: each delivery with its attempts, newest first. */
public final class DeliveryRoutes {

  private final Pool pool;

  public DeliveryRoutes(Pool pool) {
    this.pool = pool;
  }

  public void mount(Router router) {
    router.get("/v1/organizations/:org/hooks/:id/deliveries").handler(this::list);
  }

  private void list(RoutingContext ctx) {
    var hookId = Ids.uuid(ctx.pathParam("id"), "id");
    var page = PageRequest.of(ctx);
    AccessPolicy.require(pool, BearerAuth.principal(ctx), ctx.pathParam("org"), "app_hook_get")
        .compose(access -> pool.preparedQuery("SELECT 1 FROM org.hooks WHERE org_id = $1 AND id = $2")
            .execute(Tuple.of(access.orgId(), hookId))
            .map(found -> {
              if (found.size() == 0) {
                throw ApiException.notFound("hook_not_found", "No such hook in this organization.");
              }
              return access;
            }))
        .compose(access -> LogCursor.before(pool, "org.hook_deliveries", access.orgId(), page)
            .compose(before -> pool.preparedQuery("SELECT d.id, d.public_id, d.event, d.state, d.attempts, d.created_at, "
                + "COALESCE((SELECT jsonb_agg(jsonb_build_object('attempt', a.attempt, 'statusCode', a.status_code, "
                + "'error', a.error, 'durationMs', a.duration_ms, 'at', " + SqlTimestamps.iso("a.attempted_at")
                + ") ORDER BY a.attempt) "
                + "FROM org.hook_delivery_attempts a WHERE a.delivery_id = d.id), '[]'::jsonb) AS tries "
                + "FROM org.hook_deliveries d WHERE d.org_id = $1 AND d.hook_id = $2 AND d.id < $3 "
                + "ORDER BY d.id DESC LIMIT $4")
            .execute(Tuple.of(access.orgId(), hookId, before, page.fetchSize()))))
        .map(rows -> {
          var list = new ArrayList<Row>();
          rows.forEach(list::add);
          return page.page(list, DeliveryRoutes::toJson, LogCursor::of);
        })
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  private static JsonObject toJson(Row row) {
    return new JsonObject().put("id", row.getUUID("public_id").toString()).put("event", row.getString("event"))
        .put("state", row.getString("state")).put("attempts", (JsonArray) row.getValue("tries"))
        .put("createdAt", Timestamps.iso(row.getOffsetDateTime("created_at")));
  }
}
