package dev.orgplane.org.setup;

import dev.orgplane.copy.api.EmbeddedIds;
import dev.orgplane.copy.api.Existing;
import dev.orgplane.copy.api.IdFunction;
import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.db.DeadlockRetries;
import dev.orgplane.kit.db.TimeOrderedIds;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.ApiException.FieldError;
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
import dev.orgplane.org.access.OrgAccess;
import dev.orgplane.org.audit.AuditLog;
import dev.orgplane.org.organization.OrganizationPaths;
import dev.orgplane.org.provisioner.CopyIds;
import dev.orgplane.org.provisioner.ExistingCopies;
import dev.orgplane.org.provisioner.ImportResult;
import dev.orgplane.org.provisioner.Imported;
import dev.orgplane.org.provisioner.RolloutTemplate;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * The setup objects of an organization (workspaces, schemas, queues): list, create, get, patch,
 * delete, and the import API that provisioning uses: {@code PUT .../{kind}/{id}} with a caller-chosen
 * id, and {@code POST .../{kind}:batch} for up to 500 objects in one statement. A batch is all or
 * nothing: one bad item rejects it, naming the item. An import records each object it creates or
 * replaces as creating and patching do, a batch's in one statement, so hooks hear of every change.
 */
public final class SetupRoutes {

  /** The field of a {@code :copy} naming template objects copied elsewhere (see {@link #copy}). */
  private static final String COPIED_ELSEWHERE = "copiedElsewhere";

  private final Pool pool;
  private final boolean allowPrivateUrls;
  private final HookLimit hookLimit;

  /** {@code hooksPerOrganization}: the hooks an organization may have ({@link HookLimit}). */
  public SetupRoutes(Pool pool, boolean allowPrivateUrls, int hooksPerOrganization) {
    this.pool = pool;
    this.allowPrivateUrls = allowPrivateUrls;
    this.hookLimit = new HookLimit(hooksPerOrganization);
  }

  public void mount(Router router) {
    QueryParameters.NONE.on(router.postWithRegex("/v1/organizations/(?<org>[^/]+)/objects:lookup")).handler(this::lookup);
    QueryParameters.NONE.on(router.get("/v1/organizations/:org/hook-limit")).handler(this::hookLimit);
    for (var kind : SetupKind.ALL) {
      var base = "/v1/organizations/:org/" + kind.path();
      QueryParameters.NONE.on(router.postWithRegex("/v1/organizations/(?<org>[^/]+)/" + kind.path() + ":batch")).handler(ctx -> batch(ctx, kind));
      var copy = new SetupCopy(kind);
      QueryParameters.PAGING.on(router.postWithRegex("/v1/organizations/(?<org>[^/]+)/" + kind.path() + ":copy"))
          .handler(ctx -> copy(ctx, copy));
      QueryParameters.PAGING.on(router.get(base)).handler(ctx -> list(ctx, kind));
      QueryParameters.NONE.on(router.post(base)).handler(ctx -> create(ctx, kind));
      QueryParameters.NONE.on(router.get(base + "/:id")).handler(ctx -> get(ctx, kind));
      QueryParameters.NONE.on(router.put(base + "/:id")).handler(ctx -> put(ctx, kind));
      QueryParameters.NONE.on(router.patch(base + "/:id")).handler(ctx -> patch(ctx, kind));
      QueryParameters.NONE.on(router.delete(base + "/:id")).handler(ctx -> delete(ctx, kind));
    }
  }

  /**
   * {@code POST .../objects:lookup} with {@code {"ids": [...]}}: which of them name objects of this
   * organization, of any kind with name-based copy ids. How the provisioning engine tells the copies
   * org-service made (it keeps no record of those) from other ids in free-form data.
   */
  private void lookup(RoutingContext ctx) {
    var body = RequestBody.of(ctx, Set.of("ids"));
    var ids = uuids(body, "ids", true, ExistingObjects.MAX_IDS);
    body.validate();
    AccessPolicy.require(pool, BearerAuth.principal(ctx), ctx.pathParam("org"), PermissionCatalog.SETUP_IMPORT)
        .compose(access -> ExistingObjects.among(pool, access.orgId(), ids))
        .onSuccess(found -> Replies.json(ctx, 200, new JsonObject().put("found",
            new JsonArray(found.stream().map(UUID::toString).sorted().toList()))))
        .onFailure(ctx::fail);
  }

