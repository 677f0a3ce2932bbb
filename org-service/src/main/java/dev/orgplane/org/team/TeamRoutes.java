package dev.orgplane.org.team;

import dev.orgplane.copy.api.Existing;
import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.db.TimeOrderedIds;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.EntityTags;
import dev.orgplane.kit.http.Ids;
import dev.orgplane.kit.http.ImportBatch;
import dev.orgplane.kit.http.ListOrder;
import dev.orgplane.kit.http.PageRequest;
import dev.orgplane.kit.http.QueryParameters;
import dev.orgplane.kit.http.RefusedValues;
import dev.orgplane.kit.http.Replies;
import dev.orgplane.kit.http.Reply;
import dev.orgplane.kit.http.RequestBody;
import dev.orgplane.org.access.AccessPolicy;
import dev.orgplane.org.access.OrgAccess;
import dev.orgplane.org.audit.AuditLog;
import dev.orgplane.org.organization.OrganizationPaths;
import dev.orgplane.org.provisioner.CopyIds;
import dev.orgplane.org.provisioner.ExistingCopies;
import dev.orgplane.org.provisioner.Imported;
import dev.orgplane.org.provisioner.TakenIds;
import dev.orgplane.org.provisioner.WantedNames;
import dev.orgplane.org.role.PermissionCatalog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Teams of an organization ({@code /v1/organizations/{org}/groups}) and their members. Only members
 * of the organization can be in its teams; leaving the organization leaves its teams too.
 * {@code PUT} with a chosen id is the import form provisioning uses: it sets the whole team, member
 * list included. Every write decides on the caller's rights once it holds the organization's row
 * ({@link AccessPolicy#require}): a manager demoted or removed meanwhile changes no team.
 */
public final class TeamRoutes {

  /** Team names, unique per organization, as a batch import frees them. */
  static final WantedNames.Kind NAMES = new WantedNames.Kind("teams", "group_name_taken", "group");

  private final Pool pool;

  public TeamRoutes(Pool pool) {
    this.pool = pool;
  }

  public void mount(Router router) {
    var base = "/v1/organizations/:org/groups";
    QueryParameters.NONE.on(router.postWithRegex("/v1/organizations/(?<org>[^/]+)/groups:batch")).handler(this::importBatch);
    QueryParameters.list("include", ListOrder.PARAMETER).on(router.get(base)).handler(this::list);
    QueryParameters.NONE.on(router.post(base)).handler(this::create);
    QueryParameters.NONE.on(router.get(base + "/:gid")).handler(this::get);
    QueryParameters.NONE.on(router.put(base + "/:gid")).handler(this::put);
    QueryParameters.NONE.on(router.patch(base + "/:gid")).handler(this::update);
    QueryParameters.NONE.on(router.delete(base + "/:gid")).handler(this::delete);
    QueryParameters.PAGING.on(router.get(base + "/:gid/users")).handler(this::members);
    QueryParameters.NONE.on(router.post(base + "/:gid/users")).handler(this::addMembers);
    QueryParameters.NONE.on(router.get(base + "/:gid/users/:uid")).handler(this::member);
    QueryParameters.NONE.on(router.delete(base + "/:gid/users/:uid")).handler(this::removeMember);
  }

  /**
   * {@code ?include=userIds} adds each team's member ids (for copies, which need them), on pages that end early once
   * they name {@link TeamRepository#MEMBER_IDS_PER_PAGE}; by name, or with {@code order=id} by id, as a copy pages
   * ({@link ListOrder}).
   */
  private void list(RoutingContext ctx) {
    var page = PageRequest.of(ctx);
    var order = ListOrder.read(ctx.queryParams());
    var after = order.after(page);
    var include = ctx.queryParams().get("include");
    if (include != null && !include.equals("userIds")) {
      throw ApiException.badRequest("invalid_include", "include may only be userIds.");
    }
    AccessPolicy.require(pool, BearerAuth.principal(ctx), ctx.pathParam("org"), PermissionCatalog.TEAM_LIST)
        .compose(access -> TeamRepository.list(pool, access.orgId(), order, after, page.fetchSize(),
            include != null))
        .onSuccess(teams -> ctx.json((include == null ? page : withMemberIds(page, teams)).page(teams,
            Function.identity(), order.sortKey(team -> team.getString("name"), team -> team.getString("id")))))
        .onFailure(ctx::fail);
  }

  /**
   * The page {@code teams} make with their member ids: those that have them ({@link TeamRepository#list}), up to the
   * page's limit; a team listed without them is on the next page.
   */
  private static PageRequest withMemberIds(PageRequest page, List<JsonObject> teams) {
    var withIds = (int) teams.stream().filter(team -> team.containsKey("userIds")).count();
    return new PageRequest(Math.min(page.limit(), withIds), page.after());
  }

  private void create(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var fields = TeamFields.read(ctx, false);
    var teamId = TimeOrderedIds.next();
    pool.withTransaction(tx -> AccessPolicy.require(tx, principal, ctx.pathParam("org"), PermissionCatalog.TEAM_MANAGE,
                true)
            .compose(access -> insert(tx, ctx, access, teamId, fields)
                .compose(v -> existing(tx, access, teamId)))
            .compose(team -> Replies.keep(tx, ctx,
                Reply.created(OrganizationPaths.of(team.orgId(), "groups", team.id()), team.toJson()))))
        .recover(TeamRoutes::refused)
        .onSuccess(reply -> reply.send(ctx))
        .onFailure(ctx::fail);
  }

  /**
   * Create or replace with the caller's id; a team already exactly so (members too) is left alone. Imports hold the
   * organization's row, so two identical ones at once are one after the other: the second finds the team the first
   * made (it met its id taken, 409, when both saw it missing). With {@code If-Match} it replaces only the team the
   * caller read, and creates nothing, as a setup object's import does: a replace sets the whole member list, and a
   * stale one undid the changes made since. With {@code If-None-Match: *} it creates only, replacing nothing.
   */
  private void put(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var teamId = Ids.uuid(ctx.pathParam("gid"), "gid");
    var fields = TeamFields.read(ctx, true);
    pool.withTransaction(tx -> AccessPolicy.require(tx, principal, ctx.pathParam("org"), PermissionCatalog.TEAM_MANAGE,
                true)
            .compose(access -> CopyIds.choosableBy(tx, access, NAMES.table(), teamId, "gid"))
            .compose(access -> requireReplaceMatch(tx, ctx, access, teamId).map(access))
            .compose(access -> TeamImport.run(tx, ctx, access, List.of(new ImportBatch.Item<>(teamId, fields)),
                Existing.UPDATE)
                .compose(plan -> existing(tx, access, teamId)
                    .map(team -> new Imported(plan.results().get(0), team.toJson(),
                        OrganizationPaths.of(team.orgId(), "groups", team.id()))))))
        .recover(TeamRoutes::refused)
        .onSuccess(imported -> imported.reply(ctx))
        .onFailure(ctx::fail);
  }

  /**
   * {@code POST .../groups:batch}: up to 500 team imports, member lists included, in one transaction; an item without
   * {@code userIds} leaves the team's members as they are ({@link TeamFields#readItem}).
   */
  private void importBatch(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var items = ImportBatch.read(ctx, Set.of(ExistingCopies.FIELD),
        (id, item) -> TeamFields.readItem(item));
    var existing = ExistingCopies.ofBatch(ctx);
    WantedNames.requireDistinct(NAMES, items.stream().map(item -> item.value().name()).toList(),
        i -> "items[" + i + "].name");
    pool.withTransaction(tx -> AccessPolicy.require(tx, principal, ctx.pathParam("org"), PermissionCatalog.TEAM_MANAGE,
                true)
            .compose(access -> CopyIds.choosableInBatchBy(tx, access, NAMES.table(),
                items.stream().map(ImportBatch.Item::id).toList()))
            .compose(access -> TeamImport.run(tx, ctx, access, items, existing))
            .compose(plan -> Replies.keep(tx, ctx, Reply.ok(plan.summary()))))
        .recover(TeamRoutes::refused)
        .onSuccess(reply -> reply.send(ctx))
        .onFailure(ctx::fail);
  }

  private static Future<Void> insert(SqlConnection tx, RoutingContext ctx, OrgAccess access, UUID teamId,
      TeamFields fields) {
    return TeamRepository.insert(tx, access.orgId(), teamId, fields.name(), fields.title(), fields.metadata())
        .compose(team -> add(tx, access, teamId, fields.userIds()))
        .compose(added -> audit(tx, ctx, access, event("team.created", teamId, members(added))));
  }

  private void get(RoutingContext ctx) {
    var teamId = Ids.uuid(ctx.pathParam("gid"), "gid");
    AccessPolicy.require(pool, BearerAuth.principal(ctx), ctx.pathParam("org"), PermissionCatalog.TEAM_LIST)
        .compose(access -> existing(pool, access, teamId))
        .onSuccess(team -> EntityTags.reply(ctx, team.toJson()))
        .onFailure(ctx::fail);
  }

  /**
   * A patch that leaves the team as it is writes, audits and announces nothing and answers the team as it was, as a
   * {@code PUT} of the team as it is does; a change's {@code team.updated} names each field it changed.
   */
  private void update(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var teamId = Ids.uuid(ctx.pathParam("gid"), "gid");
    var body = RequestBody.ofPatch(ctx, Set.of("name", "title", "metadata"));
    var name = body.matching("name", TeamFields.NAME, TeamFields.NAME_RULE, false);
    var title = body.line("title", 256, false);
    var metadata = body.freeFormObject("metadata");
    body.validate();
    pool.withTransaction(tx -> AccessPolicy.require(tx, principal, ctx.pathParam("org"), PermissionCatalog.TEAM_MANAGE,
                true)
            .compose(access -> matching(tx, ctx, access, teamId).compose(current -> {
              var changes = current.changes(name, title, metadata);
              return changes.isEmpty() ? Future.succeededFuture(current)
                  : TeamRepository.update(tx, access.orgId(), teamId, name, title, metadata)
                      .compose(updated -> audit(tx, ctx, access, event("team.updated", teamId, changes)))
                      .compose(v -> existing(tx, access, teamId));
            })))
        .recover(TeamRoutes::refused)
        .onSuccess(team -> EntityTags.reply(ctx, team.toJson()))
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var teamId = Ids.uuid(ctx.pathParam("gid"), "gid");
    pool.withTransaction(tx -> AccessPolicy.require(tx, principal, ctx.pathParam("org"), PermissionCatalog.TEAM_MANAGE,
                true)
            .compose(access -> matching(tx, ctx, access, teamId)
                .compose(current -> TeamRepository.delete(tx, access.orgId(), teamId)
                    .compose(deleted -> audit(tx, ctx, access, event("team.deleted", teamId,
                        new JsonObject().put("name", current.name())))))))
        .onSuccess(v -> Replies.noContent(ctx))
        .onFailure(ctx::fail);
  }

  private void members(RoutingContext ctx) {
    var teamId = Ids.uuid(ctx.pathParam("gid"), "gid");
    var page = PageRequest.of(ctx);
    var after = page.afterId();
    AccessPolicy.require(pool, BearerAuth.principal(ctx), ctx.pathParam("org"), PermissionCatalog.TEAM_LIST)
        .compose(access -> existing(pool, access, teamId)
            .compose(team -> TeamRepository.members(pool, access.orgId(), teamId, after, page.fetchSize(),
                seesProfiles(access))))
        .onSuccess(members -> ctx.json(page.page(members, m -> m, m -> m.getString("userId"))))
        .onFailure(ctx::fail);
  }

  private void member(RoutingContext ctx) {
    var teamId = Ids.uuid(ctx.pathParam("gid"), "gid");
    var userId = Ids.uuid(ctx.pathParam("uid"), "uid");
    AccessPolicy.require(pool, BearerAuth.principal(ctx), ctx.pathParam("org"), PermissionCatalog.TEAM_LIST)
        .compose(access -> existing(pool, access, teamId)
            .compose(team -> TeamRepository.member(pool, access.orgId(), teamId, userId, seesProfiles(access))))
        .map(found -> found.orElseThrow(TeamRoutes::memberNotFound))
        .onSuccess(member -> EntityTags.reply(ctx, member))
        .onFailure(ctx::fail);
  }

  private void addMembers(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var teamId = Ids.uuid(ctx.pathParam("gid"), "gid");
    var body = RequestBody.of(ctx, Set.of("userIds"));
    var userIds = body.stringList("userIds", true, ImportBatch.MAX);
    body.validate();
    var members = Ids.uuids(userIds, "userIds");
    pool.withTransaction(tx -> AccessPolicy.require(tx, principal, ctx.pathParam("org"), PermissionCatalog.TEAM_MANAGE,
                true)
            .compose(access -> existing(tx, access, teamId)
                .compose(team -> add(tx, access, teamId, members))
                .compose(added -> (added.isEmpty() ? Future.<Void>succeededFuture()
                    : audit(tx, ctx, access, event("team.members_added", teamId, members(added)))).map(added)))
            .compose(added -> Replies.keep(tx, ctx, Reply.ok(new JsonObject().put("added", added.size())))))
        .recover(TeamRoutes::refused)
        .onSuccess(reply -> reply.send(ctx))
        .onFailure(ctx::fail);
  }

  private void removeMember(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var teamId = Ids.uuid(ctx.pathParam("gid"), "gid");
    var userId = Ids.uuid(ctx.pathParam("uid"), "uid");
    pool.withTransaction(tx -> AccessPolicy.require(tx, principal, ctx.pathParam("org"), PermissionCatalog.TEAM_MANAGE,
                true)
            .compose(access -> existing(tx, access, teamId)
                .compose(team -> TeamRepository.member(tx, access.orgId(), teamId, userId, seesProfiles(access)))
                .compose(member -> {
                  EntityTags.requireMatch(ctx, member.orElseThrow(TeamRoutes::memberNotFound), "The team member");
                  return TeamRepository.removeMember(tx, access.orgId(), teamId, userId);
                })
                .compose(removed -> removed ? audit(tx, ctx, access, event("team.member_removed", teamId,
                        new JsonObject().put("userId", userId.toString())))
                    : Future.failedFuture(memberNotFound()))))
        .onSuccess(v -> Replies.noContent(ctx))
        .onFailure(ctx::fail);
  }

  /**
   * Whether the caller sees team members' emails and names: only those who may list the organization's members
   * ({@link PermissionCatalog#USER_LIST}, what {@code /users} asks) do. Every member may list teams, and would
   * otherwise read through them the profiles the member list keeps from them; anyone else sees ids.
   */
  private static boolean seesProfiles(OrgAccess access) {
    return AccessPolicy.allows(access, PermissionCatalog.USER_LIST);
  }

  /** Adds organization members to the team, answering those it added; anyone else is refused (422). */
  private static Future<List<UUID>> add(SqlConnection tx, OrgAccess access, UUID teamId, List<UUID> userIds) {
    if (userIds.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return requireMembers(tx, access, userIds).compose(v -> TeamRepository.addMembers(tx, access.orgId(), teamId, userIds));
  }

  /** Only members of the organization can be in its teams; anyone else is refused by id (422). */
  static Future<Void> requireMembers(SqlConnection tx, OrgAccess access, List<UUID> userIds) {
    if (userIds.isEmpty()) {
      return Future.succeededFuture();
    }
    return TeamRepository.nonMembers(tx, access.orgId(), userIds).compose(strangers -> strangers.isEmpty()
        ? Future.succeededFuture() : Future.failedFuture(notMembers(strangers)));
  }

  private static ApiException notMembers(List<UUID> userIds) {
    return new ApiException(422, "not_a_member", "Only members of the organization can join its teams: "
        + RefusedValues.listed(userIds), RefusedValues.errors("userIds", userIds));
  }

  private static Future<Team> existing(io.vertx.sqlclient.SqlClient client, OrgAccess access, UUID teamId) {
    return TeamRepository.find(client, access.orgId(), teamId).map(team -> team.orElseThrow(TeamRoutes::teamNotFound));
  }

  /** The team, locked for the caller's change, if their {@code If-Match} names it as it is. */
  private static Future<Team> matching(SqlConnection tx, RoutingContext ctx, OrgAccess access, UUID teamId) {
    return TeamRepository.findForUpdate(tx, access.orgId(), teamId).map(found -> {
      var team = found.orElseThrow(TeamRoutes::teamNotFound);
      EntityTags.requireMatch(ctx, team.toJson(), "The team");
      return team;
    });
  }

  /**
   * An import's {@code If-Match} and {@code If-None-Match} against the team as it is, locked until the import commits;
   * with no team there, any {@code If-Match} fails. Without either header, nothing is read.
   */
  private static Future<Void> requireReplaceMatch(SqlConnection tx, RoutingContext ctx, OrgAccess access, UUID teamId) {
    if (!EntityTags.conditional(ctx)) {
      return Future.succeededFuture();
    }
    return TeamRepository.findForUpdate(tx, access.orgId(), teamId).map(found -> {
      EntityTags.requireReplaceMatch(ctx, found.map(Team::toJson), "The team", "There is no team " + teamId + " yet.");
      return null;
    });
  }

  private static ApiException memberNotFound() {
    return ApiException.notFound("member_not_found", "That user is not in this team.");
  }

  private static Future<Void> audit(SqlConnection tx, RoutingContext ctx, OrgAccess access, AuditLog.Event event) {
    return AuditLog.record(tx, ctx, access.orgId(), BearerAuth.principal(ctx).subject(), event.action(), event.target(),
        event.details());
  }

  static AuditLog.Event event(String action, UUID teamId, JsonObject details) {
    return new AuditLog.Event(action, "team:" + teamId, details);
  }

  /** An event's {@code details} naming the members a change gave the team, by id. */
  static JsonObject members(Collection<UUID> userIds) {
    return new JsonObject().put("userIds", ids(userIds));
  }

  /** User ids as an audit event names them: ids, never emails, which change and say more than the trail needs. */
  static JsonArray ids(Collection<UUID> userIds) {
    return new JsonArray(userIds.stream().map(UUID::toString).sorted().toList());
  }

  private static ApiException teamNotFound() {
    return ApiException.notFound("group_not_found", "No such group in this organization.");
  }

  /**
   * A write the database refused, as the caller's mistake: a name or id taken, or a member named who left the
   * organization after {@link #requireMembers} found them in it (the foreign key waited for their removal, then
   * refused), who is no member as any other.
   */
  private static <T> Future<T> refused(Throwable failure) {
    if (failure instanceof PgException pg && "23503".equals(pg.getSqlState())
        && TeamRepository.MEMBERSHIP_CONSTRAINT.equals(pg.getConstraint())) {
      return Future.failedFuture(notMembers(TeamRepository.goneMember(pg).stream().toList()));
    }
    if (failure instanceof PgException pg && "23505".equals(pg.getSqlState())
        && TeamRepository.NAME_TAKEN_CONSTRAINT.equals(pg.getConstraint())) {
      return Future.failedFuture(NAMES.nameTaken(List.of()));
    }
    if (TakenIds.takenBy(failure, TeamRepository.ID_TAKEN_CONSTRAINT)) {
      return Future.failedFuture(ApiException.conflict("id_taken", "That id belongs to an object elsewhere; "
          + "choose another."));
    }
    return Future.failedFuture(failure);
  }
}
