package dev.orgplane.engine.job;

import dev.orgplane.engine.orgapi.OrgApiClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;

/**
 * {@code provisioning.job.finished} for the template's organization and, if the job got that far,
 * the target's: hooks there learn that a tenant is ready, or why it is not. A dry run writes nothing,
 * so it reports nothing either.
 */
final class FinishedJobReport {

  private FinishedJobReport() {
  }

  static Future<Void> send(Pool pool, OrgApiClient api, Job job, String status, JsonObject error) {
    if (job.dryRun()) {
      return Future.succeededFuture();
    }
    // the target may have been made during this run: the row knows, the claimed copy of it may not
    return JobRepository.targetOf(pool, job.id()).compose(recorded -> {
      var target = recorded.orElse(job.targetOrg());
      var details = new JsonObject().put("status", status).put("jobId", job.id().toString())
          .put("batchId", job.batchId() == null ? null : job.batchId().toString())
          .put("templateOrganization", job.templateOrg().toString())
          .put("targetOrganization", target == null ? null : target.toString())
          .put("error", error);
      var reports = new ArrayList<Future<Void>>();
      reports.add(report(api, job, job.templateOrg().toString(), details));
      if (target != null && !target.equals(job.templateOrg())) {
        reports.add(report(api, job, target.toString(), details));
      }
      return Future.all(reports).mapEmpty();
    });
  }

  /**
   * Keyed per organization and attempt: a retried request of this attempt is answered once, while an
   * attempt that took over a dead engine's job reports anew (idempotency keys are per caller, not per path).
   */
  private static Future<Void> report(OrgApiClient api, Job job, String organization, JsonObject details) {
    return api.reportJobFinished(organization, details,
        "job-finished-" + job.id() + "-" + job.attempts() + "-" + organization);
  }
}