  /**
   * {@code GET .../hook-limit}: how many hooks the organization may have and how many it has, to whoever may list its
   * hooks. The provisioning engine reads it once per dry run of hooks, to fail it as the copy would fail
   * ({@link HookLimit}), without a read per hook.
   */
  private void hookLimit(RoutingContext ctx) {
    AccessPolicy.require(pool, BearerAuth.principal(ctx), ctx.pathParam("org"), SetupKind.HOOKS.permission("get"))
        .compose(access -> hookLimit.allowance(pool, access.orgId()))
        .onSuccess(allowance -> ctx.json(new JsonObject().put("limit", allowance.limit())
            .put("hooks", allowance.hooks())))
        .onFailure(ctx::fail);
  }

  /**
   * The UUIDs a body's {@code field} lists, up to {@code max}; each problem rejected in the body, which the caller
   * validates (none is answered then).
   */
  private static List<UUID> uuids(RequestBody body, String field, boolean required, int max) {
    var listed = body.stringList(field, required);
    if (listed.size() > max) {
      body.reject(field, "at most " + max + " ids");
      return List.of();
    }
    var notUuids = listed.stream().filter(id -> !EmbeddedIds.isUuid(id)).toList();
    // the first few: one error for each of tens of thousands made a 400 of megabytes
    notUuids.stream().limit(RefusedValues.NAMED).forEach(id -> body.reject(field,
        "holds " + RefusedValues.shown(id) + ", which is not a UUID"));
    return notUuids.isEmpty() ? listed.stream().map(UUID::fromString).toList() : List.of();
  }

  private void list(RoutingContext ctx, SetupKind kind) {
    var page = PageRequest.of(ctx);
    var after = page.afterId();
    AccessPolicy.require(pool, BearerAuth.principal(ctx), ctx.pathParam("org"), kind.permission("get"))
        .compose(access -> SetupRepository.list(pool, kind, access.orgId(), after, page.limit()))
        .onSuccess(listed -> ctx.json(listed.answer()))
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx, SetupKind kind) {
    var id = Ids.uuid(ctx.pathParam("id"), "id");
    AccessPolicy.require(pool, BearerAuth.principal(ctx), ctx.pathParam("org"), kind.permission("get"))
        .compose(access -> SetupRepository.find(pool, kind, access.orgId(), id, false))
        .map(found -> found.orElseThrow(() -> notFound(kind)))
        .onSuccess(found -> EntityTags.reply(ctx, found))
        .onFailure(ctx::fail);
  }

  private void create(RoutingContext ctx, SetupKind kind) {
    var row = validated(kind, TimeOrderedIds.next(), RequestBody.object(ctx));
    insert(ctx, kind, row)
        .onSuccess(reply -> reply.send(ctx))
        .onFailure(ctx::fail);
  }

  /**
   * Create or replace with the caller's id: the import API. Twice the same PUT is one object, and
   * the second one writes (and audits) nothing. With {@code If-Match} it replaces only the object the caller read, and
   * creates nothing; with {@code If-None-Match: *} it creates only, replacing nothing.
   */
  private void put(RoutingContext ctx, SetupKind kind) {
    var id = Ids.uuid(ctx.pathParam("id"), "id");
    var row = validated(kind, id, RequestBody.object(ctx));
    var principal = BearerAuth.principal(ctx);
    pool.withTransaction(tx -> AccessPolicy.requireShared(tx, principal, ctx.pathParam("org"), PermissionCatalog.SETUP_IMPORT)
            .compose(access -> CopyIds.choosableBy(tx, access, kind.table(), id, "id"))
            .compose(access -> requireMatch(ctx, tx, kind, access.orgId(), id)
                .compose(v -> SetupRepository.importItems(tx, kind, access.orgId(), List.of(row), Existing.UPDATE))
                .map(results -> results.get(id))
                .compose(result -> !result.changed() ? Future.succeededFuture(result)
                    : consistent(tx, kind, access.orgId(), List.of(row), result == ImportResult.CREATED)
                        .compose(v -> hookLimit.check(tx, kind, access.orgId(),
                            result == ImportResult.CREATED ? 1 : 0))
                        .compose(v -> AuditLog.recordAll(tx, ctx, access.orgId(), principal.subject(),
                            List.of(importEvent(kind, row, result))))
                        .map(result))
                .compose(result -> SetupRepository.find(tx, kind, access.orgId(), id, false)
                    .map(stored -> new Imported(result, stored.orElseThrow(),
                        OrganizationPaths.of(access.orgId(), kind.path(), id))))))
        .recover(failure -> translate(failure, kind, ""))
        .onSuccess(imported -> imported.reply(ctx))
        .onFailure(ctx::fail);
  }

