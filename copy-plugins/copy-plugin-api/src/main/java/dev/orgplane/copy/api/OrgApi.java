package dev.orgplane.copy.api;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The org-service HTTP API as plugins use it, called with the engine's own service identity.
 * {@code path} is what follows {@code /v1/organizations/{organization}/}, e.g. {@code "queues"} or
 * {@code "groups"}. Failures are {@link OrgApiException}s carrying the service's problem code.
 */
public interface OrgApi {

  /**
   * One page of {@code GET .../{path}?cursor=&limit=}, in the service's stable list order; {@code path} may carry a
   * query of its own ({@code "groups?include=userIds"}). Pages of the template may be shared with other jobs: treat
   * listed objects as read-only and copy what you change.
   */
  Future<Page> list(String organization, String path, String cursor, int limit);

  /**
   * Hands {@code eachPage} the objects of {@code GET .../{path}} a page at a time (500), in the list's order, and reads
   * the next page once the future it answered for the one before has completed; one that fails ends the reading with
   * its failure. Keep of each page only what you need of the whole list (its ids, say) and let the page go: nothing
   * here holds more than the page at hand, so the heap a read takes does not grow with the organization, whose
   * members org-service does not count. For plan, diff and what a copy needs of the whole template; a copy itself
   * reads page by page ({@link #list}).
   */
  default Future<Void> forEachPage(String organization, String path,
      Function<List<JsonObject>, Future<?>> eachPage) {
    return readPages(this, organization, path, null, eachPage);
  }

  /**
   * Every object of {@code GET .../{path}}, read by {@link #forEachPage}. Holds the whole list in memory, so its heap
   * grows with the organization: prefer {@link #forEachPage}. Kept so that plugins built against it still run.
   */
  @Deprecated
  default Future<List<JsonObject>> listAll(String organization, String path) {
    var items = new ArrayList<JsonObject>();
    return forEachPage(organization, path, page -> {
      items.addAll(page);
      return Future.succeededFuture();
    }).map(done -> items);
  }

  private static Future<Void> readPages(OrgApi api, String organization, String path, String cursor,
      Function<List<JsonObject>, Future<?>> eachPage) {
    return api.list(organization, path, cursor, 500).compose(page -> {
      var next = page.nextCursor();
      return eachPage.apply(page.items()).compose(done -> next == null ? Future.<Void>succeededFuture()
          : readPages(api, organization, path, next, eachPage));
    });
  }

  /**
   * {@code POST .../{path}:batch} with up to 500 objects that carry their own ids: created, replaced
   * or left alone in one statement, all or nothing.
   */
  default Future<Counts> importBatch(String organization, String path, List<JsonObject> items) {
    return importBatch(organization, path, items, Existing.UPDATE);
  }

  /**
   * {@link #importBatch(String, String, List)}; with {@link Existing#KEEP} ({@code "existing": "keep"}) an object
   * that exists is left exactly as it is and counted unchanged (a member keeps their roles): only missing ones are
   * created. This is the method an org API implements.
   */
  Future<Counts> importBatch(String organization, String path, List<JsonObject> items, Existing existing);

  /**
   * {@code POST /v1/organizations/{target}/{path}:copy?cursor=&limit=} with {@code {"from": source}}:
   * org-service copies the page of {@code source}'s objects after {@code cursor} into {@code target}
   * itself, in one transaction, and no object travels through the engine. The copies are exactly what
   * a plugin would write: ids by {@link IdFunction#nameBased} of the target; references to the
   * source's objects turned into references to their copies the same way; ids inside free-form data
   * ({@code settings}, {@code config}) remapped when they name an object of the source, copied yet or not (a copy
   * never depends on the order it is made in), or an object whose copy is in the target already (the source may
   * have lost it since: wait for {@link IdFunction#earlierPluginsDone} so that every such copy is there); secrets
   * made anew for new copies, kept by existing ones. Cursors are those of {@link #list}. A reference to an object of the same kind (a
   * hook running after another) whose copy is not in the target yet is left out and counted as deferred: copying the
   * same pages again once the later ones are in completes it.
   *
   * <p>Setup kinds only ({@code workspaces}, {@code schemas}, {@code queues}, {@code hooks}); an API
   * without this answers {@link UnsupportedOperationException}.
   */
  default Future<CopiedPage> copyPage(String source, String target, String path, String cursor, int limit) {
    return copyPage(source, target, path, cursor, limit, false);
  }

  /**
   * {@link #copyPage(String, String, String, String, int)}; with {@code copySecrets} ({@code hooks} only:
   * {@code "copySecrets": true}) the copies, new or existing, get their template objects' secrets instead, so that a
   * receiver of the template's hooks verifies its copies' deliveries with the secret it holds. Secrets are
   * write-only: they go from row to row inside org-service and never pass through a plugin. The engine has them
   * carried only for a job with option {@code copyHookSecrets}, which it grants only to a requester who may edit the
   * template's hooks: asked for in another job, the call fails with a {@link CopyFailure} of code
   * {@value CopyContext#HOOK_SECRETS_NOT_REQUESTED}, which fails the job.
   */
  default Future<CopiedPage> copyPage(String source, String target, String path, String cursor, int limit,
      boolean copySecrets) {
    return copyPage(source, target, path, cursor, limit, copySecrets, Existing.UPDATE);
  }

