package dev.orgplane.org.team;

import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.Ids;
import dev.orgplane.kit.http.PageRequest;
import dev.orgplane.kit.http.Replies;
import dev.orgplane.kit.http.RequestBody;
import dev.orgplane.org.access.AccessPolicy;
import dev.orgplane.org.access.OrgAccess;
import dev.orgplane.org.audit.AuditLog;
import dev.orgplane.org.role.PermissionCatalog;
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
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Teams of an organization ({@code /v1/organizations/{org}/groups}) and their members. Only members
 * of the organization can be in its teams; leaving the organization leaves its teams too.
 */
public final class TeamRoutes {

  private static final Pattern NAME = Pattern.compile("[a-z0-9_-]{2,63}");
  private static final Set<String> FIELDS = Set.of("name", "title", "metadata", "userIds");

  private final Pool pool;

  public TeamRoutes(Pool pool) {
    this.pool = pool;
  }

  public void mount(Router router) {
    var base = "/v1/organizations/:org/groups";
    router.get(base).handler(this::list);
    router.post(base).handler(this::create);
    router.get(base + "/:gid").handler(this::get);
    router.patch(base + "/:gid").handler(this::update);
    router.delete(base + "/:gid").handler(this::delete);
    router.get(base + "/:gid/users").handler(this::members);
    router.post(base + "/:gid/users").handler(this::addMembers);
    router.delete(base + "/:gid/users/:uid").handler(this::removeMember);
  }

  private void list(RoutingContext ctx) {
    var page = PageRequest.of(ctx);
    AccessPolicy.require(pool, BearerAuth.principal(ctx), ctx.pathParam("org"), PermissionCatalog.TEAM_LIST)
        .compose(access -> TeamRepository.list(pool, access.orgId(), page.after(), page.fetchSize()))
        .onSuccess(teams -> ctx.json(page.page(teams, Team::toJson, Team::name)))
        .onFailure(ctx::fail);
  }

  private void create(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var body = RequestBody.of(ctx, FIELDS);
    var name = body.matching("name", NAME, "must be 2-63 characters of a-z, 0-9, _ and -", true);
    var title = body.optionalString("title", 256);
    var metadata = body.optionalObject("metadata");
    var userIds = body.stringList("userIds", false);
    body.validate();
    var members = userIds.stream().map(id -> Ids.uuid(id, "userIds")).toList();
    var teamId = UUID.randomUUID();
    pool.withTransaction(tx -> AccessPolicy.require(tx, principal, ctx.pathParam("org"), PermissionCatalog.TEAM_MANAGE)
            .compose(access -> TeamRepository.insert(tx, access.orgId(), teamId, name, title == null ? "" : title,
                    metadata == null ? new JsonObject() : metadata)
                .compose(team -> add(tx, access, teamId, members))
                .compose(added -> audit(tx, ctx, access, "team.created", teamId))
                .compose(v -> TeamRepository.find(tx, access.orgId(), teamId)).map(java.util.Optional::orElseThrow)))
        .recover(TeamRoutes::nameTaken)
        .onSuccess(team -> Replies.created(ctx, ctx.request().path() + "/" + team.id(), team.toJson()))
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    var teamId = Ids.uuid(ctx.pathParam("gid"), "gid");
    AccessPolicy.require(pool, BearerAuth.principal(ctx), ctx.pathParam("org"), PermissionCatalog.TEAM_LIST)
        .compose(access -> existing(pool, access, teamId))
        .onSuccess(team -> ctx.json(team.toJson()))
        .onFailure(ctx::fail);
  }

  private void update(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var teamId = Ids.uuid(ctx.pathParam("gid"), "gid");
    var body = RequestBody.of(ctx, Set.of("name", "title", "metadata"));
    var name = body.matching("name", NAME, "must be 2-63 characters of a-z, 0-9, _ and -", false);
    var title = body.optionalString("title", 256);
    var metadata = body.optionalObject("metadata");
    body.validate();
    pool.withTransaction(tx -> AccessPolicy.require(tx, principal, ctx.pathParam("org"), PermissionCatalog.TEAM_MANAGE)
            .compose(access -> TeamRepository.update(tx, access.orgId(), teamId, name, title, metadata)
                .compose(updated -> updated ? audit(tx, ctx, access, "team.updated", teamId)
                    : Future.failedFuture(teamNotFound()))
                .compose(v -> existing(tx, access, teamId))))
        .recover(TeamRoutes::nameTaken)
        .onSuccess(team -> ctx.json(team.toJson()))
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var teamId = Ids.uuid(ctx.pathParam("gid"), "gid");
    pool.withTransaction(tx -> AccessPolicy.require(tx, principal, ctx.pathParam("org"), PermissionCatalog.TEAM_MANAGE)
            .compose(access -> TeamRepository.delete(tx, access.orgId(), teamId)
                .compose(deleted -> deleted ? audit(tx, ctx, access, "team.deleted", teamId)
                    : Future.failedFuture(teamNotFound()))))
        .onSuccess(v -> Replies.noContent(ctx))
        .onFailure(ctx::fail);
  }