  /**
   * A replace's {@code If-Match} and {@code If-None-Match} against the object as it is, its row locked until the
   * replace commits so that no change slips in between; with no object there, any {@code If-Match} fails. Without
   * either header, nothing is read.
   */
  private static Future<Void> requireMatch(RoutingContext ctx, SqlConnection tx, SetupKind kind, UUID orgId, UUID id) {
    if (!EntityTags.conditional(ctx)) {
      return Future.succeededFuture();
    }
    return SetupRepository.find(tx, kind, orgId, id, true).map(found -> {
      EntityTags.requireReplaceMatch(ctx, found, "The " + kind.noun(),
          "There is no " + kind.noun() + " " + id + " yet.");
      return null;
    });
  }

  /**
   * A patch that changes nothing (it sends the values stored) writes, audits and announces nothing and answers the
   * object as it was, {@code updatedAt} and ETag included, as a PUT of the object as stored does.
   */
  private void patch(RoutingContext ctx, SetupKind kind) {
    var id = Ids.uuid(ctx.pathParam("id"), "id");
    var changes = RequestBody.object(ctx);
    var principal = BearerAuth.principal(ctx);
    pool.withTransaction(tx -> AccessPolicy.requireShared(tx, principal, ctx.pathParam("org"), kind.permission("update"))
            .compose(access -> SetupRepository.find(tx, kind, access.orgId(), id, true)
                .map(found -> found.orElseThrow(() -> notFound(kind)))
                .compose(current -> {
                  EntityTags.requireMatch(ctx, current, "The " + kind.noun());
                  var row = patched(kind, id, changes, current);
                  return SetupRepository.importItems(tx, kind, access.orgId(), List.of(row), Existing.UPDATE)
                      .compose(results -> !results.get(id).changed() ? Future.succeededFuture(current)
                          : consistent(tx, kind, access.orgId(), List.of(row), false)
                              .compose(v -> AuditLog.record(tx, ctx, access.orgId(), principal.subject(),
                                  kind.noun() + ".updated", kind.noun() + ":" + id,
                                  new JsonObject().put("fields",
                                      new JsonArray(SetupInput.changedFields(kind, changes, current)))))
                              .compose(v -> SetupRepository.find(tx, kind, access.orgId(), id, false))
                              .map(Optional::orElseThrow));
                })))
        .recover(failure -> translate(failure, kind, ""))
        .onSuccess(patched -> EntityTags.reply(ctx, patched))
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx, SetupKind kind) {
    var id = Ids.uuid(ctx.pathParam("id"), "id");
    var principal = BearerAuth.principal(ctx);
    // a hook's deletion takes the hook, then its deliveries; a round recording one of them the other way round: the
    // loser of such a deadlock is made again rather than answered 409
    DeadlockRetries.retried(() -> pool.withTransaction(tx -> AccessPolicy.requireShared(tx, principal,
            ctx.pathParam("org"), kind.permission("delete"))
            .compose(access -> SetupRepository.find(tx, kind, access.orgId(), id, true)
                .map(found -> {
                  EntityTags.requireMatch(ctx, found.orElseThrow(() -> notFound(kind)), "The " + kind.noun());
                  return found;
                })
                .compose(found -> SetupRepository.referrers(tx, kind, access.orgId(), id))
                .compose(referrers -> referrers.isEmpty() ? Future.<Void>succeededFuture()
                    : Future.failedFuture(ApiException.conflict("in_use", "The " + kind.noun()
                        + " is used by " + String.join(", ", referrers) + " and cannot be deleted.")))
                .compose(free -> SetupRepository.delete(tx, kind, access.orgId(), id))
                .compose(deleted -> deleted
                    ? AuditLog.record(tx, ctx, access.orgId(), principal.subject(), kind.noun() + ".deleted",
                        kind.noun() + ":" + id, new JsonObject())
                    : Future.failedFuture(notFound(kind))))))
        .recover(failure -> inUse(failure, kind))
        .onSuccess(v -> Replies.noContent(ctx))
        .onFailure(ctx::fail);
  }

