package dev.orgplane.copy.builtin;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.CopyFailure;
import dev.orgplane.copy.api.Counts;
import dev.orgplane.copy.api.HookAllowance;
import dev.orgplane.copy.api.OrgApi.CopiedPage;
import dev.orgplane.copy.api.OrgObjectsPlugin;
import dev.orgplane.copy.api.PageResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;

/**
 * Hooks point at copied queues and at other hooks ({@code runAfter}); ids inside their config are
 * remapped. org-service copies the pages. Secrets never pass through the plugin: org-service makes a new secret
 * for a new hook and keeps the secret of one that exists, unless the job's option
 * {@value CopyContext#COPY_HOOK_SECRETS} asks it to give every copy its template hook's secret (which the engine
 * allows only to a requester who may edit the template's hooks). Plan and diff never see secrets, which are
 * write-only, so the option changes neither.
 *
 * <p>A hook may run after a hook of a later page, which does not exist yet when its page is copied,
 * and org-service leaves such a reference out (it counts the hook as deferred), as it does, in a rollout, one whose
 * copy would run after a later page's copy that still runs after it until its page comes (a reversed run order). So
 * the copy takes two passes: the first copies every hook with the {@code runAfter} entries it can write, the second
 * (cursors prefixed {@value #LINKING}) copies the pages again, which completes the lists, and runs only
 * if the first deferred any. A re-run of an unchanged template finds every hook copied already and takes one pass.
 * No pass follows the second, so a reference it leaves out still (a hook of the template or a copy changed while
 * the job ran) fails the job, {@value #RUN_ORDER_INCOMPLETE}, rather than have it end without it.
 *
 * <p>org-service refuses a copy that would give the target more hooks than an organization may have, and so does a
 * plan ({@link #plan}), which writes nothing.
 */
public final class HooksPlugin extends OrgObjectsPlugin {

  static final String FIRST = "first:";
  static final String LINKING = "linking:";
  /** The code of a job whose second pass left a run-after reference out. */
  static final String RUN_ORDER_INCOMPLETE = "run_order_incomplete";

  public HooksPlugin() {
    super("hooks", "hooks", Set.of("queues"),
        List.of("name", "url", "events", "queueIds", "runAfter", "active", "config", "metadata"),
        CopiedInServicePlugin.NAME_TAKEN);
  }

  @Override
  protected Future<JsonObject> toTarget(CopyContext context, JsonObject source) {
    return super.toTarget(context, source).compose(copy -> {
      copy.put("queueIds", Remap.ids(context, source.getJsonArray("queueIds")))
          .put("runAfter", Remap.ids(context, source.getJsonArray("runAfter")));
      return Remap.embedded(context, copy, "config");
    });
  }

  @Override
  public Future<PageResult> copy(CopyContext context, Checkpoint from) {
    var cursor = from.cursor();
    if (cursor != null && cursor.startsWith(LINKING)) {
      // the second pass counts nothing: each hook was counted once, by the first
      return copyHooks(context, listCursor(cursor.substring(LINKING.length()))).map(HooksPlugin::linked)
          .map(page -> new PageResult(page.last() ? null : LINKING + page.nextCursor(), Counts.ZERO, page.sourceIds()));
    }
    // first-pass cursors carry whether a page deferred references: only then is the second pass needed
    var deferredBefore = cursor != null && cursor.startsWith(FIRST + "1");
    var after = cursor == null ? null : listCursor(cursor.substring(FIRST.length() + 2));
    return copyHooks(context, after).map(copied -> {
      var page = copied.result();
      var deferred = deferredBefore || copied.deferred() > 0;
      if (!page.last()) {
        return new PageResult(FIRST + (deferred ? "1:" : "0:") + page.nextCursor(), page.counts(), page.sourceIds());
      }
      return deferred ? new PageResult(LINKING, page.counts(), page.sourceIds()) : page;
    });
  }

  /**
   * The page planned as every kind plans it; after the last, a plan that would create hooks fails as the copy would,
   * with org-service's code {@value HookAllowance#LIMIT_REACHED} and answer, when they give the target more hooks than
   * an organization may have: those it has (none for a target not made yet) and those the run creates (a re-run
   * creates none of the copies made already). The copy fails at the page that passes the limit; the plan names the
   * count the whole run would reach, and reads the limit once per run. Until session 43 such a plan succeeded, and a
   * rollout first met the limit when its jobs failed.
   */
  @Override
  public Future<PageResult> plan(CopyContext context, Checkpoint from) {
    return super.plan(context, from).compose(page -> page.last()
        ? requireRoomFor(context, from.counts().plus(page.counts()).created()).map(room -> page)
        : Future.succeededFuture(page));
  }

  private static Future<Void> requireRoomFor(CopyContext context, long created) {
    if (created == 0) {
      return Future.succeededFuture();
    }
    var target = context.targetOrganization();
    // a target not made yet has no hooks: the template tells the limit, which is the same for every organization
    return context.org().hookAllowance(target == null ? context.sourceOrganization() : target).compose(read -> {
      var allowance = target == null ? new HookAllowance(read.limit(), 0) : read;
      // the copy's refusal fails its job as a CopyFailure with the service's code and message: so does the plan's
      return allowance.refusalOf(created)
          .map(refused -> Future.<Void>failedFuture(new CopyFailure(refused.code(), refused.detail(), null)))
          .orElseGet(Future::succeededFuture);
    });
  }

  /**
   * A page copied by org-service once every object its config may name has been copied, those copied into other
   * systems too; both passes ask the same of the secrets, as the job's options say.
   */
  private Future<CopiedPage> copyHooks(CopyContext context, String after) {
    return copyInServiceRemapping(context, after, context.options().getBoolean(CopyContext.COPY_HOOK_SECRETS, false));
  }

  /** A page of the second pass, which must leave no reference out: nothing would write it. */
  private static PageResult linked(CopiedPage copied) {
    if (copied.deferred() > 0) {
      throw new CopyFailure(RUN_ORDER_INCOMPLETE, copied.deferred() + " hook copies still lack run-after references "
          + "their template hooks have: hooks of the template or of the target changed while the job copied them. "
          + "Run the job again.", null);
    }
    return copied.result();
  }

  private static String listCursor(String rest) {
    return rest.isEmpty() ? null : rest;
  }
}
