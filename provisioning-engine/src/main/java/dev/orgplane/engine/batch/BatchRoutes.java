package dev.orgplane.engine.batch;

import dev.orgplane.engine.job.EndReports;
import dev.orgplane.engine.job.Job;
import dev.orgplane.engine.job.JobRepository;
import dev.orgplane.engine.job.JobRoutes;
import dev.orgplane.engine.job.JobRunner;
import dev.orgplane.engine.job.ListQuery;
import dev.orgplane.engine.job.NewJob;
import dev.orgplane.engine.job.ProvisioningRequest;
import dev.orgplane.engine.orgapi.Caller;
import dev.orgplane.engine.orgapi.CallerAccess;
import dev.orgplane.engine.orgapi.FoundOrganizations;
import dev.orgplane.engine.orgapi.ProvisionedOrganizations;
import dev.orgplane.engine.orgapi.CallerAccess.Use;
import dev.orgplane.engine.plugin.PluginRegistry;
import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.db.TimeOrderedIds;
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
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * {@code /v1/provisioning/batches}: many jobs from one template, queued together in one transaction
 * and run at most {@code concurrency} at a time (across all engine instances). Seen, cancelled and
 * retried by the same callers as its jobs ({@link CallerAccess#require}). Its targets are named in the request
 * ({@code targets}) or selected by the engine ({@code select}, {@link TargetSelection}).
 */
public final class BatchRoutes {

  static final int MAX_TARGETS = 1000;
  /** The fields of an existing target, {@code {organization}}: the organization is as it is, nothing else is set. */
  private static final Set<String> EXISTING_TARGET = Set.of("organization");
  /** The caller's batches are filtered by their status, template and selection. */
  private static final QueryParameters BATCH_FILTERS = ListQuery.parameters(ListQuery.STATUS, ListQuery.TEMPLATE,
      TargetSelection.FILTER);
  /** A batch's jobs share its template. */
  private static final QueryParameters JOB_FILTERS = ListQuery.parameters(ListQuery.STATUS, ListQuery.TARGET);

  private final Pool pool;
  private final PluginRegistry registry;
  private final CallerAccess access;
  private final JobRunner runner;
  private final EndReports endReports;
  private final ProgressEvents<UUID, Batch> events;
  private final TargetSelection selection;

  public BatchRoutes(Pool pool, PluginRegistry registry, CallerAccess access, ProvisionedOrganizations provisioned,
      JobRunner runner, EndReports endReports, long eventPollMillis, Duration keepAlive, StreamLimits streamLimits,
      Draining draining) {
    this.pool = pool;
    this.selection = new TargetSelection(provisioned);
    this.registry = registry;
    this.access = access;
    this.runner = runner;
    this.endReports = endReports;
    this.events = new ProgressEvents<>("batch", id -> BatchRepository.find(pool, id), Batch::toJson, Batch::ended,
        eventPollMillis, keepAlive, streamLimits, draining);
  }

  public void mount(Router router) {
    QueryParameters.NONE.on(router.post("/v1/provisioning/batches")).handler(this::create);
    BATCH_FILTERS.on(router.get("/v1/provisioning/batches")).handler(this::list);
    QueryParameters.NONE.on(router.get("/v1/provisioning/batches/:bid")).handler(this::get);
    JOB_FILTERS.on(router.get("/v1/provisioning/batches/:bid/jobs")).handler(this::jobs);
    QueryParameters.NONE.on(router.get("/v1/provisioning/batches/:bid/events")).handler(this::events);
    QueryParameters.NONE.on(router.post("/v1/provisioning/batches/:bid/retry")).handler(this::retry);
    QueryParameters.NONE.on(router.post("/v1/provisioning/batches/:bid/cancel")).handler(this::cancel);
  }

  private void create(RoutingContext ctx) {
    var fields = new HashSet<>(ProvisioningRequest.COMMON_FIELDS);
    fields.addAll(List.of("targets", "select", "concurrency"));
    var body = RequestBody.of(ctx, fields);
    var json = ctx.body().asJsonObject();
    // null is none given, as the body's other optional fields read it: the default (it was refused)
    var concurrency = wholeNumber(Objects.requireNonNullElse(json.getValue("concurrency"), 4));
    if (concurrency == null || concurrency < 1 || concurrency > 64) {
      body.reject("concurrency", "must be a whole number from 1 to 64");
    }
    var select = json.getValue("select");
    if (select != null && json.getValue("targets") != null) {
      body.reject("select", "give either targets or select, not both");
    } else if (select != null && !TargetSelection.PROVISIONED_FROM.equals(select)) {
      body.reject("select", "must be \"" + TargetSelection.PROVISIONED_FROM + "\"");
    } else if (select == null && (!(json.getValue("targets") instanceof JsonArray targets) || targets.isEmpty()
        || targets.size() > MAX_TARGETS)) {
      body.reject("targets", "must be an array of 1 to " + MAX_TARGETS + " targets, unless select chooses them");
    }
    var batchId = TimeOrderedIds.next();
    var selected = select != null;
    ProvisioningRequest.read(ctx, body, json, registry, access,
            () -> selected ? Future.succeededFuture() : checkTargets(ctx, json.getJsonArray("targets")),
            json.getValue("targets") instanceof JsonArray sent
                && sent.stream().anyMatch(ProvisioningRequest::namesOwner))
        .compose(request -> (selected
                ? selection.jobs(Caller.of(ctx), request, batchId)
                : jobs(ctx, request, batchId, json.getJsonArray("targets")))
            .compose(jobs -> pool.withTransaction(tx -> BatchRepository.insert(tx, batchId, request.requestedBy(),
                    request.templateOrg(), request.groupId(), concurrency, request.dryRun(),
                    selected ? TargetSelection.PROVISIONED_FROM : TargetSelection.EXPLICIT)
                .compose(v -> JobRepository.insert(tx, jobs))
                .compose(v -> BatchRepository.find(tx, batchId))
                .compose(batch -> Replies.keep(tx, ctx, Reply.of(202, batch.orElseThrow().toJson())
                    .withHeader("Location", "/v1/provisioning/batches/" + batchId))))))
        .onSuccess(reply -> {
          runner.wake();
          reply.send(ctx);
        })
        .onFailure(ctx::fail);
  }

  /**
   * Refuses {@code targets} unless each is {@code {organization}} (existing) or a new organization's fields, as far as
   * that is told without asking org-service whether the existing ones are there: when several targets are wrong, the
   * answer names the first of them, so a new one wrong in its fields is refused only once the existing targets before
   * it are found.
   */
  private Future<Void> checkTargets(RoutingContext ctx, JsonArray targets) {
    var names = new HashSet<String>();
    var existing = new LinkedHashSet<String>();
    for (int i = 0; i < targets.size(); i++) {
      var field = "targets[" + i + "]";
      if (!(targets.getValue(i) instanceof JsonObject target)) {
        throw ApiException.invalid("Each target is an object.",
            List.of(new ApiException.FieldError(field, "must be an object")));
      }
      if (target.getValue("name") instanceof String name && !names.add(name)) {
        throw ApiException.invalid("Two targets have the same name.",
            List.of(new ApiException.FieldError(field + ".name", "appears twice in this batch")));
      }
      var nulls = RequestBody.nulls(target, EXISTING_TARGET, field + ".");
      if (!nulls.isEmpty()) {
        throw ApiException.invalid("The target is invalid.", nulls);
      }
      if (target.getValue("organization") != null) {
        if (target.containsKey("owner")) {
          throw ApiException.invalid("Only a new organization is given an owner.",
              List.of(new ApiException.FieldError(field + ".owner", "names the owner of a new organization only")));
        }
        existing.add(existingRef(target, field));
      } else {
        try {
          ProvisioningRequest.checkNewTarget(target, field);
        } catch (ApiException invalid) {
          return found(ctx, existing).compose(organizations -> {
            existing.forEach(ref -> named(organizations, ref));
            return Future.failedFuture(invalid);
          });
        }
      }
    }
    return Future.succeededFuture();
  }

  /** The organizations {@code refs} name, asked of org-service in one request. */
  private Future<FoundOrganizations> found(RoutingContext ctx, Set<String> refs) {
    return refs.isEmpty() ? Future.succeededFuture() : access.organizations(Caller.of(ctx), refs);
  }

  /** The organization {@code ref} names among {@code organizations}; 404 {@code target_not_found} if none. */
  private static JsonObject named(FoundOrganizations organizations, String ref) {
    return organizations.get(ref).orElseThrow(() -> CallerAccess.missing(ProvisioningRequest.TARGET_NOT_FOUND, ref));
  }

  /** One job per target ({@link #checkTargets checked}); when several targets are wrong, the answer names the first. */
  private Future<List<NewJob>> jobs(RoutingContext ctx, ProvisioningRequest request, UUID batchId, JsonArray targets) {
    var refs = new String[targets.size()];
    var existing = new LinkedHashSet<String>();
    for (int i = 0; i < targets.size(); i++) {
      var target = targets.getJsonObject(i);
      if (target.getValue("organization") != null) {
        refs[i] = existingRef(target, "targets[" + i + "]");
        existing.add(refs[i]);
      }
    }
    return found(ctx, existing).map(organizations -> {
      var jobs = new ArrayList<NewJob>();
      // an organization named twice (by id and by name, say, or as an existing target and as a new one's name, which
      // the new one's job adopts) would be copied into twice, one job after the other
      var namedAt = new HashMap<String, Integer>();
      var nameAt = new HashMap<String, Integer>();
      for (int i = 0; i < targets.size(); i++) {
        var ref = refs[i];
        if (ref != null) {
          var organization = named(organizations, ref);
          refuseTwice(namedAt.putIfAbsent(organization.getString("id"), i), i, "organization");
          refuseTwice(nameAt.putIfAbsent(organization.getString("name"), i), i, "organization");
          jobs.add(request.existingTarget(batchId, organization));
        } else {
          var target = targets.getJsonObject(i);
          if (target.getValue("name") instanceof String name) {
            refuseTwice(nameAt.putIfAbsent(name, i), i, "name");
          }
          jobs.add(request.newTarget(batchId, target));
        }
      }
      return jobs;
    });
  }

  /**
   * {@code value} as a whole number, or null when it is none: the API's integers are JSON's, of which {@code 4.0} and
   * {@code 1e1} are, as a client's JSON library may write them; {@code 4.5} is none.
   */
  private static Integer wholeNumber(Object value) {
    if (value instanceof Integer n) {
      return n;
    }
    return value instanceof Double d && d == Math.rint(d) ? (Integer) d.intValue() : null;
  }

  /** Refuses {@code targets[i].field} when it names the organization {@code targets[first]} names (not null). */
  private static void refuseTwice(Integer first, int i, String field) {
    if (first != null) {
      throw ApiException.invalid("Two targets name the same organization.", List.of(new ApiException.FieldError(
          "targets[" + i + "]." + field, "names the organization targets[" + first + "] names")));
    }
  }

  /**
   * What an existing target's {@code organization} names, read as a job's {@code targetOrganization} is: a target
   * that is anything but {@code {organization}}, or whose organization is no string, is refused naming
   * {@code targets[i].<field>} (it named a number's digits, an object's {@code "{}"}, and other fields were dropped).
   */
  private static String existingRef(JsonObject target, String field) {
    var body = RequestBody.of(target, EXISTING_TARGET);
    var ref = ProvisioningRequest.targetRef(body, "organization");
    ProvisioningRequest.checkTarget(field, body::validate);
    return ref;
  }

  private void list(RoutingContext ctx) {
    var query = ListQuery.of(ctx);
    var selection = TargetSelection.filter(ctx.queryParams().get(TargetSelection.FILTER));
    var principal = BearerAuth.principal(ctx);
    BatchRepository.list(pool, UUID.fromString(principal.subject()), principal.scopedOrganization(), query, selection)
        .onSuccess(batches -> ctx.json(query.page().page(batches, Batch::toJson, batch -> batch.id().toString())))
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    batch(ctx, Use.READ).onSuccess(batch -> EntityTags.reply(ctx, batch.toJson())).onFailure(ctx::fail);
  }

  private void events(RoutingContext ctx) {
    batch(ctx, Use.READ).onSuccess(batch -> events.stream(ctx, batch.id(), batch, access.watcher(ctx, notFound(),
        batch.requestedBy(), batch.groupId(), batch.templateOrg()))).onFailure(ctx::fail);
  }

  private void jobs(RoutingContext ctx) {
    var query = ListQuery.of(ctx);
    batch(ctx, Use.READ)
        .compose(batch -> JobRepository.ofBatch(pool, batch.id(), query))
        .onSuccess(jobs -> ctx.json(query.page().page(jobs, Job::toJson, job -> job.id().toString())))
        .onFailure(ctx::fail);
  }

  /** Its failed and cancelled jobs run again from their first steps; 409 when it has none (running, or succeeded). */
  private void retry(RoutingContext ctx) {
    batch(ctx, Use.RETRY)
        .compose(batch -> JobRepository.batchOptions(pool, batch.id())
            .compose(options -> access.requireOptionRights(Caller.of(ctx), batch.templateOrg().toString(), options))
            .map(batch))
        .compose(batch -> (batch.dryRun() ? JobRepository.namesOwner(pool, batch.id()) : Future.succeededFuture(false))
            .compose(ownerNamed -> ProvisioningRequest.requesterEmail(access, Caller.of(ctx), ownerNamed))
            .compose(email -> pool.withTransaction(tx -> JobRepository.retryBatch(tx, batch.id(),
                    JobRoutes.callerId(ctx), email)
                .compose(retried -> retried.isEmpty()
                    ? Future.failedFuture(ApiException.conflict("batch_not_retryable",
                        "No job of the batch failed or was cancelled; there is nothing to retry."))
                    : answer(tx, ctx, batch.id())))))
        .onSuccess(reply -> {
          runner.wake();
          reply.send(ctx);
        })
        .onFailure(ctx::fail);
  }

  /** Its queued jobs end at once, its running ones at their next page; 409 once every job has ended. */
  private void cancel(RoutingContext ctx) {
    batch(ctx, Use.CANCEL)
        .compose(batch -> pool.withTransaction(tx -> JobRepository.cancelBatch(tx, batch.id())
            .compose(touched -> touched.isEmpty()
                ? Future.failedFuture(ApiException.conflict("batch_finished",
                    "Every job of the batch has ended; there is nothing to cancel."))
                : answer(tx, ctx, batch.id()))))
        .onSuccess(reply -> {
          endReports.wake();
          reply.send(ctx);
        })
        .onFailure(ctx::fail);
  }

  /** The batch as the transaction that changed it left it, kept there for an Idempotency-Key retry. */
  private static Future<Reply> answer(SqlConnection tx, RoutingContext ctx, UUID batchId) {
    return BatchRepository.find(tx, batchId)
        .compose(batch -> Replies.keep(tx, ctx, Reply.ok(batch.orElseThrow().toJson())));
  }


  private Future<Batch> batch(RoutingContext ctx, Use use) {
    var id = Ids.uuid(ctx.pathParam("bid"), "bid");
    return BatchRepository.find(pool, id).compose(found -> found.isEmpty() ? access.<Batch>absent(ctx, notFound())
        : access.require(ctx, use, notFound(), found.get().requestedBy(), found.get().groupId(),
            found.get().templateOrg()).map(found.get()));
  }

  private static ApiException notFound() {
    return ApiException.notFound("batch_not_found", "No such provisioning batch.");
  }
}