  private void batch(RoutingContext ctx, SetupKind kind) {
    var rows = ImportBatch.read(ctx, Set.of(ExistingCopies.FIELD), (id, item) -> wellFormed(kind, id, item, null))
        .stream().map(ImportBatch.Item::value).toList();
    var existing = ExistingCopies.ofBatch(ctx);
    requireEvents(kind, rows, i -> "items[" + i + "].");
    WantedNames.requireDistinct(kind.names(), rows.stream().map(row -> row.getString("name")).toList(),
        i -> "items[" + i + "].name");
    batchInTransaction(ctx, kind, rows, existing, false)
        .recover(failure -> kind.nameTakenBy(failure) ? batchInTransaction(ctx, kind, rows, existing, true)
            : Future.failedFuture(failure))
        .recover(failure -> SetupRoutes.<Reply>translate(failure, kind, "items[]."))
        .onSuccess(reply -> reply.send(ctx))
        .onFailure(ctx::fail);
  }

  /**
   * The batch in a transaction of its own, its items written with one statement. Names are checked row by row, so
   * that statement meets a name another item gives up still held unless it happens to write the giver first (never in
   * a swap): a batch refused a name runs again {@code freeingNames}, its items' names read and those it takes freed
   * first ({@link SetupRepository#freeNames}), which also refuses a name an object keeps naming the item that wanted
   * it. A batch that takes no name held reads nothing more than before.
   */
  private Future<Reply> batchInTransaction(RoutingContext ctx, SetupKind kind, List<JsonObject> rows,
      Existing existing, boolean freeingNames) {
    var principal = BearerAuth.principal(ctx);
    var ids = rows.stream().map(row -> UUID.fromString(row.getString("id"))).toList();
    return pool.withTransaction(tx -> AccessPolicy.requireShared(tx, principal, ctx.pathParam("org"), PermissionCatalog.SETUP_IMPORT)
            .compose(access -> CopyIds.choosableInBatchBy(tx, access, kind.table(), ids))
            .compose(access -> referencesExist(tx, kind, access.orgId(), rows).map(access))
            .compose(access -> (freeingNames ? namesFreed(tx, access, kind, rows, ids, existing,
                    RolloutTemplate.of(ctx, access))
                    : Future.succeededFuture(List.<WantedNames.MovedAside>of()))
                .compose(moved -> SetupRepository.importItems(tx, kind, access.orgId(), rows, existing)
                    .compose(results -> {
                      var changed = changed(rows, results);
                      return consistent(tx, kind, access.orgId(), changed, !results.containsValue(ImportResult.UPDATED),
                              itemPaths(rows))
                          .compose(v -> hookLimit.check(tx, kind, access.orgId(),
                              results.values().stream().filter(ImportResult.CREATED::equals).count()))
                          .compose(v -> AuditLog.recordAll(tx, ctx, access.orgId(), principal.subject(),
                              Stream.concat(changed.stream().map(row -> importEvent(kind, row,
                                  results.get(UUID.fromString(row.getString("id"))))),
                                  movedAside(kind, moved)).toList()))
                          .map(ImportResult.summary(List.copyOf(results.values())));
                    })))
            .compose(counts -> Replies.keep(tx, ctx, Reply.ok(counts))));
  }

