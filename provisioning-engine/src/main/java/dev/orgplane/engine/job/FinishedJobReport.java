package dev.orgplane.engine.job;

import dev.orgplane.engine.orgapi.OrgApiClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.UUID;

/**
 * {@code provisioning.job.finished} for the template's organization and, if the job got that far,
 * the target's: hooks there learn that a tenant is ready, or why it is not. Sent by {@link EndReports}.
 */
record FinishedJobReport(UUID jobId, UUID batchId, UUID templateOrg, UUID targetOrg, String status,
    JsonObject error) {

  /** The report as {@link EndReports} claims it: its outbox row joined to its job as the job is now. */
  static FinishedJobReport of(Row row) {
    return new FinishedJobReport(row.getUUID("job_id"), row.getUUID("batch_id"), row.getUUID("template_org"),
        row.getUUID("target_org"), row.getString("status"), (JsonObject) row.getValue("error"));
  }

  /**
   * {@code reportKey} names the report, not the attempt to send it: a delivery retried after a lost
   * answer is recorded once (idempotency keys are per caller, so the organization is part of it).
   */
  Future<Void> send(OrgApiClient api, String reportKey) {
    var details = new JsonObject().put("status", status).put("jobId", jobId.toString())
        .put("batchId", batchId == null ? null : batchId.toString())
        .put("templateOrganization", templateOrg.toString())
        .put("targetOrganization", targetOrg == null ? null : targetOrg.toString())
        .put("error", error);
    var reports = new ArrayList<Future<Void>>();
    reports.add(report(api, templateOrg.toString(), details, reportKey));
    if (targetOrg != null && !targetOrg.equals(templateOrg)) {
      reports.add(report(api, targetOrg.toString(), details, reportKey));
    }
    return Future.all(reports).mapEmpty();
  }

  private static Future<Void> report(OrgApiClient api, String organization, JsonObject details, String reportKey) {
    return api.reportJobFinished(organization, details, reportKey + "-" + organization);
  }
}
