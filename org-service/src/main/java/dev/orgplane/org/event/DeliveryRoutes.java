package dev.orgplane.org.event;

import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.Ids;
import dev.orgplane.kit.http.PageRequest;
import dev.orgplane.kit.http.QueryParameters;
import dev.orgplane.org.access.AccessPolicy;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;

/**
 * {@code GET /v1/organizations/{org}/hooks/{id}/deliveries}: each delivery with its attempts, newest first; and
 * {@code GET .../deliveries/{did}}: one of them.
 */
public final class DeliveryRoutes {

  private final Pool pool;
  /** {@link DeliveryRetention#days}: a page's cursor may name a delivery purged since. */
  private final int retentionDays;

  public DeliveryRoutes(Pool pool, int retentionDays) {
    this.pool = pool;
    this.retentionDays = retentionDays;
  }

  public void mount(Router router) {
    QueryParameters.PAGING.on(router.get("/v1/organizations/:org/hooks/:id/deliveries")).handler(this::list);
    QueryParameters.NONE.on(router.get("/v1/organizations/:org/hooks/:id/deliveries/:did")).handler(this::get);
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
        .compose(access -> DeliveryCursor.before(pool, access.orgId(), hookId, retentionDays, page)
            .compose(before -> pool.preparedQuery("SELECT " + DeliveryView.COLUMNS + " FROM org.hook_deliveries d "
                    + "WHERE d.org_id = $1 AND d.hook_id = $2 AND d.id < $3 ORDER BY d.id DESC LIMIT $4")
                .execute(Tuple.of(access.orgId(), hookId, before, page.fetchSize()))))
        .map(rows -> {
          var list = new ArrayList<Row>();
          rows.forEach(list::add);
          return page.page(list, DeliveryView::toJson, DeliveryCursor.of(hookId));
        })
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    var hookId = Ids.uuid(ctx.pathParam("id"), "id");
    var deliveryId = Ids.uuid(ctx.pathParam("did"), "did");
    AccessPolicy.require(pool, BearerAuth.principal(ctx), ctx.pathParam("org"), "app_hook_get")
        .compose(access -> pool.preparedQuery("SELECT " + DeliveryView.COLUMNS + " FROM org.hook_deliveries d "
                + "WHERE d.org_id = $1 AND d.hook_id = $2 AND d.public_id = $3")
            .execute(Tuple.of(access.orgId(), hookId, deliveryId)))
        .map(rows -> {
          if (rows.size() == 0) {
            throw notFound();
          }
          return DeliveryView.toJson(rows.iterator().next());
        })
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  /** No such delivery of that hook, or no such hook, in this organization. */
  static ApiException notFound() {
    return ApiException.notFound("delivery_not_found", "No such delivery of this hook in this organization.");
  }
}
