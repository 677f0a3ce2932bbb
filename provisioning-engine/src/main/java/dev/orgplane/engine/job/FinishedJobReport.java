package dev.orgplane.engine.job;

import dev.orgplane.copy.api.IdFunction;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.UUID;

/**
 * {@code provisioning.job.finished} for the template's organization and, if the job got that far,
 * the target's: hooks there learn that a tenant is ready, or why it is not. Sent by {@link EndReports}
 * from its outbox row {@code id}.
 */
record FinishedJobReport(long id, UUID jobId, UUID batchId, UUID templateOrg, UUID targetOrg, String status,
    JsonObject error) {

  /** The report as {@link EndReports} claims it: its outbox row joined to its job as the job is now. */
  static FinishedJobReport of(Row row) {
    return new FinishedJobReport(row.getLong("id"), row.getUUID("job_id"), row.getUUID("batch_id"),
        row.getUUID("template_org"), row.getUUID("target_org"), row.getString("status"),
        (JsonObject) row.getValue("error"));
  }

  /**
   * What names the report, not the attempt to send it, at org-service, which records a report once: the same at
   * every delivery, and another for another end of the job (a retried job's). Outbox ids are unique in one engine
   * database only, so it is name-based on the job too, whose id is unique everywhere.
   */
  UUID reportId() {
    return UUID.fromString(IdFunction.nameBased(jobId.toString(), "end-report-" + id));
  }

  /**
   * The report as items of org-service's batch of reports, one for each organization it goes to: the template's and,
   * if the job got that far, the target's.
   */
  JsonArray items() {
    var details = new JsonObject().put("status", status).put("jobId", jobId.toString())
        .put("batchId", batchId == null ? null : batchId.toString())
        .put("templateOrganization", templateOrg.toString())
        .put("targetOrganization", targetOrg == null ? null : targetOrg.toString())
        .put("error", error);
    var items = new JsonArray().add(item(templateOrg, details));
    if (targetOrg != null && !targetOrg.equals(templateOrg)) {
      items.add(item(targetOrg, details));
    }
    return items;
  }

  private JsonObject item(UUID organization, JsonObject details) {
    return new JsonObject().put("organization", organization.toString()).put("type", "provisioning.job.finished")
        .put("jobId", jobId.toString()).put("reportId", reportId().toString()).put("details", details);
  }
}
