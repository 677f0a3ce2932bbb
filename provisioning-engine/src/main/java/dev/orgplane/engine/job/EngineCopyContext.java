package dev.orgplane.engine.job;

import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.IdFunction;
import dev.orgplane.copy.api.OrgApi;
import dev.orgplane.copy.api.ProgressSink;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;

/** The {@link CopyContext} of one job (or of one diff, which has no job). */
public record EngineCopyContext(String jobId, String sourceOrganization, String targetOrganization, IdFunction ids,
    OrgApi org, WebClient http, Vertx vertx, JsonObject options, int pageSize, int copyPageSize, ProgressSink progress)
    implements CopyContext {

  /** This context with other ids (a step's, see {@link StepIds}). */
  EngineCopyContext withIds(IdFunction stepIds) {
    return new EngineCopyContext(jobId, sourceOrganization, targetOrganization, stepIds, org, http, vertx, options,
        pageSize, copyPageSize, progress);
  }
}
