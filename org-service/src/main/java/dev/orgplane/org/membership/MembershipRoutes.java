package dev.orgplane.org.membership;

import dev.orgplane.copy.api.Existing;
import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.auth.TokenRevocations;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.EmailFilter;
import dev.orgplane.kit.http.EntityTags;
import dev.orgplane.kit.http.Ids;
import dev.orgplane.kit.http.ImportBatch;
import dev.orgplane.kit.http.PageRequest;
import dev.orgplane.kit.http.QueryParameters;
import dev.orgplane.kit.http.RefusedValues;
import dev.orgplane.kit.http.Replies;
import dev.orgplane.kit.http.Reply;
import dev.orgplane.kit.http.RequestBody;
import dev.orgplane.org.access.AccessPolicy;
import dev.orgplane.org.access.MembersOnlyErrors;
import dev.orgplane.org.access.OrgAccess;
import dev.orgplane.org.audit.AuditLog;
import dev.orgplane.org.invitation.DepartedInvitees;
import dev.orgplane.org.provisioner.ExistingCopies;
import dev.orgplane.org.provisioner.ImportResult;
import dev.orgplane.org.provisioner.JobRequester;
import dev.orgplane.org.role.PermissionCatalog;
import dev.orgplane.org.role.RoleGrants;
import dev.orgplane.org.serviceuser.CredentialReach;
import dev.orgplane.org.team.Teams;
import dev.orgplane.org.user.UserRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Members of an organization and their roles. Changes that could leave an organization without an
 * owner run with the organization row locked, so two concurrent demotions cannot both succeed.
 */
public final class MembershipRoutes {

  private final Pool pool;
  private final TokenRevocations revocations;

  public MembershipRoutes(Pool pool, TokenRevocations revocations) {
    this.pool = pool;
    this.revocations = revocations;
  }

  public void mount(Router router) {
    QueryParameters.NONE.on(router.postWithRegex("/v1/organizations/(?<org>[^/]+)/users:batch")).handler(this::importBatch);
    QueryParameters.list(EmailFilter.PARAMETER).on(router.get("/v1/organizations/:org/users")).handler(this::list);
    QueryParameters.NONE.on(router.post("/v1/organizations/:org/users")).handler(this::add);
    QueryParameters.NONE.on(router.get("/v1/organizations/:org/users/:uid")).handler(this::read);
    QueryParameters.NONE.on(router.put("/v1/organizations/:org/users/:uid/roles")).handler(this::setRoles);
    QueryParameters.NONE.on(MembersOnlyErrors.openWhileDisabled(router,
        router.delete("/v1/organizations/:org/users/:uid"), MembershipRoutes::leaving)).handler(this::remove);
  }

  /** With {@code ?email=}, only the member of that address (matched without case), if there is one. */
  private void list(RoutingContext ctx) {
    var page = PageRequest.of(ctx);
    var after = page.afterId();
    var email = EmailFilter.read(ctx);
    AccessPolicy.require(pool, BearerAuth.principal(ctx), ctx.pathParam("org"), PermissionCatalog.USER_LIST)
        .compose(access -> MembershipRepository.list(pool, access.orgId(), email, after, page.fetchSize()))
        .onSuccess(members -> ctx.json(page.page(members, Member::toJson, m -> m.userId().toString())))
        .onFailure(ctx::fail);
  }

  /**
   * One member, service users included, as {@code PUT .../roles} answers them, with the tag that it and a removal
   * compare {@code If-Match} with.
   */
  private void read(RoutingContext ctx) {
    var userId = Ids.uuid(ctx.pathParam("uid"), "uid");
    AccessPolicy.require(pool, BearerAuth.principal(ctx), ctx.pathParam("org"), PermissionCatalog.USER_LIST)
        .compose(access -> MembershipRepository.find(pool, access.orgId(), userId, false))
        .map(found -> found.orElseThrow(MembershipRoutes::memberNotFound))
        .onSuccess(member -> EntityTags.reply(ctx, member.toJson()))
        .onFailure(ctx::fail);
  }

