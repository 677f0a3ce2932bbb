package dev.orgplane.engine.diff;

import dev.orgplane.copy.api.CopyFailure;
import dev.orgplane.copy.api.KindDiff;
import dev.orgplane.copy.api.OrgApiException;
import dev.orgplane.copy.api.OrgObjectsPlugin;
import dev.orgplane.engine.job.CopiedObjects;
import dev.orgplane.engine.job.EngineCopyContext;
import dev.orgplane.engine.job.JobRunner.RunnerSettings;
import dev.orgplane.engine.job.PageDeadline;
import dev.orgplane.engine.job.ProvisioningRequest;
import dev.orgplane.engine.job.Retries;
import dev.orgplane.engine.orgapi.Caller;
import dev.orgplane.engine.orgapi.CallerAccess;
import dev.orgplane.engine.orgapi.JobScopedOrgApi;
import dev.orgplane.engine.orgapi.KeptPages;
import dev.orgplane.engine.orgapi.OrgApiClient;
import dev.orgplane.engine.orgapi.ServiceToken;
import dev.orgplane.engine.orgapi.WithheldMembers;
import dev.orgplane.engine.plugin.PluginRegistry;
import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.QueryParameters;
import dev.orgplane.kit.async.Futures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.UUID;

/**
 * {@code GET /v1/provisioning/diff?source=&target=}: how far a copy has drifted from its template,
 * per kind, as each plugin sees it (the copy the template would give now versus the target). Both
 * organizations must be in one group that the caller administers.
 */
public final class DiffRoutes {

  private final Vertx vertx;
  private final Pool pool;
  private final PluginRegistry registry;
  private final CallerAccess access;
  private final WebClient http;
  private final ServiceToken token;
  private final String orgServiceUrl;
  private final long templateCacheMillis;
  private final int templateCacheObjects;
  private final PageDeadline deadline;
  private final DiffSlots slots;

  public DiffRoutes(Vertx vertx, Pool pool, PluginRegistry registry, CallerAccess access, WebClient http,
      ServiceToken token, String orgServiceUrl, RunnerSettings settings, DiffSlots slots) {
    this.vertx = vertx;
    this.pool = pool;
    this.registry = registry;
    this.access = access;
    this.http = http;
    this.token = token;
    this.orgServiceUrl = orgServiceUrl;
    this.templateCacheMillis = settings.templateCacheMillis();
    this.templateCacheObjects = settings.templateCacheObjects();
    this.deadline = new PageDeadline(vertx, settings.pageTimeoutMillis());
    this.slots = slots;
  }

  public void mount(Router router) {
    QueryParameters.named("source", "target").on(router.get("/v1/provisioning/diff")).handler(this::diff);
  }

