package dev.orgplane.engine.orgapi;

import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.CopyFailure;
import dev.orgplane.copy.api.Counts;
import dev.orgplane.copy.api.Existing;
import dev.orgplane.copy.api.HookAllowance;
import dev.orgplane.copy.api.OrgApi;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The org API a plugin is given: the engine's, whose service identity may provision every organization, held to the
 * organizations of one job. A plugin reads the template and the target, and writes the target only, and only when
 * the job copies (a dry run and a diff write nothing). Any other call fails, before it is sent, with a
 * {@link CopyFailure} of code {@value #CODE} naming the organization, which fails the job at once; so does a path or
 * id that would lead out of the organization it follows ({@link OrgPaths}: {@code "../{other}/roles"}). Until session
 * 27 plugins were given the engine's API itself, and a plugin could write into the template, or read and write any
 * other tenant; until session 30 a dot segment in a path or id reached any other tenant. A copy carries the template
 * hooks' secrets only for a job with option {@value CopyContext#COPY_HOOK_SECRETS}, and fails
 * {@value CopyContext#HOOK_SECRETS_NOT_REQUESTED} otherwise. A post or put of one of org-service's custom methods
 * ({@code hooks:copy}) fails with code {@value #CODE} too ({@link CopyFailure#customMethod}): its body names what it
 * reads, which no check of the path sees, so it would copy from any organization, secrets carried; each has a call of
 * its own, held to the job, {@link #copyPage} above all, which copies from the template only
 * ({@link CopyFailure#copiedFromOtherThan}).
 */
public final class JobScopedOrgApi implements OrgApi {

  public static final String CODE = CopyContext.ORGANIZATION_OUT_OF_SCOPE;

  private final OrgApi api;
  private final String source;
  private final String target;
  private final boolean writes;
  /**
   * Whether the job has option {@value CopyContext#COPY_HOOK_SECRETS}: the engine's identity may carry the template
   * hooks' secrets ({@code app_hook_secretcopy}), so until session 32 any plugin had them carried on any job, which
   * only a requester who may edit the template's hooks may ask for ({@link CallerAccess#requireOptionRights}).
   */
  private final boolean carriesSecrets;

  private JobScopedOrgApi(OrgApi api, String source, String target, boolean writes, boolean carriesSecrets) {
    this.api = api;
    this.source = source;
    this.target = target;
    this.writes = writes;
    this.carriesSecrets = carriesSecrets;
  }

  /**
   * {@code api} held to a job that copies {@code source} into {@code target} with {@code options}: the template hooks'
   * secrets are carried only if they have {@value CopyContext#COPY_HOOK_SECRETS}.
   */
  public static OrgApi copying(OrgApi api, String source, String target, JsonObject options) {
    return new JobScopedOrgApi(api, source, target, true, options.getBoolean(CopyContext.COPY_HOOK_SECRETS, false));
  }

  /** {@code api} held to reading {@code source} and {@code target} (null: none yet), as a dry run and a diff do. */
  public static OrgApi reading(OrgApi api, String source, String target) {
    return new JobScopedOrgApi(api, source, target, false, false);
  }

  @Override
  public Future<Page> list(String organization, String path, String cursor, int limit) {
    return inside(organization, path, OrgPaths.staysInside(path, true),
        () -> read(organization, () -> api.list(organization, path, cursor, limit)));
  }

  @Override
  public Future<Counts> importBatch(String organization, String path, List<JsonObject> items, Existing existing) {
    return inside(organization, path, OrgPaths.staysInside(path, false),
        () -> write(organization, () -> api.importBatch(organization, path, items, existing)));
  }

  @Override
  public Future<CopiedPage> copyPage(String source, String target, String path, String cursor, int limit,
      boolean copySecrets, Existing existing, Set<String> copiedElsewhere) {
    if (copySecrets && !carriesSecrets) {
      return Future.failedFuture(CopyFailure.hookSecretsNotRequested());
    }
    return inside(target, path, OrgPaths.staysInside(path, false), () -> CopyFailure
        .copiedFromOtherThan(this.source, source).<Future<CopiedPage>>map(Future::failedFuture)
        .orElseGet(() -> write(target,
            () -> api.copyPage(source, target, path, cursor, limit, copySecrets, existing, copiedElsewhere))));
  }

  @Override
  public Future<Set<String>> existing(String organization, Collection<String> ids) {
    return read(organization, () -> api.existing(organization, ids));
  }

  @Override
  public Future<HookAllowance> hookAllowance(String organization) {
    return read(organization, () -> api.hookAllowance(organization));
  }

  @Override
  public Future<Counts> put(String organization, String path, String id, JsonObject body) {
    return noCustomMethod(organization, path, () -> inside(organization, path + "/" + id,
        OrgPaths.staysInside(path, false) && OrgPaths.isSegment(id),
        () -> write(organization, () -> api.put(organization, path, id, body))));
  }

  @Override
  public Future<JsonObject> post(String organization, String path, JsonObject body) {
    return noCustomMethod(organization, path, () -> inside(organization, path, OrgPaths.staysInside(path, false),
        () -> write(organization, () -> api.post(organization, path, body))));
  }

  /** {@code call} unless {@code path} names a custom method of org-service, refused otherwise. */
  private static <T> Future<T> noCustomMethod(String organization, String path, Supplier<Future<T>> call) {
    return CopyFailure.customMethod(organization, path).<Future<T>>map(Future::failedFuture).orElseGet(call);
  }

  /** {@code call} when {@code path} stays inside {@code organization} ({@link OrgPaths}), refused otherwise. */
  private static <T> Future<T> inside(String organization, String path, boolean staysInside,
      Supplier<Future<T>> call) {
    return staysInside ? call.get() : Future.failedFuture(new CopyFailure(CODE, "A plugin may not call " + path
        + " of organization " + organization + ": a path names objects of that organization only, without an empty,"
        + " \".\" or \"..\" segment, \"%\", \"\\\", \"#\", a space or a character beyond ASCII, and with a \"?\""
        + " only before a list's query.", null));
  }

  private <T> Future<T> read(String organization, Supplier<Future<T>> call) {
    return is(organization, source) || is(organization, target) ? call.get()
        : refused("read", organization, "its template and its target");
  }

  private <T> Future<T> write(String organization, Supplier<Future<T>> call) {
    if (!writes) {
      return refused("write", organization, "none: a dry run and a diff write nothing");
    }
    return is(organization, target) ? call.get() : refused("write", organization, "its target");
  }

  private static boolean is(String organization, String jobs) {
    return organization != null && organization.equalsIgnoreCase(jobs);
  }

  private static <T> Future<T> refused(String verb, String organization, String allowed) {
    return Future.failedFuture(new CopyFailure(CODE, "A plugin may not " + verb + " organization " + organization
        + ": it may " + verb + " " + allowed + ".", null));
  }
}
