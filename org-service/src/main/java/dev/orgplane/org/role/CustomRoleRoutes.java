package dev.orgplane.org.role;

import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.Ids;
import dev.orgplane.kit.http.Replies;
import dev.orgplane.kit.http.RequestBody;
import dev.orgplane.org.access.AccessPolicy;
import dev.orgplane.org.access.OrgAccess;
import dev.orgplane.org.audit.AuditLog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Custom roles of one organization, built only from catalog permissions. A role that is still
 * assigned cannot be deleted; a rename carries its assignments along.
 */
public final class CustomRoleRoutes {

  private static final Pattern NAME = Pattern.compile("[a-z0-9_-]{2,63}");
  private static final Set<String> FIELDS = Set.of("name", "title", "permissions", "metadata");

  private final Pool pool;

  public CustomRoleRoutes(Pool pool) {
    this.pool = pool;
  }

  public void mount(Router router) {
    router.get("/v1/organizations/:org/roles").handler(this::list);
    router.post("/v1/organizations/:org/roles").handler(this::create);
    router.get("/v1/organizations/:org/roles/:rid").handler(this::get);
    router.patch("/v1/organizations/:org/roles/:rid").handler(this::update);
    router.delete("/v1/organizations/:org/roles/:rid").handler(this::delete);
  }

  /** What a create or update body says; absent fields are null. */
  private record RoleFields(String name, String title, List<String> permissions, JsonObject metadata) {

    static RoleFields read(RequestBody body, boolean creating) {
      var name = body.matching("name", NAME, "must be 2-63 characters of a-z, 0-9, _ and -", creating);
      if (name != null && PermissionCatalog.isPredefined(name)) {
        body.reject("name", "is the name of a predefined role");
      }
      var title = body.optionalString("title", 256);
      var permissions = body.has("permissions") || creating ? body.stringList("permissions", creating) : null;
      if (permissions != null) {
        permissions.stream().filter(p -> !PermissionCatalog.PERMISSIONS.containsKey(p))
            .forEach(p -> body.reject("permissions", "unknown permission " + p));
      }
      var metadata = body.optionalObject("metadata");
      body.validate();
      return new RoleFields(name, title, permissions, metadata);
    }
  }

  private void list(RoutingContext ctx) {
    AccessPolicy.require(pool, BearerAuth.principal(ctx), ctx.pathParam("org"), PermissionCatalog.ORG_GET)
        .compose(access -> CustomRoleRepository.list(pool, access.orgId()))
        .onSuccess(roles -> ctx.json(new JsonObject().put("nextCursor", null)
            .put("items", new JsonArray(roles.stream().map(CustomRole::toJson).toList()))))
        .onFailure(ctx::fail);
  }

  private void create(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var fields = RoleFields.read(RequestBody.of(ctx, FIELDS), true);
    pool.withTransaction(tx -> AccessPolicy.require(tx, principal, ctx.pathParam("org"), PermissionCatalog.ROLE_MANAGE)
            .compose(access -> CustomRoleRepository.insert(tx, access.orgId(), fields.name(),
                    fields.title() == null ? "" : fields.title(), fields.permissions(),
                    fields.metadata() == null ? new JsonObject() : fields.metadata())
                .compose(role -> audit(tx, ctx, access, "role.created", role).map(role))))
        .recover(CustomRoleRoutes::nameTaken)
        .onSuccess(role -> Replies.created(ctx, "/v1/organizations/" + role.orgId() + "/roles/" + role.id(),
            role.toJson()))
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    var roleId = Ids.uuid(ctx.pathParam("rid"), "rid");
    AccessPolicy.require(pool, BearerAuth.principal(ctx), ctx.pathParam("org"), PermissionCatalog.ORG_GET)
        .compose(access -> CustomRoleRepository.find(pool, access.orgId(), roleId, false))
        .map(role -> role.orElseThrow(CustomRoleRoutes::roleNotFound))
        .onSuccess(role -> ctx.json(role.toJson()))
        .onFailure(ctx::fail);
  }

  private void update(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var roleId = Ids.uuid(ctx.pathParam("rid"), "rid");
    var fields = RoleFields.read(RequestBody.of(ctx, FIELDS), false);
    pool.withTransaction(tx -> AccessPolicy.require(tx, principal, ctx.pathParam("org"), PermissionCatalog.ROLE_MANAGE)
            .compose(access -> CustomRoleRepository.find(tx, access.orgId(), roleId, true)
                .map(found -> found.orElseThrow(CustomRoleRoutes::roleNotFound))
                .compose(current -> {
                  var changed = new CustomRole(current.id(), current.orgId(),
                      fields.name() != null ? fields.name() : current.name(),
                      fields.title() != null ? fields.title() : current.title(),
                      fields.permissions() != null ? fields.permissions() : current.permissions(),
                      fields.metadata() != null ? fields.metadata() : current.metadata(),
                      current.createdAt(), current.updatedAt());
                  return CustomRoleRepository.update(tx, changed)
                      .compose(role -> CustomRoleRepository.renameAssignments(tx, access.orgId(), current.name(),
                          role.name()).map(role));
                })
                .compose(role -> audit(tx, ctx, access, "role.updated", role).map(role))))
        .recover(CustomRoleRoutes::nameTaken)
        .onSuccess(role -> ctx.json(role.toJson()))
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var roleId = Ids.uuid(ctx.pathParam("rid"), "rid");
    pool.withTransaction(tx -> AccessPolicy.require(tx, principal, ctx.pathParam("org"), PermissionCatalog.ROLE_MANAGE,
                true)
            .compose(access -> CustomRoleRepository.find(tx, access.orgId(), roleId, true)
                .map(found -> found.orElseThrow(CustomRoleRoutes::roleNotFound))
                .compose(role -> CustomRoleRepository.assignments(tx, access.orgId(), role.name())
                    .compose(count -> count > 0
                        ? Future.<Void>failedFuture(ApiException.conflict("role_in_use",
                            "The role is assigned to " + count + " member(s); reassign them first."))
                        : CustomRoleRepository.delete(tx, access.orgId(), role.id()))
                    .compose(v -> audit(tx, ctx, access, "role.deleted", role)))))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private static Future<Void> audit(SqlConnection tx, RoutingContext ctx, OrgAccess access, String action,
      CustomRole role) {
    return AuditLog.record(tx, ctx, access.orgId(), BearerAuth.principal(ctx).subject(), action, "role:" + role.id(),
        new JsonObject().put("name", role.name()).put("permissions", new JsonArray(role.permissions())));
  }

  private static ApiException roleNotFound() {
    return ApiException.notFound("role_not_found", "No such role in this organization.");
  }

  private static <T> Future<T> nameTaken(Throwable failure) {
    if (failure instanceof PgException pg && "23505".equals(pg.getSqlState())
        && CustomRoleRepository.NAME_TAKEN_CONSTRAINT.equals(pg.getConstraint())) {
      return Future.failedFuture(ApiException.conflict("role_name_taken", "This organization has a role of that name."));
    }
    return Future.failedFuture(failure);
  }
}
