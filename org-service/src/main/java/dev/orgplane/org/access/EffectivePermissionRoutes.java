package dev.orgplane.org.access;

import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.http.QueryParameters;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

/**
 * {@code GET /v1/organizations/{org}/permissions/me}: what the caller may do in an organization, for a UI to show
 * and for the provisioning engine to ask instead of deciding from its own copy of the rules. Anyone in the
 * organization may ask, whatever their permissions: it tells them nothing about anyone else.
 */
public final class EffectivePermissionRoutes {

  private final Pool pool;

  public EffectivePermissionRoutes(Pool pool) {
    this.pool = pool;
  }

  public void mount(Router router) {
    QueryParameters.NONE.on(router.get("/v1/organizations/:org/permissions/me")).handler(this::mine);
  }

  private void mine(RoutingContext ctx) {
    AccessPolicy.effective(pool, BearerAuth.principal(ctx), ctx.pathParam("org"))
        .onSuccess(effective -> ctx.json(effective.toJson()))
        .onFailure(ctx::fail);
  }
}
