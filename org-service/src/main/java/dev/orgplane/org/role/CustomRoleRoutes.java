package dev.orgplane.org.role;

import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.auth.TokenRevocations;
import dev.orgplane.kit.db.TimeOrderedIds;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.EntityTags;
import dev.orgplane.kit.http.Ids;
import dev.orgplane.kit.http.ImportBatch;
import dev.orgplane.kit.http.ListOrder;
import dev.orgplane.kit.http.PageRequest;
import dev.orgplane.kit.http.QueryParameters;
import dev.orgplane.kit.http.Replies;
import dev.orgplane.kit.http.Reply;
import dev.orgplane.kit.http.RequestBody;
import dev.orgplane.org.access.AccessPolicy;
import dev.orgplane.org.access.OrgAccess;
import dev.orgplane.org.audit.AuditLog;
import dev.orgplane.org.membership.MemberEvents;
import dev.orgplane.org.organization.OrganizationPaths;
import dev.orgplane.org.provisioner.CopyIds;
import dev.orgplane.org.provisioner.ImportResult;
import dev.orgplane.org.provisioner.ExistingCopies;
import dev.orgplane.org.provisioner.Imported;
import dev.orgplane.org.provisioner.TakenIds;
import dev.orgplane.org.provisioner.WantedNames;
import dev.orgplane.org.serviceuser.CredentialReach;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Custom roles of one organization, built only from catalog permissions. A role that is still
 * assigned cannot be deleted; a rename carries its assignments along. {@code PUT} with a chosen id
 * is the import form provisioning uses: create, or replace as a whole.
 */
public final class CustomRoleRoutes {

  private static final Pattern NAME = Pattern.compile("[a-z0-9_-]{2,63}");
  /** Role names, unique per organization, as a batch import frees them. */
  static final WantedNames.Kind NAMES = new WantedNames.Kind("roles", "role_name_taken", "role");
  private static final Set<String> FIELDS = Set.of("name", "title", "permissions", "metadata");

  private final Pool pool;
  private final TokenRevocations revocations;

  public CustomRoleRoutes(Pool pool, TokenRevocations revocations) {
    this.pool = pool;
    this.revocations = revocations;
  }

  public void mount(Router router) {
    QueryParameters.NONE.on(router.postWithRegex("/v1/organizations/(?<org>[^/]+)/roles:batch")).handler(this::importBatch);
    QueryParameters.list(ListOrder.PARAMETER).on(router.get("/v1/organizations/:org/roles")).handler(this::list);
    QueryParameters.NONE.on(router.post("/v1/organizations/:org/roles")).handler(this::create);
    QueryParameters.NONE.on(router.get("/v1/organizations/:org/roles/:rid")).handler(this::get);
    QueryParameters.NONE.on(router.put("/v1/organizations/:org/roles/:rid")).handler(this::put);
    QueryParameters.NONE.on(router.patch("/v1/organizations/:org/roles/:rid")).handler(this::update);
    QueryParameters.NONE.on(router.delete("/v1/organizations/:org/roles/:rid")).handler(this::delete);
  }

  /** What a create or update body says; absent fields are null. */
  private record RoleFields(String name, String title, List<String> permissions, JsonObject metadata) {

    static RoleFields read(RequestBody body, boolean creating) {
      var name = body.matching("name", NAME, "must be 2-63 characters of a-z, 0-9, _ and -", creating);
      if (name != null && PermissionCatalog.isPredefined(name)) {
        body.reject("name", "is the name of a predefined role");
      }
      var title = body.line("title", 256, false);
      var permissions = body.has("permissions") || creating ? body.stringList("permissions", creating) : null;
      if (permissions != null) {
        permissions.stream().filter(p -> !PermissionCatalog.PERMISSIONS.containsKey(p))
            .forEach(p -> body.reject("permissions", "unknown permission " + p));
        permissions.stream().filter(PermissionCatalog.OWNERS_ONLY::contains)
            .forEach(p -> body.reject("permissions", p + " is held only by owners; give the owner role instead"));
      }
      var metadata = body.freeFormObject("metadata");
      body.validate();
      return new RoleFields(name, title, permissions, metadata);
    }

