package dev.orgplane.org.organization;

import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.auth.Principal;
import dev.orgplane.kit.auth.TokenRevocations;
import dev.orgplane.kit.db.TimeOrderedIds;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.EntityTags;
import dev.orgplane.kit.http.ListOrder;
import dev.orgplane.kit.http.PageRequest;
import dev.orgplane.kit.http.QueryParameters;
import dev.orgplane.kit.http.Replies;
import dev.orgplane.kit.http.Reply;
import dev.orgplane.kit.http.RequestBody;
import dev.orgplane.kit.organization.OrganizationFields;
import dev.orgplane.org.access.AccessPolicy;
import dev.orgplane.org.access.Caller;
import dev.orgplane.org.access.MembersOnlyErrors;
import dev.orgplane.org.audit.AuditLog;
import dev.orgplane.org.group.GroupAccess;
import dev.orgplane.org.group.GroupName;
import dev.orgplane.org.metaschema.MetaSchemas;
import dev.orgplane.org.role.PermissionCatalog;
import dev.orgplane.org.user.UserRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.Optional;
import java.util.UUID;

/** Create, read, list, update and delete organizations; disabling and enabling are {@link OrganizationStateRoutes}. */
public final class OrganizationRoutes {

  private final Pool pool;
  private final MetaSchemas metaSchemas;
  private final TokenRevocations revocations;

  /** {@code revocations} hear of the service users an organization's deletion takes, once it has committed. */
  public OrganizationRoutes(Pool pool, MetaSchemas metaSchemas, TokenRevocations revocations) {
    this.pool = pool;
    this.metaSchemas = metaSchemas;
    this.revocations = revocations;
  }

  /** A change's metadata, when it changes it, of organization {@code orgId}. */
  private Future<Void> validMetadata(String orgId, OrganizationFields fields) {
    return fields.metadata() == null ? Future.succeededFuture()
        : metaSchemas.validate("organization", orgId, "metadata", fields.metadata());
  }

  /** A new organization's metadata, none being {@code {}}: a creation without it skipped a schema requiring keys. */
  private Future<Void> validNewMetadata(OrganizationFields fields) {
    return metaSchemas.validate("organization", fields.name(), "metadata",
        fields.metadata() == null ? new JsonObject() : fields.metadata());
  }

  public void mount(Router router) {
    QueryParameters.NONE.on(router.post("/v1/organizations")).handler(this::create);
    ListFilter.PARAMETERS.on(router.get("/v1/organizations")).handler(this::list);
    QueryParameters.NONE.on(MembersOnlyErrors.openWhileDisabled(router, router.get("/v1/organizations/:org")))
        .handler(this::get);
    QueryParameters.NONE.on(router.patch("/v1/organizations/:org")).handler(this::update);
    QueryParameters.NONE.on(router.delete("/v1/organizations/:org")).handler(this::delete);
    new OrganizationStateRoutes(pool).mount(router);
  }

  /**
   * Most creations name no group and no owner: the creator owns a new organization in a new group.
   * Those take one statement that also checks the creator (still a user, no provisioner); anything
   * else, or a creator that check refuses, looks the caller up first and takes the long way.
   */
  private void create(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    if (principal.isScoped()) {
      // a service user or a group admin's token for one organization: neither may found others (a service user
      // would own what its own token could not reach, and be gone, with its ownership, when it is deleted)
      ctx.fail(ApiException.forbidden("scoped_token", "This token acts in one organization only; creating "
          + "organizations needs a person's own token."));
      return;
    }
    var orgId = TimeOrderedIds.next();
    var created = CreateRequest.namesPlacement(ctx) ? Future.succeededFuture(Optional.<Reply>empty())
        : createOwnedByCaller(ctx, principal, orgId);
    created.compose(made -> made.isPresent() ? Future.succeededFuture(made.get())
            : AccessPolicy.caller(pool, principal).compose(caller -> {
              var request = CreateRequest.read(ctx, caller.provisioner());
              return validNewMetadata(request.fields())
                  .compose(valid -> placedAndCreated(ctx, principal, orgId, caller, request));
            }))
        .recover(OrganizationRoutes::nameTaken)
        .onSuccess(reply -> reply.send(ctx))
        .onFailure(ctx::fail);
  }

  /**
   * The placement and the insert in one transaction, the placement holding the rows it checks (the group, the
   * provisioning engine's owner) until the insert commits: a revocation of the caller's group admin rights, a
   * rotation of the create key, the group's deletion (with its organization's, say) or the owner's account deletion
   * under way is waited for and then refuses the organization, rather than slipping between the check and the insert.
   */
  private Future<Reply> placedAndCreated(RoutingContext ctx, Principal principal, UUID orgId, Caller caller,
      CreateRequest request) {
    var createKey = ctx.request().getHeader("X-Create-Key");
    return pool.withTransaction(tx -> placement(tx, caller, request, createKey)
        .compose(placement -> create(tx, ctx, principal, orgId, request, placement, false))
        .map(Optional::orElseThrow));
  }