  private void members(RoutingContext ctx) {
    var teamId = Ids.uuid(ctx.pathParam("gid"), "gid");
    AccessPolicy.require(pool, BearerAuth.principal(ctx), ctx.pathParam("org"), PermissionCatalog.TEAM_LIST)
        .compose(access -> existing(pool, access, teamId).compose(team -> TeamRepository.members(pool, access.orgId(), teamId)))
        .onSuccess(members -> ctx.json(new JsonObject().put("items", new JsonArray(List.copyOf(members)))
            .put("nextCursor", null)))
        .onFailure(ctx::fail);
  }

  private void addMembers(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var teamId = Ids.uuid(ctx.pathParam("gid"), "gid");
    var body = RequestBody.of(ctx, Set.of("userIds"));
    var userIds = body.stringList("userIds", true);
    body.validate();
    var members = userIds.stream().map(id -> Ids.uuid(id, "userIds")).toList();
    pool.withTransaction(tx -> AccessPolicy.require(tx, principal, ctx.pathParam("org"), PermissionCatalog.TEAM_MANAGE)
            .compose(access -> existing(tx, access, teamId)
                .compose(team -> add(tx, access, teamId, members))
                .compose(added -> audit(tx, ctx, access, "team.members_added", teamId).map(added))))
        .onSuccess(added -> Replies.json(ctx, 200, new JsonObject().put("added", added)))
        .onFailure(ctx::fail);
  }

  private void removeMember(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var teamId = Ids.uuid(ctx.pathParam("gid"), "gid");
    var userId = Ids.uuid(ctx.pathParam("uid"), "uid");
    pool.withTransaction(tx -> AccessPolicy.require(tx, principal, ctx.pathParam("org"), PermissionCatalog.TEAM_MANAGE)
            .compose(access -> TeamRepository.removeMember(tx, access.orgId(), teamId, userId)
                .compose(removed -> removed ? audit(tx, ctx, access, "team.member_removed", teamId)
                    : Future.failedFuture(ApiException.notFound("member_not_found", "That user is not in this team.")))))
        .onSuccess(v -> Replies.noContent(ctx))
        .onFailure(ctx::fail);
  }

  /** Adds organization members to the team; anyone else is refused by name (422). */
  private static Future<Integer> add(SqlConnection tx, OrgAccess access, UUID teamId, List<UUID> userIds) {
    if (userIds.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return TeamRepository.nonMembers(tx, access.orgId(), userIds).compose(strangers -> strangers.isEmpty()
        ? TeamRepository.addMembers(tx, access.orgId(), teamId, userIds)
        : Future.failedFuture(new ApiException(422, "not_a_member", "Only members of the organization can join its teams.",
            strangers.stream().map(id -> new ApiException.FieldError("userIds", id.toString())).toList())));
  }

  private static Future<Team> existing(io.vertx.sqlclient.SqlClient client, OrgAccess access, UUID teamId) {
    return TeamRepository.find(client, access.orgId(), teamId).map(team -> team.orElseThrow(TeamRoutes::teamNotFound));
  }

  private static Future<Void> audit(SqlConnection tx, RoutingContext ctx, OrgAccess access, String action, UUID teamId) {
    return AuditLog.record(tx, ctx, access.orgId(), BearerAuth.principal(ctx).subject(), action, "team:" + teamId,
        new JsonObject());
  }

  private static ApiException teamNotFound() {
    return ApiException.notFound("group_not_found", "No such group in this organization.");
  }

  private static <T> Future<T> nameTaken(Throwable failure) {
    if (failure instanceof PgException pg && "23505".equals(pg.getSqlState())
        && TeamRepository.NAME_TAKEN_CONSTRAINT.equals(pg.getConstraint())) {
      return Future.failedFuture(ApiException.conflict("group_name_taken", "This organization has a group of that name."));
    }
    return Future.failedFuture(failure);
  }
}