  private void add(RoutingContext ctx) {
    var body = RequestBody.of(ctx, Set.of("userIds", "roles"));
    var rawIds = body.stringList("userIds", true, ImportBatch.MAX);
    var roles = body.stringList("roles", false, ImportBatch.MAX);
    body.validate();
    var granted = roles.isEmpty() ? List.of("member") : roles;
    var joining = Ids.uuids(rawIds, "userIds").stream().map(id -> new Joining(id, granted)).toList();
    addMembers(ctx, joining, false);
  }

  /**
   * {@code POST .../users:batch} {@code {items:[{id: userId, roles}], existing?}}: members with roles of their own, at
   * once; with {@code existing: "keep"} a member already there keeps their roles, as with {@code POST users}.
   */
  private void importBatch(RoutingContext ctx) {
    var items = ImportBatch.read(ctx, Set.of(ExistingCopies.FIELD), (id, item) -> {
      var body = RequestBody.of(item, Set.of("roles"));
      var roles = body.stringList("roles", false, ImportBatch.MAX);
      body.validate();
      return new Joining(id, roles.isEmpty() ? List.of("member") : roles);
    });
    var replacing = ExistingCopies.ofBatch(ctx) != Existing.KEEP;
    addMembers(ctx, items.stream().map(ImportBatch.Item::value).toList(), replacing);
  }

  /** A user joining with these roles. */
  record Joining(UUID userId, List<String> roles) {
  }

  /**
   * Adds the users, in one statement: {@code POST users} leaves members already there as they are (unchanged), a
   * {@code replacing} import gives them the imported roles (updated), so a re-run import can tell either, once the
   * caller holds all that the members it names hold (it demotes no one above them, as a change of roles does not).
   * A caller bound by their grants decides on their rights holding the organization's row, as a change of roles does,
   * so a manager demoted or removed meanwhile adds no one, and no one joins or changes roles between the check of
   * whom an import replaces and the write; the engine holds it FOR KEY SHARE, so its imports run side by side
   * ({@link AccessPolicy#requireLockedUnlessEngine}). The engine's write for a job leaves its requester out where they
   * could not add themself ({@link SelfGrants#withheld}), and adds the others: a group admin rolling their own
   * template out to the group's tenants still gives each its members.
   */
  private void addMembers(RoutingContext ctx, List<Joining> joining, boolean replacing) {
    var principal = BearerAuth.principal(ctx);
    var requested = joining.stream().map(Joining::userId).toList();
    pool.withTransaction(tx -> AccessPolicy.requireLockedUnlessEngine(tx, principal, ctx.pathParam("org"),
                PermissionCatalog.USER_MANAGE)
            .compose(access -> SelfGrants.withheld(tx, access, JobRequester.of(ctx, access), requested)
                .compose(withheld -> {
                  var added = joining.stream().filter(j -> !withheld.contains(j.userId())).toList();
                  return addMembers(ctx, tx, access, added, replacing)
                      .map(written -> summary(written, added.size(), withheld));
                }))
            .compose(summary -> Replies.keep(tx, ctx, Reply.ok(summary))))
        .onSuccess(reply -> reply.send(ctx))
        .onFailure(ctx::fail);
  }

  /** Adds {@code joining} as {@link #addMembers(RoutingContext, List, boolean)} tells, in its transaction. */
  private Future<List<MembershipRepository.Written>> addMembers(RoutingContext ctx, SqlConnection tx,
      OrgAccess access, List<Joining> joining, boolean replacing) {
    var principal = BearerAuth.principal(ctx);
    var userIds = joining.stream().map(Joining::userId).toList();
    var roles = joining.stream().flatMap(j -> j.roles().stream()).distinct().toList();
    return RoleGrants.requireGrantable(tx, access, roles)
        .compose(v -> SelfGrants.refuseOwn(access, userIds))
        .compose(v -> MembershipRepository.notAddable(tx, access.organization().groupId(),
            AddReach.of(access, principal), userIds))
        .compose(refused -> {
          if (!refused.isEmpty()) {
            return Future.failedFuture(unknownUsers(refused));
          }
          return replacing ? RoleGrants.requireNotAboveImported(tx, access, userIds)
              .compose(v -> MembershipRepository.importAll(tx, access.orgId(), joining))
              : MembershipRepository.upsert(tx, access.orgId(), joining);
        })
        .compose(written -> AuditLog.recordAll(tx, ctx, access.orgId(), principal.subject(),
                MemberEvents.of(access.orgId(), written))
            .compose(v -> CredentialReach.revokeBeyondMakers(tx, ctx, access, revocations,
                replacing ? userIds : List.of(), List.of()))
            .map(written));
  }