  private void diff(RoutingContext ctx) {
    var sourceRef = ctx.queryParams().get("source");
    var targetRef = ctx.queryParams().get("target");
    if (sourceRef == null || sourceRef.isBlank() || targetRef == null || targetRef.isBlank()) {
      ctx.fail(ApiException.badRequest("invalid_query", "Name both ?source= (the template) and ?target= (the copy)."));
      return;
    }
    var caller = Caller.of(ctx);
    var requester = BearerAuth.principal(ctx).subject();
    organizations(caller, sourceRef, targetRef)
        .compose(both -> {
          var source = both.get(0);
          var target = both.get(1);
          if (!source.getString("groupId").equals(target.getString("groupId"))) {
            throw new ApiException(422, "group_mismatch", "Source and target are in different organization groups.");
          }
          return access.requireGroupAdmin(caller, source.getString("groupId"))
              .compose(ok -> {
                refuseOneOrganization(source, target);
                // a slot once the caller may have the diff: only the reads of the lists cost heap, and no one who
                // may not have it is told the engine is busy
                return slots.run(ctx, () -> optionsOfCopy(source, target)
                    .compose(options -> kinds(caller, requester, source.getString("id"), target.getString("id"),
                        options)
                        .recover(failure -> unread(failure, caller, source.getString("id"), target.getString("id")))));
              })
              .map(kinds -> new JsonObject().put("source", source.getString("id")).put("target", target.getString("id"))
                  .put("inSync", kinds.stream().allMatch(KindDiff::inSync))
                  .put("kinds", new JsonArray(kinds.stream().map(KindDiff::toJson).toList())));
        })
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  /**
   * 422 {@code target_is_template}, as for a job, when source and target are one organization (named alike or not):
   * a template compared with itself answered 200, a diff of no copy at all.
   */
  private static void refuseOneOrganization(JsonObject source, JsonObject target) {
    if (source.getString("id").equals(target.getString("id"))) {
      throw new ApiException(422, ProvisioningRequest.TARGET_IS_TEMPLATE,
          "Source and target are one organization; a diff compares a copy with its template.");
    }
  }

  /** Source and target as the caller sees them, or 404 {@code source_not_found} or {@code target_not_found}. */
  private Future<List<JsonObject>> organizations(Caller caller, String sourceRef, String targetRef) {
    // both asked at once; when both fail, the answer names the source whichever failed first
    return Futures.allInOrder(List.of(access.organization(caller, sourceRef, "source_not_found"),
        access.organization(caller, targetRef, "target_not_found")));
  }

  /**
   * What a plugin's read that failed answers: org-service down, failing or busy, or refusing the engine's own sign-in
   * ({@link ServiceToken.SignInRefused}, until session 44 told as the caller's 401 {@code invalid_client}), is 503, and
   * its refusals are told as the access checks tell them ({@link CallerAccess#unavailable}). A 404 is the source or
   * the target deleted since they were checked, which asking for them again names. A template or target with more
   * objects of a kind than a diff holds ({@link OrgObjectsPlugin#MAX_HELD_OBJECTS}) is 422 with the plugin's code, as
   * is every other {@link CopyFailure} ({@link #refusal}). Any other failure is a bug of the plugin's or the engine's:
   * 500.
   */
  private Future<List<KindDiff>> unread(Throwable failure, Caller caller, String source, String target) {
    if (failure instanceof PageDeadline.Missed missed) {
      return Future.failedFuture(new ApiException(504, "diff_timeout", missed.getMessage()));
    }
    if (failure instanceof CopyFailure refused) {
      return Future.failedFuture(refusal(refused));
    }
    if (failure instanceof OrgApiException refused && refused.status() == 404) {
      return organizations(caller, source, target).compose(both -> CallerAccess.unavailable(failure));
    }
    return failure instanceof OrgApiException || failure instanceof ServiceToken.SignInRefused
        || Retries.transientFailure(failure) ? CallerAccess.unavailable(failure) : Future.failedFuture(failure);
  }

  /**
   * 422 with a {@link CopyFailure}'s code, detail and fields, as a job that met it reports them in its error: a diff
   * that cannot succeed as things are (the org API refusing a plugin's read out of the diff's two organizations,
   * {@code organization_out_of_scope}, or a plugin's own refusal) is no failure of the engine's, and its code is what
   * the caller can act on.
   */
  private static ApiException refusal(CopyFailure refused) {
    return new ApiException(422, refused.code(), refused.getMessage(), refused.errors().stream()
        .map(JsonObject.class::cast)
        .map(error -> new ApiException.FieldError(error.getString("field"), error.getString("message"))).toList());
  }

  /**
   * The options of the job that made {@code target} from {@code source}, if one did: a copy made without the
   * template's members ({@code copyMembers: false}) is in sync without them. Any other pair compares everything.
   */
  private Future<JsonObject> optionsOfCopy(JsonObject source, JsonObject target) {
    var from = target.getJsonObject("provisionedFrom");
    if (from == null || !source.getString("id").equals(from.getString("templateId")) || from.getString("jobId") == null) {
      return Future.succeededFuture(new JsonObject());
    }
    return pool.preparedQuery("SELECT options FROM provisioning.jobs WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(from.getString("jobId"))))
        .map(rows -> rows.size() == 0 ? new JsonObject() : rows.iterator().next().getJsonObject("options"));
  }

  /**
   * Each plugin's diff, the members org-service would make no member for a job of the caller's left out of it
   * ({@link WithheldMembers}): the diff tells what their own re-run would change.
   */
  private Future<List<KindDiff>> kinds(Caller caller, String requester, String source, String target,
      JsonObject options) {
    // plugins read some lists of the template whole twice (its members: the users' diff, and the teams' for the
    // members a copy keeps), side by side: they share one reading of its pages, as a run's plugins do (see KeptPages);
    // the diff's own, not the jobs', which may be a minute old: a diff compares with the template as it is now
    var api = new OrgApiClient(http, orgServiceUrl, token, null).forRequest(caller.requestId())
        .keepingPagesOf(source, new KeptPages(templateCacheMillis, templateCacheObjects).reader());
    var ids = new CopiedObjects(pool, api, UUID.fromString(source), UUID.fromString(target), null);
    return WithheldMembers.of(api, target, requester).compose(withheld -> {
      var context = new EngineCopyContext(null, source, target, registry.ids(), ids,
          JobScopedOrgApi.reading(api, source, target), http, vertx, options, 500, 500, message -> { }, withheld);
      // each plugin's diff within a page's deadline, and the slot held until every one has ended: one that never
      // answered held its slot for ever, and one failing first gave the slot back while the others still read
      return Future.join(registry.inRunOrder().stream().map(plugin -> deadline.of(plugin.id(), plugin.diff(context)))
              .toList())
          .map(all -> all.<KindDiff>list());
    });
  }
}