  private Future<Optional<Reply>> createOwnedByCaller(RoutingContext ctx, Principal principal, UUID orgId) {
    var request = CreateRequest.read(ctx, false);
    return validNewMetadata(request.fields()).compose(valid -> Replies.atomically(pool, ctx, db -> create(db, ctx,
        principal, orgId, request, new Placement(null, AccessPolicy.userId(principal)), true)));
  }

  /**
   * The answer for the new organization, kept in {@code db}, the transaction of the statement that creates it (or the
   * pool, see {@code Replies.atomically}); empty when the statement refused the creator (see
   * {@link OrganizationRepository#create}): nothing is written, nothing kept.
   */
  private static Future<Optional<Reply>> create(SqlClient db, RoutingContext ctx, Principal principal, UUID orgId,
      CreateRequest request, Placement placement, boolean ownerMustBeACaller) {
    var fields = request.fields();
    return OrganizationRepository.create(db, orgId, fields, placement.groupId(),
            placement.groupId() == null ? TimeOrderedIds.next() : null, placement.ownerId(), request.provisionedFrom(),
            AuditLog.values(ctx, orgId, principal.subject(), "organization.created", "organization:" + orgId,
                new JsonObject().put("name", fields.name()).put("ownerId", placement.ownerId().toString())
                    .put("provisionedFrom", request.provisionedFrom())), ownerMustBeACaller)
        .compose(made -> made.isEmpty() ? Future.succeededFuture(Optional.<Reply>empty())
            : Replies.keep(db, ctx, created(made.get())).map(Optional::of));
  }

  private static Reply created(Organization org) {
    return Reply.created(OrganizationPaths.of(org.id()), org.toJson()).withHeader("ETag", org.etag());
  }

  /** Where a new organization goes (an existing group, or null for a group of its own) and who owns it. */
  private record Placement(UUID groupId, UUID ownerId) {
  }

  /**
   * The provisioning engine names an existing group and an owner, both checked here; anyone else
   * becomes the owner, and joins a group only with its create key or as its admin. The rows checked are held for the
   * rest of {@code tx} (see {@link GroupAccess#hold}, {@link UserRepository#holdPerson}). The engine's owner is whoever
   * queued the job, who must still administer the group (or be a platform admin): the engine creates with its own
   * identity, and an owner who had lost the group got a new tenant in it, members copied from its template included.
   */
  private static Future<Placement> placement(SqlClient tx, Caller caller, CreateRequest request, String createKey) {
    if (!caller.provisioner()) {
      return group(tx, request.groupId(), caller.userId(), createKey)
          .map(groupId -> new Placement(groupId, caller.userId()));
    }
    var group = GroupAccess.hold(tx, request.groupId());
    var owner = UserRepository.holdPerson(tx, request.ownerId());
    return Future.all(group, owner).compose(both -> {
      var errors = new ArrayList<ApiException.FieldError>();
      if (!group.result()) {
        errors.add(new ApiException.FieldError("groupId", "no such organization group"));
      }
      if (!owner.result()) {
        errors.add(new ApiException.FieldError("ownerId", "no such person (service users cannot own organizations)"));
      }
      if (!errors.isEmpty()) {
        throw new ApiException(422, "invalid_reference", "The group or the owner does not exist.", errors);
      }
      return GroupAccess.administeredBy(tx, request.groupId(), request.ownerId());
    }).map(administers -> {
      if (!administers) {
        throw ApiException.forbidden("owner_not_admin",
            "The owner must be an admin of the organization group or a platform admin.");
      }
      return new Placement(request.groupId(), request.ownerId());
    });
  }

  /** The existing group the new organization joins (key or group admin), or null: it gets a new one. */
  private static Future<UUID> group(SqlClient tx, UUID groupId, UUID userId, String createKey) {
    if (groupId == null) {
      return Future.succeededFuture();
    }
    return GroupAccess.mayCreateIn(tx, groupId, userId, createKey)
        .map(allowed -> {
          if (!allowed) {
            throw ApiException.forbidden("create_key_invalid",
                "Creating an organization in this group needs its create key (X-Create-Key) or group admin rights.");
          }
          return groupId;
        });
  }

  private void get(RoutingContext ctx) {
    AccessPolicy.require(pool, BearerAuth.principal(ctx), ctx.pathParam("org"), PermissionCatalog.ORG_GET)
        .onSuccess(access -> EntityTags.reply(ctx, access.organization().etag(), access.organization().toJson()))
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var page = PageRequest.of(ctx);
    var filter = ListFilter.read(ctx.queryParams());
    var order = ListOrder.read(ctx.queryParams());
    var after = order.after(page);
    AccessPolicy.caller(pool, principal)
        .compose(caller -> OrganizationRepository.list(pool, caller.userId(), caller.seesEveryOrganization(),
            principal.scopedOrganization(), filter, order, after, page.fetchSize()))
        .onSuccess(orgs -> ctx.json(page.page(orgs, Organization::toJson, order.sortKey(Organization::name, Organization::id))))
        .onFailure(ctx::fail);
  }