  /**
   * What an add did with the {@code requested} users: joined, changed (an import's new roles), left unchanged; and
   * {@code withheld}, the job's requester whom the engine's write left out ({@link SelfGrants#withheld}), counted in
   * none of those: no copy of theirs was made or found.
   */
  private static JsonObject summary(List<MembershipRepository.Written> written, int requested, Set<UUID> withheld) {
    var joined = written.stream().filter(MembershipRepository.Written::joined).count();
    var changed = written.size() - joined;
    return ImportResult.summary(joined, changed, requested - written.size()).put("added", joined)
        .put("withheld", new JsonArray(withheld.stream().map(UUID::toString).sorted().toList()));
  }

  /**
   * Someone who is no member is 404 {@code member_not_found} first, whatever the roles: until session 31 an unknown id
   * or another organization's service user made owner was told it was no person (400), and until session 35 roles
   * unknown or beyond the caller's were refused (422, 403) before anyone asked whether the user was a member.
   */
  private void setRoles(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var body = RequestBody.of(ctx, Set.of("roles"));
    var roles = body.stringList("roles", true, ImportBatch.MAX);
    body.validate();
    var userId = Ids.uuid(ctx.pathParam("uid"), "uid");
    pool.withTransaction(tx -> AccessPolicy.require(tx, principal, ctx.pathParam("org"),
                PermissionCatalog.USER_MANAGE, true)
            .compose(access -> requireCurrent(ctx, tx, access, userId)
                .compose(v -> MembershipRepository.standing(tx, access.orgId(), userId))
                .map(standing -> standing.orElseThrow(MembershipRoutes::memberNotFound))
                .compose(standing -> SelfGrants.refuseOwn(access, List.of(userId))
                    .compose(v -> SelfGrants.refuseRequester(tx, access, JobRequester.of(ctx, access), userId))
                    .compose(v -> RoleGrants.requireGrantable(tx, access, roles))
                    .compose(v -> RoleGrants.requireNotAbove(tx, access, userId))
                    .map(v -> {
                      standing.requireAllows(roles);
                      return null;
                    }))
                .compose(v -> MembershipRepository.setRoles(tx, access.orgId(), userId, roles))
                .compose(set -> set == null ? Future.failedFuture(memberNotFound())
                    : !set.changed() ? Future.succeededFuture(set.member())
                    : AuditLog.recordAll(tx, ctx, access.orgId(), principal.subject(),
                            List.of(MemberEvents.rolesChanged(userId, set.member().roles())))
                        .compose(v -> CredentialReach.revokeBeyondMakers(tx, ctx, access, revocations,
                            List.of(userId), List.of()))
                        .map(set.member()))))
        .onSuccess(member -> EntityTags.reply(ctx, member.toJson()))
        .onFailure(ctx::fail);
  }

  /** Whether the caller removes themself: leaving, which members of a disabled organization may still do. */
  private static boolean leaving(RoutingContext ctx) {
    return ctx.pathParam("uid").equalsIgnoreCase(BearerAuth.principal(ctx).subject());
  }