  /**
   * A batch's references of one id each, checked before it is written: 422 {@code invalid_reference} naming every item
   * whose reference names no object of the organization, {@code items[i].workspaceId}. Their foreign keys, checked at
   * commit, named only the first violation they met, and no item; they still refuse one whose object is deleted
   * meanwhile.
   */
  private static Future<Void> referencesExist(SqlConnection tx, SetupKind kind, UUID orgId, List<JsonObject> rows) {
    return SetupRepository.missingKeyedReferences(tx, kind, orgId, rows, i -> "items[" + i + "].")
        .compose(problems -> problems.isEmpty() ? Future.succeededFuture()
            : Future.failedFuture(new ApiException(422, "invalid_reference",
                "The " + kind.noun() + "s refer to objects that are not in this organization; nothing was written.",
                problems)));
  }

  /** What goes before a field of a batch's item, by the item's id: {@code items[i].}, as its other errors name it. */
  private static Function<String, String> itemPaths(List<JsonObject> rows) {
    var index = new HashMap<String, Integer>();
    for (int i = 0; i < rows.size(); i++) {
      index.put(rows.get(i).getString("id"), i);
    }
    return id -> "items[" + index.get(id) + "].";
  }

  private static Future<List<WantedNames.MovedAside>> namesFreed(SqlConnection tx, OrgAccess access, SetupKind kind,
      List<JsonObject> rows, List<UUID> ids, Existing existing, UUID template) {
    return SetupRepository.names(tx, kind, access.orgId(), ids)
        .compose(stored -> SetupRepository.freeNames(tx, access, kind, existing, template, ids,
            rows.stream().map(row -> row.getString("name")).toList(), stored, i -> "items[" + i + "].name"));
  }

  /**
   * {@code POST .../{kind}:copy?cursor=&limit=} with {@code {"from": org}}: copies a page of another
   * organization's objects into this one (see {@link SetupCopy}). The caller imports here and reads
   * there; a page is all or nothing, and a re-run leaves what it copied before alone.
   *
   * <p>{@code "copySecrets": true} gives hook copies the template's secrets instead of new ones nobody knows, so
   * that a receiver of the template's hooks can verify its copies' deliveries too. Only for a caller who may edit
   * the template's hooks: they could set its secrets to anything already. {@code "existing": "keep"} leaves copies
   * already in the target as they are ({@link SetupCopy#page}). A reader must not plant a secret where
   * they can point its hook at themselves: every delivery there would be signed with the template's secret. The
   * provisioning engine copies them with {@link PermissionCatalog#HOOK_SECRET_COPY} instead, having checked that
   * the job's requester may edit the template's hooks.
   *
   * <p>{@code "copiedElsewhere": [...]} names template objects plugins copied into the target in other systems,
   * which org-service knows nothing of, so that ids naming them inside free-form data are remapped too (see
   * {@link SetupCopy.Mode}). Only the provisioning engine, which keeps that record, names them ({@link #copyPage}).
   */
  private void copy(RoutingContext ctx, SetupCopy copy) {
    var kind = copy.kind();
    var page = PageRequest.of(ctx, SetupCopy.MAX_PAGE);
    var after = page.afterId();
    var body = RequestBody.of(ctx, Set.of("from", "copySecrets", ExistingCopies.FIELD, COPIED_ELSEWHERE));
    var from = body.requiredString("from", 100);
    var carrySecrets = body.optionalBoolean("copySecrets", false);
    var existing = ExistingCopies.read(body);
    if (carrySecrets && kind.fields().stream().noneMatch(f -> f.type() == SetupField.Type.SECRET)) {
      body.reject("copySecrets", "only hooks have secrets");
    }
    var copiedElsewhere = uuids(body, COPIED_ELSEWHERE, false, IdFunction.MAX_COPIED_ELSEWHERE);
    body.validate();
    var firstCopy = new SetupCopy.Mode(true, carrySecrets, existing, Set.copyOf(copiedElsewhere));
    copyInTransaction(ctx, copy, from, page, after, firstCopy)
        .recover(failure -> failure instanceof SetupCopy.CopiesExist
            ? copyInTransaction(ctx, copy, from, page, after, firstCopy.again())
            : Future.failedFuture(failure))
        .recover(failure -> SetupRoutes.<Reply>translate(failure, kind, ""))
        .onSuccess(reply -> reply.send(ctx))
        .onFailure(ctx::fail);
  }

