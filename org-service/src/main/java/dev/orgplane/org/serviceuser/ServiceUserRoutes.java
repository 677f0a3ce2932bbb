package dev.orgplane.org.serviceuser;

import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.auth.TokenRevocations;
import dev.orgplane.kit.db.TimeOrderedIds;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.EntityTags;
import dev.orgplane.kit.http.Ids;
import dev.orgplane.kit.http.PageRequest;
import dev.orgplane.kit.http.QueryParameters;
import dev.orgplane.kit.http.Replies;
import dev.orgplane.kit.http.Reply;
import dev.orgplane.kit.http.RequestBody;
import dev.orgplane.org.access.AccessPolicy;
import dev.orgplane.org.access.OrgAccess;
import dev.orgplane.org.audit.AuditLog;
import dev.orgplane.org.identity.Secrets;
import dev.orgplane.org.identity.SessionEnds;
import dev.orgplane.org.organization.OrganizationPaths;
import dev.orgplane.org.role.PermissionCatalog;
import dev.orgplane.org.role.RoleGrants;
import dev.orgplane.org.team.Teams;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.util.Set;
import java.util.UUID;

/**
 * Machine identities of one organization, with roles there: create, list, delete, and client
 * credentials (secret shown once; several per service user; each revocable).
 */
public final class ServiceUserRoutes {

  private final Pool pool;
  private final TokenRevocations revocations;

  public ServiceUserRoutes(Pool pool, TokenRevocations revocations) {
    this.pool = pool;
    this.revocations = revocations;
  }

  public void mount(Router router) {
    var base = "/v1/organizations/:org/service-users";
    QueryParameters.PAGING.on(router.get(base)).handler(this::list);
    QueryParameters.NONE.on(router.post(base)).handler(this::create);
    QueryParameters.NONE.on(router.get(base + "/:sid")).handler(this::get);
    QueryParameters.NONE.on(router.delete(base + "/:sid")).handler(this::delete);
    QueryParameters.NONE.on(router.post(base + "/:sid/credentials")).handler(this::newCredential);
    QueryParameters.NONE.on(router.delete(base + "/:sid/credentials/:cid")).handler(this::revoke);
  }

  private void list(RoutingContext ctx) {
    var page = PageRequest.of(ctx);
    var after = page.afterId();
    AccessPolicy.require(pool, BearerAuth.principal(ctx), ctx.pathParam("org"), PermissionCatalog.USER_LIST)
        .compose(access -> ServiceUserRepository.list(pool, access.orgId(), after, page.fetchSize()))
        .onSuccess(users -> ctx.json(page.page(users, user -> user, user -> user.getString("id"))))
        .onFailure(ctx::fail);
  }

  private void create(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var body = RequestBody.of(ctx, Set.of("name", "roles"));
    var name = body.line("name", 256, true);
    // the name is all that tells a service user apart in member lists and the audit trail
    if (name != null && name.isBlank()) {
      body.reject("name", "must not be blank");
    }
    var roles = body.stringList("roles", true);
    if (roles.contains("owner")) {
      body.reject("roles", "a service user cannot be an owner");
    }
    if (body.has("roles") && roles.isEmpty()) {
      body.reject("roles", "must name at least one role");
    }
    body.validate();
    var id = TimeOrderedIds.next();
    pool.withTransaction(tx -> AccessPolicy.require(tx, principal, ctx.pathParam("org"), PermissionCatalog.USER_MANAGE,
                true)
            .compose(access -> RoleGrants.requireGrantable(tx, access, roles)
                .compose(v -> ServiceUserRepository.insert(tx, access.orgId(), id, name, roles))
                .compose(v -> audit(tx, ctx, access, "service_user.created", id))
                .compose(v -> ServiceUserRepository.find(tx, access.orgId(), id)).map(java.util.Optional::orElseThrow)
                .compose(user -> Replies.keep(tx, ctx,
                    Reply.created(OrganizationPaths.of(access.orgId(), "service-users", id), user)))))
        .onSuccess(reply -> reply.send(ctx))
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    var id = Ids.uuid(ctx.pathParam("sid"), "sid");
    AccessPolicy.require(pool, BearerAuth.principal(ctx), ctx.pathParam("org"), PermissionCatalog.USER_LIST)
        .compose(access -> ServiceUserRepository.find(pool, access.orgId(), id))
        .map(found -> found.orElseThrow(ServiceUserRoutes::notFound))
        .onSuccess(found -> EntityTags.reply(ctx, found))
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var id = Ids.uuid(ctx.pathParam("sid"), "sid");
    pool.withTransaction(tx -> AccessPolicy.require(tx, principal, ctx.pathParam("org"), PermissionCatalog.USER_MANAGE,
                true)
            .compose(access -> ServiceUserRepository.find(tx, access.orgId(), id)
                .map(found -> {
                  EntityTags.requireMatch(ctx, found.orElseThrow(ServiceUserRoutes::notFound), "The service user");
                  return found;
                })
                .compose(found -> RoleGrants.requireNotAbove(tx, access, id))
                .compose(v -> Teams.leaveAll(tx, ctx, access.orgId(), id, principal.subject(), "service_user_deleted"))
                .compose(v -> CredentialReach.revokeAllMadeBy(tx, ctx, revocations, id))
                .compose(v -> SessionEnds.next(tx, id))
                .compose(end -> ServiceUserRepository.delete(tx, access.orgId(), id, end)
                    .compose(deleted -> deleted ? audit(tx, ctx, access, "service_user.deleted", id).map(end)
                        : Future.<Long>failedFuture(notFound())))))
        .onSuccess(end -> {
          // as a person's deletion does: refused here and by the engine in this process at once, not at their reload
          revocations.markEnded(id.toString(), end);
          Replies.noContent(ctx);
        })
        .onFailure(ctx::fail);
  }

