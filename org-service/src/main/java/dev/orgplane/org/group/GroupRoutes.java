package dev.orgplane.org.group;

import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.auth.Principal;
import dev.orgplane.kit.auth.TokenRevocations;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.EntityTags;
import dev.orgplane.kit.http.Ids;
import dev.orgplane.kit.http.PageRequest;
import dev.orgplane.kit.http.QueryParameters;
import dev.orgplane.kit.http.Replies;
import dev.orgplane.kit.http.Reply;
import dev.orgplane.kit.http.RequestBody;
import dev.orgplane.org.access.AccessPolicy;
import dev.orgplane.org.access.Caller;
import dev.orgplane.org.audit.AuditLog;
import dev.orgplane.org.identity.TokenIssuer;
import dev.orgplane.org.organization.Organization;
import dev.orgplane.org.serviceuser.CredentialReach;
import dev.orgplane.org.user.User;
import dev.orgplane.org.user.UserRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Organization groups. Platform admins create and delete groups and appoint their admins (never anyone
 * else: a group's own users cannot grant or remove a group admin); group admins rename their groups, see their
 * admins and organizations and obtain tokens scoped to any one of them. Create keys are shown once and stored
 * only as hashes. Outsiders are told a group does not exist, whether it does or not.
 */
public final class GroupRoutes {

  private final Pool pool;
  private final TokenIssuer tokens;
  private final TokenRevocations revocations;

  public GroupRoutes(Pool pool, TokenIssuer tokens, TokenRevocations revocations) {
    this.pool = pool;
    this.tokens = tokens;
    this.revocations = revocations;
  }

  public void mount(Router router) {
    QueryParameters.NONE.on(router.post("/v1/organization-groups")).handler(this::create);
    QueryParameters.PAGING.on(router.get("/v1/organization-groups")).handler(this::list);
    QueryParameters.NONE.on(router.get("/v1/organization-groups/:gid")).handler(this::get);
    QueryParameters.NONE.on(router.patch("/v1/organization-groups/:gid")).handler(this::rename);
    QueryParameters.NONE.on(router.delete("/v1/organization-groups/:gid")).handler(this::delete);
    QueryParameters.PAGING.on(router.get("/v1/organization-groups/:gid/admins")).handler(this::admins);
    QueryParameters.NONE.on(router.post("/v1/organization-groups/:gid/create-key")).handler(this::rotateKey);
    QueryParameters.PAGING.on(router.get("/v1/organization-groups/:gid/organizations")).handler(this::organizations);
    QueryParameters.NONE.on(router.put("/v1/organization-groups/:gid/admins/:uid")).handler(this::grantAdmin);
    QueryParameters.NONE.on(router.delete("/v1/organization-groups/:gid/admins/:uid")).handler(this::revokeAdmin);
    QueryParameters.NONE.on(router.post("/v1/organization-groups/:gid/organizations/:org/token")).handler(this::scopedToken);
  }

  private void create(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var body = RequestBody.of(ctx, Set.of("name"));
    var name = GroupName.read(body);
    body.validate();
    var key = CreateKeys.generate();
    pool.withTransaction(tx -> AccessPolicy.requirePlatformAdmin(tx, principal)
            .compose(caller -> GroupRepository.insert(tx, name, GroupAccess.hash(key)))
            .compose(group -> AuditLog.record(tx, ctx, null, principal.subject(), "organization_group.created",
                "organization_group:" + group.id(), new JsonObject().put("name", name)).map(group))
            .compose(group -> Replies.keep(tx, ctx, Reply.created("/v1/organization-groups/" + group.id(),
                group.toJson().put("createKey", key)).showingSecret())))
        .recover(GroupName::taken)
        .onSuccess(reply -> reply.send(ctx))
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    var page = PageRequest.of(ctx);
    var after = page.afterId();
    AccessPolicy.caller(pool, BearerAuth.principal(ctx))
        .compose(caller -> caller.scoped() ? Future.succeededFuture(List.<OrganizationGroup>of())
            : GroupRepository.list(pool, caller.userId(), caller.platformAdmin(), after, page.fetchSize()))
        .onSuccess(groups -> ctx.json(page.page(groups, OrganizationGroup::toJson, g -> g.id().toString())))
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    visibleGroup(ctx).onSuccess(group -> EntityTags.reply(ctx, group.toJson())).onFailure(ctx::fail);
  }

  /**
   * Renames the group; a name it has already is no change (no event). The body is read once the caller is known to
   * run the group: an outsider's mistaken body is the 404 anything else of theirs here is.
   */
  private void rename(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var groupId = Ids.uuid(ctx.pathParam("gid"), "gid");
    pool.withTransaction(tx -> visibleGroup(tx, principal, groupId, true)
            .compose(group -> {
              var body = RequestBody.ofPatch(ctx, Set.of("name"));
              var name = GroupName.read(body);
              body.validate();
              requireMatch(ctx, group);
              return name.equals(group.name()) ? Future.succeededFuture(group)
                  : GroupRepository.rename(tx, groupId, name)
                      .compose(renamed -> AuditLog.record(tx, ctx, null, principal.subject(),
                          "organization_group.renamed", "organization_group:" + groupId, new JsonObject().put("name",
                              new JsonObject().put("before", group.name()).put("after", name))).map(renamed));
            }))
        .recover(GroupName::taken)
        .onSuccess(group -> EntityTags.reply(ctx, group.toJson()))
        .onFailure(ctx::fail);
  }

  /**
   * Deletes an empty group (platform admins only): a group's organizations would be left without one. Its admins go
   * with it, each audited as revoked ({@code group_deleted}).
   */
  private void delete(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var groupId = Ids.uuid(ctx.pathParam("gid"), "gid");
    pool.withTransaction(tx -> platformAdminsGroup(tx, principal, groupId)
            .compose(group -> {
              requireMatch(ctx, group);
              return GroupRepository.deleteIfEmpty(tx, groupId).compose(admins -> admins.isPresent()
                  ? AuditLog.recordAll(tx, ctx, null, principal.subject(), deletionEvents(group, admins.get()))
                  : Future.failedFuture(ApiException.conflict("group_not_empty",
                      "The group still holds organizations; a group is deleted once it holds none.")));
            }))
        .onSuccess(v -> Replies.noContent(ctx))
        .onFailure(ctx::fail);
  }

  private static List<AuditLog.Event> deletionEvents(OrganizationGroup group, List<UUID> admins) {
    var events = new ArrayList<AuditLog.Event>();
    events.add(new AuditLog.Event("organization_group.deleted", "organization_group:" + group.id(),
        new JsonObject().put("name", group.name())));
    admins.forEach(admin -> events.add(GroupAdmins.revokedBy(GroupAdmins.GROUP_DELETED, group.id(), admin)));
    return events;
  }

  private void admins(RoutingContext ctx) {
    var page = PageRequest.of(ctx);
    var after = page.afterId();
    visibleGroup(ctx)
        .compose(group -> GroupRepository.admins(pool, group.id(), after, page.fetchSize()))
        .onSuccess(admins -> ctx.json(page.page(admins, GroupAdmin::toJson, admin -> admin.userId().toString())))
        .onFailure(ctx::fail);
  }

  /**
   * A new create key, the old one void. The group is held while the caller's rights are checked: a deletion or a
   * revocation under way is waited for and then applies (404), rather than a key shown for a group that is gone or
   * by an admin who no longer is one.
   */
  private void rotateKey(RoutingContext ctx) {
    var key = CreateKeys.generate();
    var principal = BearerAuth.principal(ctx);
    var groupId = Ids.uuid(ctx.pathParam("gid"), "gid");
    pool.withTransaction(tx -> visibleGroup(tx, principal, groupId, true)
            .compose(group -> GroupRepository.setCreateKey(tx, groupId, GroupAccess.hash(key),
                AccessPolicy.userId(principal)))
            .compose(v -> AuditLog.record(tx, ctx, null, principal.subject(), "organization_group.create_key_rotated",
                "organization_group:" + groupId, new JsonObject()))
            .compose(v -> Replies.keep(tx, ctx, Reply.ok(new JsonObject().put("createKey", key)).showingSecret())))
        .onSuccess(reply -> reply.send(ctx))
        .onFailure(ctx::fail);
  }

  private void organizations(RoutingContext ctx) {
    var page = PageRequest.of(ctx);
    visibleGroup(ctx)
        .compose(group -> GroupRepository.organizations(pool, group.id(), page.afterName(), page.fetchSize()))
        .onSuccess(orgs -> ctx.json(page.page(orgs, Organization::toJson, PageRequest.byName(Organization::name))))
        .onFailure(ctx::fail);
  }

  private void grantAdmin(RoutingContext ctx) {
    changeAdmin(ctx, true);
  }

  private void revokeAdmin(RoutingContext ctx) {
    changeAdmin(ctx, false);
  }

  /**
   * Only a change is audited: granting the rights an admin holds answers 204 and records nothing. An admin revoked
   * loses the credentials they made in the group's organizations beyond what they still hold ({@link CredentialReach})
   * and the create key they rotated ({@link GroupAdmins#revocation}).
   */
  private void changeAdmin(RoutingContext ctx, boolean grant) {
    var principal = BearerAuth.principal(ctx);
    var groupId = Ids.uuid(ctx.pathParam("gid"), "gid");
    var userId = Ids.uuid(ctx.pathParam("uid"), "uid");
    pool.withTransaction(tx -> platformAdminsGroup(tx, principal, groupId)
            .compose(group -> grant
                ? person(tx, userId).compose(person -> GroupAdmins.appoint(tx, groupId, person, userId.toString()))
                    .map(added -> added ? List.of(GroupAdmins.event(true, groupId, userId)) : List.<AuditLog.Event>of())
                : GroupRepository.removeAdmin(tx, groupId, userId).compose(removed -> removed
                    ? CredentialReach.revokeBeyondMakersOf(tx, ctx, revocations, List.of(userId))
                        .compose(v -> GroupAdmins.revocation(tx, groupId, userId))
                    : Future.failedFuture(ApiException.notFound("admin_not_found", "That user is not an admin of this group."))))
            .compose(events -> AuditLog.recordAll(tx, ctx, null, principal.subject(), events)))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  /**
   * The person {@code userId}, held for the rest of the transaction; anyone else is refused as a group admin: a
   * service user (which belongs to its own organization only) or the provisioning engine (bound to its one
   * permission) would hold every organization of the group. Share-locked, as an invitation's acceptance holds its
   * invitee: the appointment writes nothing to the row, and locked FOR UPDATE, after the group's row, it waited for
   * their acceptance under way, which waited for the group's row.
   */
  private static Future<User> person(SqlClient tx, UUID userId) {
    return UserRepository.personhood(tx, userId)
        .compose(person -> person.isEmpty() ? Future.failedFuture(unknownUser(userId))
            : !person.get() ? Future.failedFuture(new ApiException(422, "not_a_person", "Only a person administers a "
                + "group: " + userId + " is a service user or the provisioning engine."))
            : UserRepository.holdById(tx, userId).map(user -> user.orElseThrow(() -> unknownUser(userId))));
  }

  private static ApiException unknownUser(UUID userId) {
    return new ApiException(422, "unknown_users", "No such user: " + userId);
  }

  private void scopedToken(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var groupId = Ids.uuid(ctx.pathParam("gid"), "gid");
    var orgRef = ctx.pathParam("org");
    AccessPolicy.caller(pool, principal)
        .compose(caller -> caller.scoped() ? Future.succeededFuture(Optional.<UUID>empty())
            : GroupRepository.administeredOrganization(pool, groupId, orgRef, caller.userId()))
        .compose(orgId -> orgId.isEmpty()
            ? Future.<JsonObject>failedFuture(ApiException.notFound("organization_not_found",
                "No such organization in a group you administer."))
            : tokens.tokenForBearer(pool, principal, AccessPolicy.userId(principal), orgId.get()))
        .onSuccess(token -> Reply.ok(token).showingSecret().send(ctx))
        .onFailure(ctx::fail);
  }

  private Future<OrganizationGroup> visibleGroup(RoutingContext ctx) {
    return visibleGroup(pool, BearerAuth.principal(ctx), Ids.uuid(ctx.pathParam("gid"), "gid"), false);
  }

  /** The group if the caller runs it (or is a platform admin), else 404: outsiders learn nothing of it. */
  private static Future<OrganizationGroup> visibleGroup(SqlClient client, Principal principal, UUID groupId,
      boolean lock) {
    return AccessPolicy.caller(client, principal)
        .compose((Caller caller) -> caller.scoped() ? Future.succeededFuture(Optional.<OrganizationGroup>empty())
            : GroupRepository.visible(client, groupId, caller.userId(), caller.platformAdmin(), lock))
        .map(group -> group.orElseThrow(GroupRoutes::groupNotFound));
  }

  /**
   * The group, held for a change only platform admins make: anyone else is refused (403) before the group is looked
   * up, so the refusal tells nothing of it.
   */
  private static Future<OrganizationGroup> platformAdminsGroup(SqlClient tx, Principal principal, UUID groupId) {
    return AccessPolicy.requirePlatformAdmin(tx, principal)
        .compose(caller -> GroupRepository.visible(tx, groupId, caller.userId(), true, true))
        .map(group -> group.orElseThrow(GroupRoutes::groupNotFound));
  }

  /** Honours If-Match: a client that read an older name must not overwrite a newer one, nor delete what it missed. */
  private static void requireMatch(RoutingContext ctx, OrganizationGroup current) {
    EntityTags.requireMatch(ctx, current.toJson(), "The organization group");
  }

  private static ApiException groupNotFound() {
    return ApiException.notFound("organization_group_not_found", "No such organization group.");
  }

}
