package dev.orgplane.engine.job;

import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.IdFunction;
import dev.orgplane.copy.api.OncePerRun;
import dev.orgplane.copy.api.OrgApi;
import dev.orgplane.copy.api.ProgressSink;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The {@link CopyContext} of one job's run (or of one diff, which has no job); its steps' contexts
 * ({@link #withIds}) share what it computes once ({@link #once}).
 */
public record EngineCopyContext(String jobId, String sourceOrganization, String targetOrganization,
    Set<String> runningPlugins, IdFunction ids, OrgApi org, WebClient http, Vertx vertx, JsonObject options,
    int pageSize, int copyPageSize, ProgressSink progress, Set<String> withheldMembers, OncePerRun computed)
    implements CopyContext {

  /**
   * A run's context, computing nothing yet; {@code withheldMembers} as
   * {@link dev.orgplane.engine.orgapi.WithheldMembers} answers them.
   */
  public EngineCopyContext(String jobId, String sourceOrganization, String targetOrganization,
      Set<String> runningPlugins, IdFunction ids, OrgApi org, WebClient http, Vertx vertx, JsonObject options,
      int pageSize, int copyPageSize, ProgressSink progress, Set<String> withheldMembers) {
    this(jobId, sourceOrganization, targetOrganization, Set.copyOf(runningPlugins), ids, org, http, vertx, options,
        pageSize, copyPageSize, progress, Set.copyOf(withheldMembers), new OncePerRun());
  }

  @Override
  public <T> Future<T> once(String key, Supplier<Future<T>> compute) {
    return computed.get(key, compute);
  }

  /** This context with other ids (a step's, see {@link StepIds}). */
  EngineCopyContext withIds(IdFunction stepIds) {
    return new EngineCopyContext(jobId, sourceOrganization, targetOrganization, runningPlugins, stepIds, org, http,
        vertx, options, pageSize, copyPageSize, progress, withheldMembers, computed);
  }

  /** This context with another way to org-service (a page's, see {@code JobRunner}). */
  EngineCopyContext withOrg(OrgApi pageOrg) {
    return new EngineCopyContext(jobId, sourceOrganization, targetOrganization, runningPlugins, ids, pageOrg, http,
        vertx, options, pageSize, copyPageSize, progress, withheldMembers, computed);
  }
}
