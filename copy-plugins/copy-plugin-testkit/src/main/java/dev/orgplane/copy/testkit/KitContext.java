package dev.orgplane.copy.testkit;

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

/** The {@link CopyContext} the kit runs plugins with; it keeps what they compute once, as the engine's does. */
record KitContext(String jobId, String sourceOrganization, String targetOrganization, Set<String> runningPlugins,
    IdFunction ids, OrgApi org, WebClient http, Vertx vertx, JsonObject options, int pageSize, ProgressSink progress,
    OncePerRun computed) implements CopyContext {

  KitContext(String jobId, String sourceOrganization, String targetOrganization, Set<String> runningPlugins,
      IdFunction ids, OrgApi org, WebClient http, Vertx vertx, JsonObject options, int pageSize,
      ProgressSink progress) {
    this(jobId, sourceOrganization, targetOrganization, runningPlugins, ids, org, http, vertx, options, pageSize,
        progress, new OncePerRun());
  }

  @Override
  public <T> Future<T> once(String key, Supplier<Future<T>> compute) {
    return computed.get(key, compute);
  }
}