  private void update(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var body = RequestBody.ofPatch(ctx, OrganizationFields.PROFILE, OrganizationFields.CLEARABLE);
    var fields = OrganizationFields.read(body, false);
    body.validate();
    // a group given the new name while the own group followed it was not there for the check (see renameOwnGroup)
    validMetadata(ctx.pathParam("org"), fields).compose(valid -> updateInTransaction(ctx, principal, fields)
            .recover(failure -> GroupName.isTaken(failure) ? updateInTransaction(ctx, principal, fields)
                : Future.failedFuture(failure)))
        .recover(OrganizationRoutes::nameTaken)
        .onSuccess(org -> respond(ctx, org))
        .onFailure(ctx::fail);
  }

  /**
   * A patch that leaves the organization as it is (the values it sends are those stored) writes, audits and announces
   * nothing and answers the organization as it was, version and ETag included, as a team's or a role's patch does.
   */
  private Future<Organization> updateInTransaction(RoutingContext ctx, Principal principal,
      OrganizationFields fields) {
    return pool.withTransaction(tx -> AccessPolicy.require(tx, principal, ctx.pathParam("org"),
            PermissionCatalog.ORG_UPDATE, true)
        .compose(access -> {
          var current = access.organization();
          requireMatch(ctx, current);
          var changed = current.changedBy(fields);
          if (changed.equals(current)) {
            return Future.succeededFuture(current);
          }
          return OrganizationRepository.update(tx, changed)
              .compose(org -> AuditLog.record(tx, ctx, org.id(), principal.subject(), "organization.updated",
                  "organization:" + org.id(), changes(current, org)).map(org))
              .compose(org -> ownGroupFollows(tx, ctx, current, org).map(org));
        }));
  }

  /**
   * A renamed organization's own group takes its new name (see {@link OrganizationRepository#renameOwnGroup}),
   * audited as a rename of the group is.
   */
  private static Future<Void> ownGroupFollows(SqlClient tx, RoutingContext ctx, Organization before,
      Organization after) {
    if (before.name().equals(after.name())) {
      return Future.succeededFuture();
    }
    return OrganizationRepository.renameOwnGroup(tx, before, after.name())
        .compose(renamed -> renamed.map(group -> AuditLog.record(tx, ctx, null, BearerAuth.principal(ctx).subject(),
                "organization_group.renamed", "organization_group:" + group.groupId(), new JsonObject()
                    .put("name", new JsonObject().put("before", group.before()).put("after", group.after()))
                    .put("organizationId", after.id().toString())))
            .orElse(Future.succeededFuture()));
  }

  private void delete(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    pool.withTransaction(tx -> AccessPolicy.require(tx, principal, ctx.pathParam("org"),
                PermissionCatalog.ORG_DELETE, true)
            .compose(access -> {
              requireMatch(ctx, access.organization());
              return OrganizationRepository.delete(tx, access.organization())
                  .compose(deleted -> AuditLog.record(tx, ctx, null, principal.subject(), "organization.deleted",
                          "organization:" + access.orgId(), new JsonObject().put("name", access.organization().name()))
                      .compose(v -> deleted.group().map(group -> AuditLog.record(tx, ctx, null, principal.subject(),
                              "organization_group.deleted", "organization_group:" + group.id(), new JsonObject()
                                  .put("name", group.name()).put("organizationId", access.orgId().toString())))
                          .orElse(Future.succeededFuture()))
                      .map(deleted));
            }))
        .onSuccess(deleted -> {
          // as a person's deletion does: refused here and by the engine in this process at once, not at their reload
          deleted.serviceUsers().forEach(id -> revocations.markEnded(id.toString(), deleted.sessionsEnd()));
          ctx.response().setStatusCode(204).end();
        })
        .onFailure(ctx::fail);
  }

  private static void respond(RoutingContext ctx, Organization org) {
    answer(org).send(ctx);
  }

  /** The organization as read or changed, with the ETag a retry of a kept answer gets too. */
  static Reply answer(Organization org) {
    return Reply.ok(org.toJson()).withHeader("ETag", org.etag());
  }

  /** Honours If-Match: a client that read an older version must not overwrite a newer one. */
  private static void requireMatch(RoutingContext ctx, Organization current) {
    EntityTags.requireMatch(ctx, current.etag(), "The organization");
  }

  private static JsonObject changes(Organization before, Organization after) {
    var changed = new JsonObject();
    var b = before.toJson();
    after.toJson().forEach(e -> {
      if (!e.getKey().equals("updatedAt") && !java.util.Objects.equals(b.getValue(e.getKey()), e.getValue())) {
        changed.put(e.getKey(), new JsonObject().put("before", b.getValue(e.getKey())).put("after", e.getValue()));
      }
    });
    return changed;
  }

  private static <T> Future<T> nameTaken(Throwable failure) {
    if (failure instanceof PgException pg && "23505".equals(pg.getSqlState())
        && OrganizationRepository.NAME_TAKEN_CONSTRAINT.equals(pg.getConstraint())) {
      return Future.failedFuture(ApiException.conflict("organization_name_taken", "That organization name is taken."));
    }
    return Future.failedFuture(failure);
  }

  static final java.util.regex.Pattern UUID_PATTERN =
      java.util.regex.Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

}