  /**
   * The page in a transaction of its own: as copies new to the target when none is there yet (see
   * {@link SetupCopy#page}), else as an upsert (or, keeping existing copies, as an insert of the missing ones); a
   * first copy that meets a copy committed meanwhile fails with {@link SetupCopy.CopiesExist} and runs again as the
   * latter. The page's answer is kept in the transaction that copies it.
   *
   * <p>The target's row is held as every setup write holds it ({@link AccessPolicy#requireShared}), and the source's
   * too when the page carries secrets out, which the source's trail records ({@link #secretsCarriedOut}): a deletion
   * of the source under way is waited for, and the page then finds no source. Both rows are then taken first, in id
   * order ({@link AccessPolicy#holdShared}), as an account's deletion takes its organizations, and before a group
   * admin's group row, which a group admin's change of either takes after the organization's.
   */
  private Future<Reply> copyInTransaction(RoutingContext ctx, SetupCopy copy, String from, PageRequest page,
      UUID after, SetupCopy.Mode mode) {
    var principal = BearerAuth.principal(ctx);
    var readSource = mode.carrySecrets() ? List.of(copy.kind().permission("update"), PermissionCatalog.HOOK_SECRET_COPY)
        : List.of(copy.kind().permission("get"));
    var held = mode.carrySecrets() ? List.of(ctx.pathParam("org"), from) : List.<String>of();
    return pool.withTransaction(tx -> AccessPolicy.holdShared(tx, principal, held)
        .compose(v -> AccessPolicy.requireShared(tx, principal, ctx.pathParam("org"), PermissionCatalog.SETUP_IMPORT))
        .compose(target -> AccessPolicy.requireAny(tx, principal, from, readSource, mode.carrySecrets())
            .map(source -> RolloutTemplate.copySource(ctx, target, source))
            .compose(source -> copyPage(tx, ctx, copy, source.orgId(), target, page, after, mode))));
  }

  private Future<Reply> copyPage(SqlConnection tx, RoutingContext ctx, SetupCopy copy, UUID source,
      OrgAccess targetAccess, PageRequest page, UUID after, SetupCopy.Mode mode) {
    var target = targetAccess.orgId();
    if (source.equals(target)) {
      return Future.failedFuture(ApiException.unprocessable("same_organization",
          "An organization cannot be copied into itself."));
    }
    if (!mode.copiedElsewhere().isEmpty() && !targetAccess.provisioner()) {
      return Future.failedFuture(ApiException.forbidden("forbidden", "Only the provisioning engine names "
          + COPIED_ELSEWHERE + ": the copies plugins made in other systems are on its record."));
    }
    var kind = copy.kind();
    var actor = BearerAuth.principal(ctx).subject();
    return copy.page(tx, source, targetAccess, after, page.limit(), mode)
        .compose(copied -> consistent(tx, kind, target, copied.changed(),
            copied.changed().size() == copied.created(), copied::pathOf)
            .compose(v -> hookLimit.check(tx, kind, target, copied.created()))
            .map(copied))
        .compose(copied -> AuditLog.record(tx, ctx, target, actor, kind.noun() + ".copied",
                kind.noun() + "s", copied.counts().put("from", source.toString())
                    .put("copySecrets", mode.carrySecrets()).put(ExistingCopies.FIELD, mode.existing().value()))
            .compose(v -> AuditLog.recordAll(tx, ctx, target, actor, movedAside(kind, copied.movedAside()).toList()))
            .compose(v -> secretsCarriedOut(tx, ctx, kind, source, target, actor, copied.secretsCarriedFrom()))
            .compose(v -> Replies.keep(tx, ctx, Reply.ok(copied.answer()))));
  }

