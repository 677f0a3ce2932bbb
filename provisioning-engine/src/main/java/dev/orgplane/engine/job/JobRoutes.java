package dev.orgplane.engine.job;

import dev.orgplane.engine.orgapi.Caller;
import dev.orgplane.engine.orgapi.CallerAccess;
import dev.orgplane.engine.orgapi.CallerAccess.Use;
import dev.orgplane.engine.plugin.PluginRegistry;
import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.Draining;
import dev.orgplane.kit.http.EntityTags;
import dev.orgplane.kit.http.Ids;
import dev.orgplane.kit.http.ProgressEvents;
import dev.orgplane.kit.http.StreamLimits;
import dev.orgplane.kit.http.QueryParameters;
import dev.orgplane.kit.http.Replies;
import dev.orgplane.kit.http.Reply;
import dev.orgplane.kit.http.RequestBody;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;

/**
 * {@code /v1/provisioning/jobs}: queue a job (202; the runner does the work), read jobs, follow one
 * as Server-Sent Events, cancel and retry. A job is visible to whoever requested it and to the
 * admins of its organization group, but only its group's admins as they are now may cancel or retry it
 * ({@link CallerAccess#require}); to anyone else it does not exist.
 */
public final class JobRoutes {

  /** What the caller's own jobs are filtered by. */
  private static final QueryParameters FILTERS =
      ListQuery.parameters(ListQuery.STATUS, ListQuery.TEMPLATE, ListQuery.TARGET, ListQuery.BATCH);

  private final Pool pool;
  private final PluginRegistry registry;
  private final CallerAccess access;
  private final JobRunner runner;
  private final EndReports endReports;
  private final ProgressEvents<UUID, Job> events;

  public JobRoutes(Pool pool, PluginRegistry registry, CallerAccess access, JobRunner runner, EndReports endReports,
      long eventPollMillis, Duration keepAlive, StreamLimits streamLimits, Draining draining) {
    this.pool = pool;
    this.registry = registry;
    this.access = access;
    this.runner = runner;
    this.endReports = endReports;
    this.events = new ProgressEvents<>("job", id -> JobRepository.find(pool, id), Job::toJson, Job::finished,
        eventPollMillis, keepAlive, streamLimits, draining);
  }

  public void mount(Router router) {
    QueryParameters.NONE.on(router.post("/v1/provisioning/jobs")).handler(this::create);
    FILTERS.on(router.get("/v1/provisioning/jobs")).handler(this::list);
    QueryParameters.NONE.on(router.get("/v1/provisioning/jobs/:jid")).handler(this::get);
    QueryParameters.NONE.on(router.get("/v1/provisioning/jobs/:jid/events")).handler(this::events);
    QueryParameters.NONE.on(router.post("/v1/provisioning/jobs/:jid/cancel")).handler(this::cancel);
    QueryParameters.NONE.on(router.post("/v1/provisioning/jobs/:jid/retry")).handler(this::retry);
  }

  private void create(RoutingContext ctx) {
    var fields = new HashSet<>(ProvisioningRequest.COMMON_FIELDS);
    fields.addAll(List.of("target", "targetOrganization"));
    var body = RequestBody.of(ctx, fields);
    var json = ctx.body().asJsonObject();
    // null names no target: refused by name, as a batch target's organization is, not read as left out
    RequestBody.nulls(json, List.of("target", "targetOrganization"), "")
        .forEach(error -> body.reject(error.field(), error.message()));
    var targetRef = ProvisioningRequest.targetRef(body, "targetOrganization");
    var target = body.optionalObject("target");
    ProvisioningRequest.read(ctx, body, json, registry, access,
            () -> {
              ProvisioningRequest.checkJobTarget(targetRef, target);
              return Future.succeededFuture();
            }, ProvisioningRequest.namesOwner(target))
        .compose(request -> request.job(ctx, access, targetRef, target))
        .compose(job -> pool.withTransaction(tx -> JobRepository.insert(tx, List.of(job))
            .compose(v -> JobRepository.find(tx, job.id()))
            .compose(inserted -> Replies.keep(tx, ctx, Reply.of(202, inserted.orElseThrow().toJson())
                .withHeader("Location", "/v1/provisioning/jobs/" + job.id())))))
        .onSuccess(reply -> {
          runner.wake();
          reply.send(ctx);
        })
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    var query = ListQuery.of(ctx);
    var principal = BearerAuth.principal(ctx);
    JobRepository.requestedBy(pool, UUID.fromString(principal.subject()), principal.scopedOrganization(), query)
        .onSuccess(jobs -> ctx.json(query.page().page(jobs, Job::toJson, job -> job.id().toString())))
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    job(ctx, Use.READ).onSuccess(job -> EntityTags.reply(ctx, job.toJson())).onFailure(ctx::fail);
  }