  /**
   * A member gone takes their pending invitations to the organization with them ({@link DepartedInvitees}), and leaves
   * its teams, each audited ({@link Teams#leaveAll}); the credentials they made there, holding nothing there any more,
   * are revoked ({@link CredentialReach}).
   */
  private void remove(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var userId = Ids.uuid(ctx.pathParam("uid"), "uid");
    // anyone may leave an organization (the last owner excepted); removing others takes the permission
    var leaving = userId.equals(AccessPolicy.userId(principal));
    pool.withTransaction(tx -> (leaving ? AccessPolicy.requireMember(tx, principal, ctx.pathParam("org"))
                : AccessPolicy.require(tx, principal, ctx.pathParam("org"), PermissionCatalog.USER_MANAGE, true))
            .compose(access -> requireCurrent(ctx, tx, access, userId)
                .compose(v -> requireNoServiceUser(tx, access, userId))
                .compose(v -> RoleGrants.requireNotAbove(tx, access, userId))
                .compose(v -> requireAnotherOwner(tx, access, userId))
                .compose(v -> Teams.leaveAll(tx, ctx, access.orgId(), userId, principal.subject(),
                    leaving ? "member_left" : "member_removed"))
                .compose(v -> MembershipRepository.remove(tx, access.orgId(), userId))
                .compose(removed -> !removed ? Future.failedFuture(memberNotFound())
                    : AuditLog.record(tx, ctx, access.orgId(), principal.subject(), "member.removed",
                        "user:" + userId, new JsonObject().put("left", leaving)))
                .compose(v -> CredentialReach.revokeBeyondMakers(tx, ctx, access, revocations, List.of(userId),
                    List.of()))
                .compose(v -> DepartedInvitees.withdrawInvitations(tx, ctx, access.orgId(), userId,
                    principal.subject(), leaving))))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  /**
   * Refuses (412 {@code precondition_failed}) a change of the member whose {@code If-Match} names a version of them
   * other than the current one, compared holding their row, so that of two admins changing a member's roles from the
   * same read the second is refused rather than undoing the first. A member there is not is the change's to refuse
   * (404 {@code member_not_found}), as without the header.
   */
  private static Future<Void> requireCurrent(RoutingContext ctx, SqlConnection tx, OrgAccess access, UUID userId) {
    return MembershipRepository.find(tx, access.orgId(), userId, true).map(found -> {
      found.ifPresent(member -> EntityTags.requireMatch(ctx, member.toJson(), "The member"));
      return null;
    });
  }

  /**
   * Refuses to remove a service user from its organization, whether others remove it or it leaves: its membership is
   * how it is there at all, and without it the service user was out of reach (no longer listed nor deletable, never
   * to be added again) while its credentials still signed it in. It goes with its credentials, as one.
   */
  private static Future<Void> requireNoServiceUser(SqlConnection tx, OrgAccess access, UUID userId) {
    return UserRepository.isServiceUserOf(tx, access.orgId(), userId).compose(service -> service
        ? Future.failedFuture(ApiException.conflict("service_user_membership", "A service user is a member of its "
            + "organization for as long as it exists: delete it, credentials and all, with DELETE /v1/organizations/"
            + access.orgId() + "/service-users/" + userId + "."))
        : Future.succeededFuture());
  }

  /** Refuses a change that would leave the organization without an owner. */
  private static Future<Void> requireAnotherOwner(SqlConnection tx, OrgAccess access, UUID userId) {
    return MembershipRepository.otherOwners(tx, access.orgId(), userId).compose(others -> others > 0
        ? Future.succeededFuture()
        : MembershipRepository.isOwner(tx, access.orgId(), userId).compose(owner -> owner
            ? Future.failedFuture(lastOwner())
            : Future.succeededFuture()));
  }

  /**
   * The one answer for every user an add refuses, whether no one has the id or the person is out of the caller's
   * reach ({@link AddReach}), so that it tells no one whether an account exists.
   */
  private static ApiException unknownUsers(List<UUID> refused) {
    return new ApiException(422, "unknown_users", "Some users are unknown here (no such person, a service user, "
        + "or someone to invite instead): " + RefusedValues.listed(refused), RefusedValues.errors("userIds", refused));
  }

  static ApiException lastOwner() {
    return ApiException.conflict("last_owner", "The organization's last owner cannot be removed or demoted.");
  }

  private static ApiException memberNotFound() {
    return ApiException.notFound("member_not_found", "That user is not a member of this organization.");
  }

}