  /**
   * Secrets a copy carried out of the template are audited in the template too, as {@code <kind>.secrets_copied}
   * naming the organization they went {@code to} and the template objects whose secrets they were: its admins learn
   * from their own trail that deliveries elsewhere are signed with them (until session 32 only the target's
   * {@code <kind>.copied} told). None when none were carried.
   */
  private static Future<Void> secretsCarriedOut(SqlConnection tx, RoutingContext ctx, SetupKind kind, UUID source,
      UUID target, String actor, List<UUID> carriedFrom) {
    if (carriedFrom.isEmpty()) {
      return Future.succeededFuture();
    }
    return AuditLog.record(tx, ctx, source, actor, kind.noun() + ".secrets_copied", kind.noun() + "s",
        new JsonObject().put("to", target.toString())
            .put(kind.noun() + "Ids", new JsonArray(carriedFrom.stream().map(UUID::toString).toList())));
  }

  /** Creates one object and answers it as stored, an answer kept in the transaction that writes it. */
  private Future<Reply> insert(RoutingContext ctx, SetupKind kind, JsonObject row) {
    var principal = BearerAuth.principal(ctx);
    return pool.withTransaction(tx -> AccessPolicy.requireShared(tx, principal, ctx.pathParam("org"), kind.permission("create"))
            .compose(access -> SetupRepository.upsert(tx, kind, access.orgId(), List.of(row))
                .compose(written -> consistent(tx, kind, access.orgId(), List.of(row), false)
                    .compose(v -> hookLimit.check(tx, kind, access.orgId(), 1)).map(written.get(0)))
                .compose(written -> AuditLog.record(tx, ctx, access.orgId(), principal.subject(), kind.noun() + ".created",
                    kind.noun() + ":" + written.getString("id"), new JsonObject()).map(written))
                .compose(written -> Replies.keep(tx, ctx, Reply.created(
                    OrganizationPaths.of(access.orgId(), kind.path(), written.getString("id")), written)))))
        .recover(failure -> translate(failure, kind, ""));
  }

  /**
   * The event of an object an import created or replaced, as creating and patching record theirs, so that the hooks
   * subscribed to them hear of it: created, or updated naming the fields a replace sets, every one but a hook secret
   * it leaves out (which is kept).
   */
  private static AuditLog.Event importEvent(SetupKind kind, JsonObject row, ImportResult result) {
    var target = kind.noun() + ":" + row.getString("id");
    if (result == ImportResult.CREATED) {
      return new AuditLog.Event(kind.noun() + ".created", target, new JsonObject());
    }
    var fields = kind.fields().stream().filter(f -> f.type() != SetupField.Type.SECRET || row.containsKey(f.column()))
        .map(SetupField::json).toList();
    return new AuditLog.Event(kind.noun() + ".updated", target, new JsonObject().put("fields", new JsonArray(fields)));
  }

  /**
   * The {@code <kind>.updated} of each object moved out of the way of a name a write takes ({@link WantedNames}),
   * naming the field that changed as a patch's event does, as teams and roles moved aside record theirs: the object
   * holds a temporary name until the write that gives it its own (a later page of a rollout), which may never come.
   */
  static Stream<AuditLog.Event> movedAside(SetupKind kind, List<WantedNames.MovedAside> moved) {
    return moved.stream().map(object -> new AuditLog.Event(kind.noun() + ".updated", kind.noun() + ":" + object.id(),
        new JsonObject().put("fields", new JsonArray().add("name"))));
  }

  /** One whole object read from a request (create, replace): 400 if malformed, 422 if a hook hears nothing. */
  private JsonObject validated(SetupKind kind, UUID id, JsonObject body) {
    var row = wellFormed(kind, id, body, null);
    requireEvents(kind, List.of(row), i -> "");
    return row;
  }

  /**
   * A patch applied to the stored object. The event rule is checked only when the patch sets the events: a hook
   * stored without any before the rule stays editable (its URL, say) without choosing them first, and a patch that
   * leaves the events alone cannot make them worse.
   */
  private JsonObject patched(SetupKind kind, UUID id, JsonObject changes, JsonObject current) {
    var row = wellFormed(kind, id, changes, current);
    if (SetupInput.setsEvents(kind, changes)) {
      requireEvents(kind, List.of(row), i -> "");
    }
    return row;
  }