    /** The role these fields describe on their own (create, replace): absent fields are empty. */
    CustomRole asRole(UUID id, UUID orgId) {
      return new CustomRole(id, orgId, name, title == null ? "" : title, permissions,
          metadata == null ? new JsonObject() : metadata, null, null);
    }

    /** {@code current} with the fields present here changed (patch). */
    CustomRole applyTo(CustomRole current) {
      return new CustomRole(current.id(), current.orgId(), name != null ? name : current.name(),
          title != null ? title : current.title(), permissions != null ? permissions : current.permissions(),
          metadata != null ? metadata : current.metadata(), current.createdAt(), current.updatedAt());
    }
  }

  /** By name, or with {@code order=id} by id: a copy of the organization pages by id ({@link ListOrder}). */
  private void list(RoutingContext ctx) {
    var page = PageRequest.of(ctx);
    var order = ListOrder.read(ctx.queryParams());
    var after = order.after(page);
    AccessPolicy.requireContentRead(pool, BearerAuth.principal(ctx), ctx.pathParam("org"))
        .compose(access -> CustomRoleRepository.list(pool, access.orgId(), order, after, page.fetchSize()))
        .onSuccess(roles -> ctx.json(page.page(roles, CustomRole::toJson,
            order.sortKey(CustomRole::name, CustomRole::id))))
        .onFailure(ctx::fail);
  }

  private void create(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var fields = RoleFields.read(RequestBody.of(ctx, FIELDS), true);
    pool.withTransaction(tx -> AccessPolicy.require(tx, principal, ctx.pathParam("org"), PermissionCatalog.ROLE_MANAGE,
                true)
            .compose(access -> insert(tx, ctx, access, fields.asRole(TimeOrderedIds.next(), access.orgId())))
            .compose(role -> Replies.keep(tx, ctx, Reply.created(
                OrganizationPaths.of(role.orgId(), "roles", role.id()), role.toJson()))))
        .recover(CustomRoleRoutes::conflicts)
        .onSuccess(reply -> reply.send(ctx))
        .onFailure(ctx::fail);
  }

  /**
   * Create or replace with the caller's id; a role already exactly so is left alone. With {@code If-Match} it replaces
   * only the role the caller read (compared under its row's lock), and creates nothing, as a setup object's import
   * does; with {@code If-None-Match: *} it creates only, replacing nothing.
   */
  private void put(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var roleId = Ids.uuid(ctx.pathParam("rid"), "rid");
    var fields = RoleFields.read(RequestBody.of(ctx, FIELDS), true);
    pool.withTransaction(tx -> AccessPolicy.require(tx, principal, ctx.pathParam("org"), PermissionCatalog.ROLE_MANAGE,
                true)
            .compose(access -> CopyIds.choosableBy(tx, access, NAMES.table(), roleId, "rid"))
            .compose(access -> CustomRoleRepository.find(tx, access.orgId(), roleId, true)
                .map(current -> {
                  EntityTags.requireReplaceMatch(ctx, current.map(CustomRole::toJson), "The role",
                      "There is no role " + roleId + " yet.");
                  return current;
                })
                .compose(current -> importRole(tx, ctx, access, current, roleId, fields))))
        .recover(CustomRoleRoutes::conflicts)
        .onSuccess(imported -> imported.reply(ctx))
        .onFailure(ctx::fail);
  }

  /** {@code POST .../roles:batch}: up to 500 role imports in one transaction, all or nothing ({@link RoleImport}). */
  private void importBatch(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var items = ImportBatch.read(ctx, Set.of(ExistingCopies.FIELD),
        (id, item) -> RoleFields.read(RequestBody.of(item, FIELDS), true));
    var existing = ExistingCopies.ofBatch(ctx);
    WantedNames.requireDistinct(NAMES, items.stream().map(item -> item.value().name()).toList(),
        i -> "items[" + i + "].name");
    pool.withTransaction(tx -> AccessPolicy.require(tx, principal, ctx.pathParam("org"), PermissionCatalog.ROLE_MANAGE,
                true)
            .compose(access -> CopyIds.choosableInBatchBy(tx, access, NAMES.table(),
                items.stream().map(ImportBatch.Item::id).toList()))
            .compose(access -> RoleImport.run(tx, ctx, access, revocations, items.stream()
                .map(item -> item.value().asRole(item.id(), access.orgId())).toList(), existing))
            .compose(plan -> Replies.keep(tx, ctx, Reply.ok(plan.summary()))))
        .recover(CustomRoleRoutes::conflicts)
        .onSuccess(reply -> reply.send(ctx))
        .onFailure(ctx::fail);
  }