  /**
   * {@link #copyPage(String, String, String, String, int, boolean)}; with {@link Existing#KEEP}
   * ({@code "existing": "keep"}) copies already in the target are left as they are (secrets included) and counted
   * unchanged: only missing ones are made. One exception only completes a copy: a copy nobody changed since it was
   * made, of a template object not changed since either, that lacks references to its own kind left out (deferred)
   * when it was made (a hook's {@code runAfter}), takes them and counts updated; that is how a second pass completes
   * the copies its first pass made.
   */
  default Future<CopiedPage> copyPage(String source, String target, String path, String cursor, int limit,
      boolean copySecrets, Existing existing) {
    return copyPage(source, target, path, cursor, limit, copySecrets, existing, Set.of());
  }

  /**
   * {@link #copyPage(String, String, String, String, int, boolean, Existing)}; ids inside free-form data that are
   * among {@code copiedElsewhere} ({@code "copiedElsewhere": [...]}, template ids of objects copied into the target
   * in other systems: {@link IdFunction#copiedElsewhere}, at most {@value IdFunction#MAX_COPIED_ELSEWHERE}) are
   * remapped too. org-service takes them from the provisioning engine's identity only. This is the method an org API
   * implements; one that implements only {@link #copyPage(String, String, String, String, int, boolean, Existing)},
   * as the method to implement was before, is called through it when {@code copiedElsewhere} is empty.
   */
  default Future<CopiedPage> copyPage(String source, String target, String path, String cursor, int limit,
      boolean copySecrets, Existing existing, Set<String> copiedElsewhere) {
    if (copiedElsewhere.isEmpty() && implementsCopyPageWithoutCopiedElsewhere(getClass())) {
      return copyPage(source, target, path, cursor, limit, copySecrets, existing);
    }
    return Future.failedFuture(new UnsupportedOperationException("this org API cannot copy " + path + " itself"));
  }

  /**
   * Whether {@code api} overrides the 7-argument copyPage: its default calls the 8-argument one, so calling it from
   * there when neither is implemented would never end.
   */
  private static boolean implementsCopyPageWithoutCopiedElsewhere(Class<?> api) {
    try {
      return api.getMethod("copyPage", String.class, String.class, String.class, String.class, int.class,
          boolean.class, Existing.class).getDeclaringClass() != OrgApi.class;
    } catch (NoSuchMethodException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  /**
   * {@code POST .../objects:lookup}: which of {@code ids} name objects of {@code organization}, of the
   * kinds whose copies have name-based ids (workspaces, schemas, queues, hooks, teams, roles), at most
   * {@value #MAX_LOOKUP} per call. A copy's id is {@link IdFunction#nameBased} of the target, so this
   * tells which copies exist there: the engine asks it for objects copied into org-service, of which it
   * keeps no record of its own. An API without this answers {@link UnsupportedOperationException}.
   */
  default Future<Set<String>> existing(String organization, Collection<String> ids) {
    return Future.failedFuture(new UnsupportedOperationException("this org API cannot look ids up"));
  }

  /**
   * {@code GET .../hook-limit}: how many hooks an organization may have and how many {@code organization} has, in one
   * read, which a plan of hooks asks once per run to tell whether the copy would be refused
   * ({@value HookAllowance#LIMIT_REACHED}). An API without this answers {@link UnsupportedOperationException}.
   */
  default Future<HookAllowance> hookAllowance(String organization) {
    return Future.failedFuture(new UnsupportedOperationException("this org API cannot tell the hook limit"));
  }

  /** The most ids one {@link #existing} call may ask about. */
  int MAX_LOOKUP = 5000;

  /**
   * {@code PUT .../{path}/{id}}: create or replace one object with a chosen id. Not a member: {@code users/{uid}} is
   * no such object (405 {@code method_not_allowed}); members are imported ({@link #importBatch}) or added
   * ({@link #post}).
   */
  Future<Counts> put(String organization, String path, String id, JsonObject body);

  /**
   * {@code POST .../{path}}: for the calls that are neither a list nor an import, e.g. adding members. Not for
   * org-service's custom methods ({@code hooks:copy}, {@code roles:batch}): a job's API refuses them, unsent
   * ({@link CopyFailure#customMethod}); call {@link #copyPage}, {@link #importBatch} or {@link #existing}.
   */
  Future<JsonObject> post(String organization, String path, JsonObject body);

  /** What {@link #copyPage} did: the page's result, and how many copies had references deferred. */
  record CopiedPage(PageResult result, long deferred) {
  }

  /** A page of a list: its objects and the cursor of the next page, {@code null} after the last. */
  record Page(List<JsonObject> items, String nextCursor) {

    public Page {
      items = List.copyOf(items);
    }
  }
}