  private void events(RoutingContext ctx) {
    job(ctx, Use.READ).onSuccess(job -> events.stream(ctx, job.id(), job, access.watcher(ctx, notFound(),
        job.requestedBy(), job.groupId(), job.templateOrg(), job.targetOrg()))).onFailure(ctx::fail);
  }

  /** A queued job ends here (its end report is queued in the same statement); a running one in its runner. */
  private void cancel(RoutingContext ctx) {
    job(ctx, Use.CANCEL)
        .compose(job -> pool.withTransaction(tx -> JobRepository.cancel(tx, job.id())
            .compose(touched -> !touched.isEmpty() ? JobRepository.find(tx, job.id())
                : Future.failedFuture(ApiException.conflict("job_finished",
                    "The job has ended; there is nothing to cancel.")))
            .compose(cancelled -> Replies.keep(tx, ctx, Reply.ok(cancelled.orElseThrow().toJson())))))
        .onSuccess(reply -> {
          endReports.wake();
          reply.send(ctx);
        })
        .onFailure(ctx::fail);
  }

  private void retry(RoutingContext ctx) {
    job(ctx, Use.RETRY)
        .compose(job -> access.requireOptionRights(Caller.of(ctx), job.templateOrg().toString(), job.options())
            .map(job))
        .compose(job -> ProvisioningRequest.requesterEmail(access, Caller.of(ctx),
                job.dryRun() && job.ownerEmail() != null)
            .compose(email -> Replies.atomically(pool, ctx, db -> retried(db, ctx, job, email))))
        .onSuccess(reply -> {
          runner.wake();
          reply.send(ctx);
        })
        .onFailure(ctx::fail);
  }

  /**
   * The answer to the caller's retry of {@code job}, retried by them, of address {@code email} (null where no plan
   * needs it); 409 unless it had failed or been cancelled.
   */
  private static Future<Reply> retried(SqlClient db, RoutingContext ctx, Job job, String email) {
    return JobRepository.retry(db, job.id(), callerId(ctx), email)
        .compose(retried -> retried.isEmpty()
            ? Future.failedFuture(ApiException.conflict("job_not_retryable",
                "Only a failed or cancelled job can be retried."))
            : Replies.keep(db, ctx, Reply.ok(retried.get().toJson())));
  }

  /** Who is calling: the subject of their token, a user's id. */
  public static UUID callerId(RoutingContext ctx) {
    return UUID.fromString(BearerAuth.principal(ctx).subject());
  }

  private Future<Job> job(RoutingContext ctx, Use use) {
    var id = Ids.uuid(ctx.pathParam("jid"), "jid");
    return JobRepository.find(pool, id).compose(found -> found.isEmpty() ? access.<Job>absent(ctx, notFound())
        : access.require(ctx, use, notFound(), found.get().requestedBy(), found.get().groupId(),
            found.get().templateOrg(), found.get().targetOrg()).map(found.get()));
  }

  private static ApiException notFound() {
    return ApiException.notFound("job_not_found", "No such provisioning job.");
  }
}