  private JsonObject wellFormed(SetupKind kind, UUID id, JsonObject body, JsonObject current) {
    var errors = new ArrayList<FieldError>();
    var row = SetupInput.read(kind, id, body, current, "", errors, false, allowPrivateUrls);
    if (!errors.isEmpty()) {
      throw ApiException.invalid("The " + kind.noun() + " is invalid.", errors);
    }
    return row;
  }

  /**
   * A hook without events is well-formed but would never be called: 422 {@code no_events}, naming each such item.
   * Checked apart from {@link #wellFormed}, whose 400 a batch reports for all its items at once.
   */
  private static void requireEvents(SetupKind kind, List<JsonObject> rows, IntFunction<String> path) {
    var errors = SetupInput.withoutEvents(kind, rows, path);
    if (!errors.isEmpty()) {
      throw new ApiException(422, "no_events", "A hook must subscribe to at least one event.", errors);
    }
  }

  /** Array references and run order, which foreign keys cannot check, checked before commit. */
  private static Future<Void> consistent(SqlConnection tx, SetupKind kind, UUID orgId, List<JsonObject> changed,
      boolean allCreated) {
    return consistent(tx, kind, orgId, changed, allCreated, id -> "");
  }

  /** {@code pathOf}: what goes before a broken reference's or a cycle's field, by the changed row's id. */
  private static Future<Void> consistent(SqlConnection tx, SetupKind kind, UUID orgId, List<JsonObject> changed,
      boolean allCreated, Function<String, String> pathOf) {
    if (changed.isEmpty() || kind.arrayReferences().isEmpty() && kind.acyclicColumn() == null) {
      return Future.succeededFuture();
    }
    return SetupRepository.integrityProblems(tx, kind, orgId, changed, allCreated, pathOf)
        .compose(problems -> problems.isEmpty()
            ? Future.succeededFuture()
            : Future.failedFuture(new ApiException(422, "invalid_reference",
                "The " + kind.noun() + " refers to objects that are not in this organization, or runs after itself.",
                problems)));
  }

  /** The rows an import created or updated: unchanged ones were checked when they were written. */
  private static List<JsonObject> changed(List<JsonObject> rows, Map<UUID, ImportResult> results) {
    return rows.stream().filter(row -> results.get(UUID.fromString(row.getString("id"))).changed()).toList();
  }

  /** Unique names and references, as the caller's mistakes rather than server errors. */
  private static <T> Future<T> translate(Throwable failure, SetupKind kind, String pathPrefix) {
    if (TakenIds.takenBy(failure, kind.idConstraint())) {
      return Future.failedFuture(ApiException.conflict("id_taken", "That id belongs to an object elsewhere; "
          + "choose another."));
    }
    if (kind.nameTakenBy(failure)) {
      return Future.failedFuture(kind.nameTaken(SetupKind.takenName((PgException) failure), List.of()));
    }
    if (failure instanceof PgException pg && "23503".equals(pg.getSqlState())) {
      var field = kind.referenceFields().getOrDefault(pg.getConstraint(), "reference");
      return Future.failedFuture(new ApiException(422, "invalid_reference",
          field + " does not name an object of this organization.", List.of(new FieldError(pathPrefix + field,
              "no such object in this organization"))));
    }
    return Future.failedFuture(failure);
  }

  /** A delete that other objects still reference. */
  private static <T> Future<T> inUse(Throwable failure, SetupKind kind) {
    if (failure instanceof PgException pg && "23503".equals(pg.getSqlState())) {
      var detail = pg.getDetail() == null ? "" : " (" + pg.getDetail() + ")";
      return Future.failedFuture(ApiException.conflict("in_use", "The " + kind.noun()
          + " is used by other objects of this organization and cannot be deleted" + detail + "."));
    }
    return Future.failedFuture(failure);
  }

  private static ApiException notFound(SetupKind kind) {
    return ApiException.notFound(kind.noun() + "_not_found", "No such " + kind.noun() + " in this organization.");
  }
}