  /** Creates, replaces or leaves the role with this id ({@code current} as stored, if it is), as its import says. */
  private Future<Imported> importRole(SqlConnection tx, RoutingContext ctx, OrgAccess access,
      Optional<CustomRole> current, UUID roleId, RoleFields fields) {
    var wanted = fields.asRole(roleId, access.orgId());
    var location = OrganizationPaths.of(access.orgId(), "roles", roleId);
    if (current.isEmpty()) {
      return insert(tx, ctx, access, wanted).map(role -> new Imported(ImportResult.CREATED, role.toJson(), location));
    }
    if (current.get().sameAs(wanted)) {
      return Future.succeededFuture(new Imported(ImportResult.UNCHANGED, current.get().toJson(), location));
    }
    return replace(tx, ctx, access, current.get(), wanted)
        .map(role -> new Imported(ImportResult.UPDATED, role.toJson(), location));
  }

  private void get(RoutingContext ctx) {
    var roleId = Ids.uuid(ctx.pathParam("rid"), "rid");
    AccessPolicy.requireContentRead(pool, BearerAuth.principal(ctx), ctx.pathParam("org"))
        .compose(access -> CustomRoleRepository.find(pool, access.orgId(), roleId, false))
        .map(role -> role.orElseThrow(CustomRoleRoutes::roleNotFound))
        .onSuccess(role -> EntityTags.reply(ctx, role.toJson()))
        .onFailure(ctx::fail);
  }

  /**
   * A patch that leaves the role as it is (the values stored; permissions a set) writes and audits nothing and answers
   * the role as it was, as a {@code PUT} of the role as it is does; it is still refused to a caller who could not
   * change the role (403), as a change is.
   */
  private void update(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var roleId = Ids.uuid(ctx.pathParam("rid"), "rid");
    var fields = change(ctx);
    pool.withTransaction(tx -> AccessPolicy.require(tx, principal, ctx.pathParam("org"), PermissionCatalog.ROLE_MANAGE,
                true)
            .compose(access -> CustomRoleRepository.find(tx, access.orgId(), roleId, true)
                .map(found -> matching(ctx, found))
                .compose(current -> {
                  var changed = fields.applyTo(current);
                  if (current.sameAs(changed)) {
                    requireHeld(access, current);
                    return Future.succeededFuture(current);
                  }
                  return replace(tx, ctx, access, current, changed);
                })))
        .recover(CustomRoleRoutes::conflicts)
        .onSuccess(role -> EntityTags.reply(ctx, role.toJson()))
        .onFailure(ctx::fail);
  }

  /**
   * A change's fields: those it leaves out are kept, and none takes null ({@link RequestBody#ofPatch}): read as left
   * out it kept what the caller meant to clear, and {@code "permissions": null} emptied the role.
   */
  private static RoleFields change(RoutingContext ctx) {
    return RoleFields.read(RequestBody.ofPatch(ctx, FIELDS), false);
  }

