package dev.orgplane.copy.builtin;

import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.IdFunction;
import dev.orgplane.copy.api.OncePerRun;
import dev.orgplane.copy.api.OrgApi;
import dev.orgplane.copy.api.ProgressSink;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.Collection;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One run of a built-in plugin from {@link #TEMPLATE} into {@code targetOrganization} (null: a new tenant, whose ids
 * are derived from the job's), with the job's {@code options}, for the tests that call a plugin directly rather than
 * through the kit's contract. Free-form data is left as it is and nothing is on record as copied elsewhere;
 * org-service withholds {@code withheldMembers} (none unless asked).
 */
record PluginRun(OrgApi org, String jobId, String targetOrganization, int pageSize, OncePerRun computed,
    JsonObject options, Set<String> withheldMembers) implements CopyContext {

  static final String TEMPLATE = "7e3b1a52-0000-4000-8000-000000000001";
  static final String TARGET = "7e3b1a52-0000-4000-8000-000000000002";

  /** A run with no options: every default. */
  PluginRun(OrgApi org, String jobId, String targetOrganization, int pageSize, OncePerRun computed) {
    this(org, jobId, targetOrganization, pageSize, computed, new JsonObject());
  }

  /** A run with {@code options}, withholding no member. */
  PluginRun(OrgApi org, String jobId, String targetOrganization, int pageSize, OncePerRun computed,
      JsonObject options) {
    this(org, jobId, targetOrganization, pageSize, computed, options, Set.of());
  }

  @Override
  public String sourceOrganization() {
    return TEMPLATE;
  }

  @Override
  public IdFunction ids() {
    var namespace = targetOrganization == null ? jobId : targetOrganization;
    return new IdFunction() {
      @Override
      public String copyOf(String sourceId) {
        return IdFunction.nameBased(namespace, sourceId);
      }

      @Override
      public Future<JsonObject> remapEmbedded(JsonObject freeForm) {
        return Future.succeededFuture(freeForm);
      }

      @Override
      public Future<Set<String>> copiedAlready(Collection<String> copyIds) {
        return Future.succeededFuture(Set.of());
      }

      @Override
      public Future<Set<String>> copiedElsewhere() {
        return Future.succeededFuture(Set.of());
      }
    };
  }

  @Override
  public WebClient http() {
    return null;
  }

  @Override
  public Vertx vertx() {
    return null;
  }

  @Override
  public ProgressSink progress() {
    return message -> { };
  }

  @Override
  public <T> Future<T> once(String key, Supplier<Future<T>> compute) {
    return computed.get(key, compute);
  }
}
