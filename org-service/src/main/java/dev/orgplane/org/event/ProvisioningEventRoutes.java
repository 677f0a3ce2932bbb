package dev.orgplane.org.event;

import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.http.Ids;
import dev.orgplane.kit.http.QueryParameters;
import dev.orgplane.kit.http.Replies;
import dev.orgplane.kit.http.Reply;
import dev.orgplane.kit.http.RequestBody;
import dev.orgplane.org.access.AccessPolicy;
import dev.orgplane.org.audit.AuditLog;
import dev.orgplane.org.role.PermissionCatalog;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.Set;

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
 */
public final class ProvisioningEventRoutes {

  static final String JOB_FINISHED = "provisioning.job.finished";

  private final Pool pool;

  public ProvisioningEventRoutes(Pool pool) {
    this.pool = pool;
  }

  public void mount(Router router) {
    QueryParameters.NONE.on(router.post("/v1/organizations/:org/provisioning-events")).handler(this::raise);
  }

  private void raise(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var body = RequestBody.of(ctx, Set.of("type", "jobId", "reportId", "details"));
    var type = body.requiredString("type", 64);
    var jobId = body.requiredString("jobId", 36);
    var reportId = body.optionalString("reportId", 36);
    var details = body.optionalObject("details");
    if (type != null && !type.equals(JOB_FINISHED)) {
      body.reject("type", "must be " + JOB_FINISHED);
    }
    body.validate();
    var job = Ids.uuid(jobId, "jobId");
    var report = reportId == null ? null : Ids.uuid(reportId, "reportId");
    Replies.atomically(pool, ctx, db -> AccessPolicy.require(db, principal, ctx.pathParam("org"),
                PermissionCatalog.PROVISIONING_REPORT)
            .compose(access -> ProvisioningReports.recordOnce(db, report, AuditLog.hookEventValues(ctx,
                access.orgId(), principal.subject(), type, "job:" + job, details == null ? new JsonObject() : details)))
            .compose(v -> Replies.keep(db, ctx, Reply.of(202,
                new JsonObject().put("type", type).put("jobId", job.toString())))))
        .onSuccess(reply -> reply.send(ctx))
        .onFailure(ctx::fail);
  }
}