  /**
   * Deleting a role is the widest narrowing of it, so, as a change, it is only for a caller who holds every permission
   * the role carries (403 {@code permission_not_held}): a role manager took away, unasked, a role the owners had made
   * above them, assigned to no one yet.
   */
  private void delete(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var roleId = Ids.uuid(ctx.pathParam("rid"), "rid");
    pool.withTransaction(tx -> AccessPolicy.require(tx, principal, ctx.pathParam("org"), PermissionCatalog.ROLE_MANAGE,
                true)
            .compose(access -> CustomRoleRepository.find(tx, access.orgId(), roleId, true)
                .map(found -> matching(ctx, found))
                .map(role -> {
                  requireHeld(access, role);
                  return role;
                })
                .compose(role -> CustomRoleRepository.assignments(tx, access.orgId(), role.name())
                    .compose(held -> held.any()
                        ? Future.<Void>failedFuture(ApiException.conflict("role_in_use", "The role is assigned to "
                            + held.members() + " member(s) and " + held.invitations() + " pending invitation(s); "
                            + "reassign or withdraw them first."))
                        : CustomRoleRepository.delete(tx, access.orgId(), role.id()))
                    .compose(v -> audit(tx, ctx, access, "role.deleted", role)))))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private static Future<CustomRole> insert(SqlConnection tx, RoutingContext ctx, OrgAccess access, CustomRole role) {
    requireHeld(access, role);
    return CustomRoleRepository.insert(tx, role)
        .compose(inserted -> audit(tx, ctx, access, "role.created", inserted).map(inserted));
  }

  /**
   * Stores {@code changed} over {@code current}; members holding the role keep it under a new name. Both must be
   * within the caller's permissions: no one widens a role beyond theirs, nor narrows one above them; nor narrows one
   * held by someone above them ({@link RoleGrants#requireNotAboveHolders}). Widened, it raises the service users holding
   * it; narrowed, it lowers the makers holding it: credentials their makers no longer outrank are revoked
   * ({@link CredentialReach}).
   */
  private Future<CustomRole> replace(SqlConnection tx, RoutingContext ctx, OrgAccess access, CustomRole current,
      CustomRole changed) {
    requireHeld(access, current);
    requireHeld(access, changed);
    return RoleGrants.requireNotAboveHolders(tx, access,
            current.narrowedBy(changed) ? List.of(current.name()) : List.of())
        .compose(v -> CustomRoleRepository.update(tx, changed))
        .compose(role -> CustomRoleRepository.renameAssignments(tx, access.orgId(), current.name(), role.name())
            .compose(reassigned -> AuditLog.recordAll(tx, ctx, access.orgId(), BearerAuth.principal(ctx).subject(),
                Stream.concat(Stream.of(updated(current.name(), role)), reassigned.stream().map(CustomRoleRoutes::reassigned))
                    .toList()))
            .compose(v -> CredentialReach.revokeBeyondMakers(tx, ctx, access, revocations, List.of(),
                current.widenedBy(role) || current.narrowedBy(role) ? List.of(role.name()) : List.of()))
            .map(role));
  }

  static void requireHeld(OrgAccess access, CustomRole role) {
    RoleGrants.requireHeld(access, role.permissions(), "give a role");
  }

  private static Future<Void> audit(SqlConnection tx, RoutingContext ctx, OrgAccess access, String action,
      CustomRole role) {
    var event = event(action, role);
    return AuditLog.record(tx, ctx, access.orgId(), BearerAuth.principal(ctx).subject(), event.action(), event.target(),
        event.details());
  }

  static AuditLog.Event event(String action, CustomRole role) {
    return new AuditLog.Event(action, "role:" + role.id(),
        new JsonObject().put("name", role.name()).put("permissions", new JsonArray(role.permissions())));
  }

  /** {@code role.updated} of {@code role}, with the name it had: hooks that keep roles by name follow a rename. */
  static AuditLog.Event updated(String previousName, CustomRole role) {
    var event = event("role.updated", role);
    event.details().put("previousName", previousName);
    return event;
  }

  /**
   * A member whose roles a rename rewrote: they hold the same permissions, but under another name, which hooks that
   * mirror members' roles must hear of (until session 31 only the role's {@code role.updated} told of it).
   */
  static AuditLog.Event reassigned(CustomRoleRepository.Reassigned member) {
    return MemberEvents.rolesChanged(member.userId(), member.roles());
  }

  /** The role found, if the caller's {@code If-Match} names it as it is. */
  private static CustomRole matching(RoutingContext ctx, Optional<CustomRole> found) {
    var role = found.orElseThrow(CustomRoleRoutes::roleNotFound);
    EntityTags.requireMatch(ctx, role.toJson(), "The role");
    return role;
  }

  private static ApiException roleNotFound() {
    return ApiException.notFound("role_not_found", "No such role in this organization.");
  }

  private static <T> Future<T> conflicts(Throwable failure) {
    if (failure instanceof PgException pg && "23505".equals(pg.getSqlState())
        && CustomRoleRepository.NAME_TAKEN_CONSTRAINT.equals(pg.getConstraint())) {
      return Future.failedFuture(NAMES.nameTaken(List.of()));
    }
    if (TakenIds.takenBy(failure, CustomRoleRepository.ID_TAKEN_CONSTRAINT)) {
      return Future.failedFuture(ApiException.conflict("role_id_taken", "That role id is already in use."));
    }
    return Future.failedFuture(failure);
  }
}
