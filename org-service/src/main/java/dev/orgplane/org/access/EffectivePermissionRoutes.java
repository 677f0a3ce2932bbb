package dev.orgplane.org.access;

import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.Ids;
import dev.orgplane.kit.http.QueryParameters;
import dev.orgplane.org.role.PermissionCatalog;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

/**
 * {@code GET /v1/organizations/{org}/permissions/me}: what the caller may do in an organization, for a UI to show
 * and for the provisioning engine to ask instead of deciding from its own copy of the rules. Anyone in the
 * organization may ask, whatever their permissions: it tells them nothing about anyone else.
 * {@code GET /v1/organizations/{org}/permissions/{uid}}: what someone else may do there, which only the engine asks.
 */
public final class EffectivePermissionRoutes {

  private final Pool pool;

  public EffectivePermissionRoutes(Pool pool) {
    this.pool = pool;
  }

  public void mount(Router router) {
    QueryParameters.NONE.on(MembersOnlyErrors.openWhileDisabled(router,
        router.get("/v1/organizations/:org/permissions/me"))).handler(this::mine);
    QueryParameters.NONE.on(router.get("/v1/organizations/:org/permissions/:uid")).handler(this::someones);
  }

  private void mine(RoutingContext ctx) {
    AccessPolicy.effective(pool, BearerAuth.principal(ctx), ctx.pathParam("org"))
        .onSuccess(effective -> ctx.json(effective.toJson()))
        .onFailure(ctx::fail);
  }

  /**
   * The engine runs a job with its own identity, for whoever queued it, whose token it does not hold: it asks here
   * whether they still may, when a run starts. Anyone else in the organization is refused (403, {@code
   * organization_disabled} to a member of a disabled one as everything there is), and to anyone outside it the
   * organization is missing (404), as everything in it is. Someone who is not in the organization may do nothing there
   * ({@code via} {@code none}).
   */
  private void someones(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var userId = Ids.uuid(ctx.pathParam("uid"), "uid");
    var org = ctx.pathParam("org");
    AccessPolicy.caller(pool, principal)
        .compose(caller -> caller.provisioner() ? AccessPolicy.require(pool, principal, org, PermissionCatalog.ORG_GET)
            : AccessPolicy.standing(pool, principal, org).compose(standing -> Future.<OrgAccess>failedFuture(
                switch (standing) {
                  case OUTSIDE -> AccessPolicy.notFound();
                  case HELD_OFF -> AccessPolicy.organizationDisabled();
                  case IN -> ApiException.forbidden("forbidden",
                      "Only the provisioning engine asks what someone else may do.");
                })))
        .compose(engine -> AccessPolicy.effectiveOf(pool, userId, engine.orgId())
            .map(theirs -> theirs.map(EffectivePermissions::toJson)
                .orElseGet(() -> EffectivePermissions.nothing(engine.orgId()))))
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }
}
