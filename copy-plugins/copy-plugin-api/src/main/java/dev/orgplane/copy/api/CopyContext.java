package dev.orgplane.copy.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.Set;
import java.util.function.Supplier;

/** What a plugin works with during one job. Plugins keep no state of their own between calls. */
public interface CopyContext {

  /**
   * The job's id; org-service records it on every audit event the copy causes. {@code null} in a diff, which belongs
   * to no job. Never part of a copy's id, nor of anything a copy is found by: a re-run is a new job and a diff has
   * none, so a copy named after the job would be made again by every re-run and be missing from every diff.
   */
  String jobId();

  /** The template organization's id. */
  String sourceOrganization();

  /** The target organization's id; {@code null} in a dry run whose target does not exist yet. */
  String targetOrganization();

  /**
   * The ids of the plugins this job runs, or of every plugin the engine has installed in a diff, which runs them all.
   * A {@link PluginMark} counts only for one of these: the mark of a plugin since removed, or one a tenant wrote into
   * their own object's metadata, makes it no plugin's, and the diff of its kind answers for it. None by default.
   */
  default Set<String> runningPlugins() {
    return Set.of();
  }

  /**
   * The user ids whose membership org-service leaves out of the target, whatever the template gives them: the job's
   * requester (for a diff, its caller), a group admin who does not own the target, whom the engine's identity makes
   * no member there, as they could not make themself one (since session 41). A copy of members still names them (their
   * import answers them {@code withheld}, counted in none of created, updated, unchanged); a plan and a diff, which
   * write nothing, leave them out as the copy will. None by default.
   */
  default Set<String> withheldMembers() {
    return Set.of();
  }

  /** Target ids for template objects, and remapping of ids embedded in free-form data. */
  IdFunction ids();

  /**
   * The org-service API, with the engine's service identity, held to the job: it reads the template and the target
   * and writes the target, in a copy only (a plan and a diff write nothing). Any other call fails with a
   * {@link CopyFailure} of code {@value #ORGANIZATION_OUT_OF_SCOPE}, which fails the job.
   */
  OrgApi org();

  /** An HTTP client for plugins that copy into systems other than org-service. */
  WebClient http();

  Vertx vertx();

  /**
   * The job option that has hook copies carry their template hooks' secrets ({@link OrgApi#copyPage(String, String,
   * String, String, int, boolean)}); the engine takes it only from a requester who may edit the template's hooks.
   */
  String COPY_HOOK_SECRETS = "copyHookSecrets";

  /**
   * The code of the {@link CopyFailure} a copy fails with, unsent, when it asks for the template hooks' secrets in a
   * job without option {@value #COPY_HOOK_SECRETS}: the engine's identity may carry them for any job.
   */
  String HOOK_SECRETS_NOT_REQUESTED = "hook_secrets_not_requested";

  /**
   * The code of the {@link CopyFailure} a call of {@link #org()} fails with, unsent, when it leaves the job: an
   * organization other than the template and the target, a write but into the target in a copy, or a custom method of
   * org-service through post or put ({@link CopyFailure#customMethod}).
   */
  String ORGANIZATION_OUT_OF_SCOPE = "organization_out_of_scope";

  /** The job option saying what becomes of copies already in the target ({@link Existing}); "update" by default. */
  String EXISTING = "existing";

  /** The job's options as the caller gave them, e.g. {@code {"copyMembers": false}}. */
  JsonObject options();

  /** What the job does to copies already in the target: option {@value #EXISTING}. */
  default Existing existing() {
    return Existing.of(options().getValue(EXISTING)).orElse(Existing.UPDATE);
  }

  /** Objects per page: how many a plugin reads and writes per call of {@link CopyPlugin#copy}. */
  int pageSize();

  /**
   * Objects per page when org-service copies a page itself ({@link OrgApi#copyPage}): none of them
   * passes through the engine, so these pages may be larger, and fewer pages cost fewer transactions.
   */
  default int copyPageSize() {
    return pageSize();
  }

  ProgressSink progress();

  /**
   * What {@code compute} answers, computed once per run of the job (or per diff) however many pages ask for
   * {@code key}: what each page needs of the whole template (the ids of its members, say) is read once, not once a
   * page. Name keys after the plugin. A failure is not kept. This default keeps nothing and computes every time.
   */
  default <T> Future<T> once(String key, Supplier<Future<T>> compute) {
    return compute.get();
  }
}
