package dev.orgplane.org.event;

import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.Ids;
import dev.orgplane.kit.http.ImportBatch;
import dev.orgplane.kit.http.QueryParameters;
import dev.orgplane.kit.http.Replies;
import dev.orgplane.kit.http.Reply;
import dev.orgplane.kit.http.RequestBody;
import dev.orgplane.org.access.AccessPolicy;
import dev.orgplane.org.access.OrgAccess;
import dev.orgplane.org.audit.AuditLog;
import dev.orgplane.org.role.PermissionCatalog;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * {@code POST /v1/organizations/{org}/provisioning-events}: the provisioning engine tells an
 * organization that a job copying from or into it has ended. The event is audited, and hooks of the
 * organization subscribed to {@value #JOB_FINISHED} receive it (the audit log queues it in the same
 * statement). Only the engine holds the permission: a member cannot fake a finished copy.
 *
 * <p>A report names itself ({@code reportId}, the same at every delivery of it): one the organization recorded
 * already is answered as the first delivery was and records nothing. The record commits with the answer its
 * Idempotency-Key keeps, but that answer is kept a day and the report's id two: a delivery later than the key's
 * answer does not audit the end twice either. A report without one, an older engine's, is recorded at every delivery
 * its Idempotency-Key does not answer.
 *
 * <p>{@code POST /v1/provisioning-events:batch} takes up to {@value ImportBatch#MAX} such reports, each naming its
 * organization, and costs a few statements whatever their number, where a report each would cost a request and its
 * transaction: the engine's outbox sends a round of reports with it. Each report must name itself there, which is what
 * makes a batch safe to send again; each is answered on its own ({@link Outcome}), since one organization gone does
 * not make the others' reports fail.
 *
 * <p>Both record under a lock on the organizations they found ({@link ProvisioningReports#holdExisting}), in a
 * transaction whether or not an Idempotency-Key asks for one: an organization deleted at that moment is not found
 * (404, or its item's {@code organization_not_found}), where its rows' foreign keys refused the whole statement.
 */
public final class ProvisioningEventRoutes {

  static final String JOB_FINISHED = "provisioning.job.finished";

  private final Pool pool;

  public ProvisioningEventRoutes(Pool pool) {
    this.pool = pool;
  }

  /** What became of one report of a batch. */
  enum Outcome {
    RECORDED, ALREADY_RECORDED, ORGANIZATION_NOT_FOUND;

    String code() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public void mount(Router router) {
    QueryParameters.NONE.on(router.post("/v1/organizations/:org/provisioning-events")).handler(this::raise);
    QueryParameters.NONE.on(router.postWithRegex("/v1/provisioning-events:batch")).handler(this::raiseAll);
  }

  private void raise(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var body = RequestBody.of(ctx, Set.of("type", "jobId", "reportId", "details"));
    var type = body.requiredString("type", 64);
    var jobId = body.requiredString("jobId", 36);
    var reportId = body.optionalString("reportId", 36);
    var details = body.freeFormObject("details");
    if (type != null && !type.equals(JOB_FINISHED)) {
      body.reject("type", "must be " + JOB_FINISHED);
    }
    body.validate();
    var job = Ids.uuid(jobId, "jobId");
    var report = reportId == null ? null : Ids.uuid(reportId, "reportId");
    pool.withTransaction(db -> AccessPolicy.require(db, principal, ctx.pathParam("org"),
                PermissionCatalog.PROVISIONING_REPORT)
            .compose(access -> ProvisioningReports.holdExisting(db, List.of(access.orgId())).compose(held -> {
              if (held.isEmpty()) {
                throw AccessPolicy.notFound();
              }
              return ProvisioningReports.recordOnce(db, report, AuditLog.hookEventValues(ctx, access.orgId(),
                  principal.subject(), type, "job:" + job, details == null ? new JsonObject() : details));
            }))
            .compose(v -> Replies.keep(db, ctx, Reply.of(202,
                new JsonObject().put("type", type).put("jobId", job.toString())))))
        .onSuccess(reply -> reply.send(ctx))
        .onFailure(ctx::fail);
  }

  private void raiseAll(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var named = new HashSet<List<UUID>>();
    var reports = ImportBatch.readEach(ctx, item -> batchItem(item, named));
    pool.withTransaction(db -> AccessPolicy.caller(db, principal)
            .compose(caller -> {
              if (!caller.provisioner()) {
                throw ApiException.forbidden("forbidden", "You lack the permission "
                    + PermissionCatalog.PROVISIONING_REPORT + ", the provisioning engine's.");
              }
              return AccessPolicy.holding(db, principal, reports.stream().map(ProvisioningReports.Report::orgId)
                  .distinct().toList(), List.of(), PermissionCatalog.PROVISIONING_REPORT);
            })
            .compose(held -> ProvisioningReports.holdExisting(db, held.stream().map(OrgAccess::orgId).toList()))
            .compose(found -> {
              var recordable = reports.stream().filter(report -> found.contains(report.orgId())).toList();
              return ProvisioningReports.recordAll(db, recordable,
                      AuditLog.hookEventsValues(ctx, principal.subject(), JOB_FINISHED))
                  .map(recorded -> outcomes(reports, found, recorded));
            })
            .compose(outcomes -> Replies.keep(db, ctx, Reply.of(200, new JsonObject().put("items", outcomes)))))
        .onSuccess(reply -> reply.send(ctx))
        .onFailure(ctx::fail);
  }

  /** One report of a batch: the single route's body, with the organization it is for and its id required. */
  private static ProvisioningReports.Report batchItem(JsonObject item, Set<List<UUID>> named) {
    var body = RequestBody.of(item, Set.of("organization", "type", "jobId", "reportId", "details"));
    var organization = requiredUuid(body, "organization");
    var type = body.requiredString("type", 64);
    var jobId = requiredUuid(body, "jobId");
    var reportId = requiredUuid(body, "reportId");
    var details = body.freeFormObject("details");
    if (type != null && !type.equals(JOB_FINISHED)) {
      body.reject("type", "must be " + JOB_FINISHED);
    }
    if (organization != null && reportId != null && !named.add(List.of(organization, reportId))) {
      body.reject("reportId", "appears twice for this organization in this batch");
    }
    body.validate();
    return new ProvisioningReports.Report(organization, reportId, jobId, details == null ? new JsonObject() : details);
  }

  /** A null is refused by name: read as absent it reached the INSERT, whose NOT NULL answered 500. */
  private static UUID requiredUuid(RequestBody body, String field) {
    if (!body.has(field)) {
      body.reject(field, "is required");
    } else if (body.sendsNull(field)) {
      body.reject(field, "must not be null");
    }
    return body.optionalUuid(field);
  }

  private static JsonArray outcomes(List<ProvisioningReports.Report> reports, Set<UUID> found,
      Set<List<UUID>> recorded) {
    var outcomes = new JsonArray();
    for (var report : reports) {
      var outcome = !found.contains(report.orgId()) ? Outcome.ORGANIZATION_NOT_FOUND
          : recorded.contains(List.of(report.orgId(), report.reportId())) ? Outcome.RECORDED : Outcome.ALREADY_RECORDED;
      outcomes.add(new JsonObject().put("organization", report.orgId().toString())
          .put("reportId", report.reportId().toString()).put("outcome", outcome.code()));
    }
    return outcomes;
  }
}
