package dev.orgplane.engine.job;

import dev.orgplane.engine.orgapi.OrgApiClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;

/**
 * {@code provisioning.job.finished} for the template's organization and, if the job got that far,
 * the target's: hooks there learn that a tenant is ready, or why it is not. Sent by {@link EndReports}.
 */
final class FinishedJobReport {

  private FinishedJobReport() {
  }

  /**
   * {@code reportKey} names the report, not the attempt to send it: a delivery retried after a lost
   * answer is recorded once (idempotency keys are per caller, so the organization is part of it).
   */
  static Future<Void> send(OrgApiClient api, Job job, String status, JsonObject error, String reportKey) {
    var target = job.targetOrg();
    var details = new JsonObject().put("status", status).put("jobId", job.id().toString())
        .put("batchId", job.batchId() == null ? null : job.batchId().toString())
        .put("templateOrganization", job.templateOrg().toString())
        .put("targetOrganization", target == null ? null : target.toString())
        .put("error", error);
    var reports = new ArrayList<Future<Void>>();
    reports.add(report(api, job.templateOrg().toString(), details, reportKey));
    if (target != null && !target.equals(job.templateOrg())) {
      reports.add(report(api, target.toString(), details, reportKey));
    }
    return Future.all(reports).mapEmpty();
  }

  private static Future<Void> report(OrgApiClient api, String organization, JsonObject details, String reportKey) {
    return api.reportJobFinished(organization, details, reportKey + "-" + organization);
  }
}