  private void newCredential(RoutingContext ctx) {
    var id = Ids.uuid(ctx.pathParam("sid"), "sid");
    var clientId = UUID.randomUUID();
    var secret = Secrets.newSecret("ocs_");
    pool.withTransaction(tx -> manager(tx, ctx, id)
            .compose(access -> CredentialLimits.requireRoomForSecret(tx, id)
                .compose(v -> ServiceUserRepository.addCredential(tx, id, clientId, Secrets.hash(secret),
                    access.userId()))
                .compose(v -> audit(tx, ctx, access, "service_user.credential_created", id, details(clientId)))
                .compose(v -> Replies.keep(tx, ctx,
                    Reply.created(OrganizationPaths.of(access.orgId(), "service-users", id, "credentials", clientId),
                        new JsonObject().put("clientId", clientId.toString()).put("clientSecret", secret))
                        .showingSecret()))))
        .onSuccess(reply -> reply.send(ctx))
        .onFailure(ctx::fail);
  }

  private void revoke(RoutingContext ctx) {
    var id = Ids.uuid(ctx.pathParam("sid"), "sid");
    var clientId = Ids.uuid(ctx.pathParam("cid"), "cid");
    pool.withTransaction(tx -> manager(tx, ctx, id)
            .compose(access -> ServiceUserRepository.revokeCredential(tx, access.orgId(), id, clientId)
                .compose(revoked -> revoked ? audit(tx, ctx, access, "service_user.credential_revoked", id,
                    details(clientId))
                    : Future.failedFuture(ApiException.notFound("credential_not_found", "No such active credential.")))))
        .onSuccess(v -> {
          revocations.markRevoked(clientId.toString());
          Replies.noContent(ctx);
        })
        .onFailure(ctx::fail);
  }

  /**
   * The caller's access, once they may manage the credentials of the service user {@code id}: the organization has
   * that service user (else 404 {@code service_user_not_found}), they manage the organization's users and hold every
   * permission it holds (so no credential reaches more than its maker; raising the service user later revokes what
   * its makers no longer outrank, see {@link CredentialReach}). The service user is looked for first: asked
   * of a person's id, the ranking answered 403 listing the permissions of that member the caller lacked. Decided
   * under the organization's row, which changes of roles hold too (as are creating and deleting a service user, which
   * rank the caller the same way): a caller demoted, or a service user raised above them, by a change that held the
   * row while this waited for it is refused, where the roles read before the wait let them act.
   */
  static Future<OrgAccess> manager(SqlClient tx, RoutingContext ctx, UUID id) {
    return AccessPolicy.require(tx, BearerAuth.principal(ctx), ctx.pathParam("org"), PermissionCatalog.USER_MANAGE,
            true)
        .compose(access -> ServiceUserRepository.find(tx, access.orgId(), id)
            .compose(found -> found.isPresent() ? RoleGrants.requireNotAbove(tx, access, id)
                : Future.failedFuture(notFound()))
            .map(access));
  }

  private static Future<Void> audit(SqlConnection tx, RoutingContext ctx, OrgAccess access, String action, UUID id) {
    return audit(tx, ctx, access, action, id, new JsonObject());
  }

  static Future<Void> audit(SqlClient tx, RoutingContext ctx, OrgAccess access, String action, UUID id,
      JsonObject details) {
    return AuditLog.record(tx, ctx, access.orgId(), BearerAuth.principal(ctx).subject(), action, "service_user:" + id,
        details);
  }

  /** What a client credential's audit events name: which of the service user's credentials it was. */
  private static JsonObject details(UUID clientId) {
    return new JsonObject().put("clientId", clientId.toString());
  }

  static ApiException notFound() {
    return ApiException.notFound("service_user_not_found", "No such service user in this organization.");
  }
}
