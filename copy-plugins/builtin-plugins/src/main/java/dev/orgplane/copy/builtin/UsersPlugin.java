package dev.orgplane.copy.builtin;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.Counts;
import dev.orgplane.copy.api.KindDiff;
import dev.orgplane.copy.api.OrgObjectsPlugin;
import dev.orgplane.copy.api.PageResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;

/**
 * The template's members become members of the copy with the same roles (custom roles keep their
 * names, so roles need no remapping). User accounts are shared, so a member's id is the same in both
 * organizations. A member already in the target (its owner, made with it, or one copied before) takes the
 * template's roles, as every kind's copy takes the template's fields again on a re-run; an owner of the target
 * is left as they are (an import never takes an organization's owner away), and an owner who is no template member is
 * no drift; nor is the job's requester whom org-service makes no member ({@link #leftOut}). Option
 * {@code copyMembers: false} skips the kind: no copy, nothing in the plan, no drift.
 */
public final class UsersPlugin extends OrgObjectsPlugin {

  private static final String OWNER = "owner";

  public UsersPlugin() {
    super("users", "users", Set.of("roles"), List.of("roles"));
  }

  @Override
  public int order() {
    return MembersChain.ORDER;
  }

  @Override
  protected String sourceId(JsonObject member) {
    return member.getString("userId");
  }

  @Override
  protected String targetId(CopyContext context, String sourceId) {
    return sourceId;
  }

  /**
   * What an import leaves as it is: an owner of the target, whatever the template gives them, and roles given in
   * another order (a set to org-service). Compared as lists, a target owner who is a template member was planned as
   * updated and diffed as changed by the tenant for good, though no copy changes them.
   */
  @Override
  protected boolean same(JsonObject copy, JsonObject current) {
    return isOwner(current) || super.same(withSetOf(copy, "roles"), withSetOf(current, "roles"));
  }

  /**
   * A target owner who is no template member (who queued the job that made it, or an invited owner who accepted) is
   * the tenant's, not drift: listed as extra, they kept every tenant from being in sync for good.
   */
  @Override
  protected boolean outsideTheCopy(JsonObject current) {
    return isOwner(current);
  }

  /**
   * The job's requester where org-service makes them no member ({@link CopyContext#withheldMembers}): planned and
   * diffed as the copy leaves them, not as missing or changed for good.
   */
  @Override
  protected boolean leftOut(CopyContext context, JsonObject copy) {
    return context.withheldMembers().contains(targetIdOf(copy));
  }

  private static boolean isOwner(JsonObject member) {
    var roles = member.getJsonArray("roles");
    return roles != null && roles.contains(OWNER);
  }

  @Override
  public Future<PageResult> copy(CopyContext context, Checkpoint from) {
    return copiesMembers(context) ? super.copy(context, from) : nothing();
  }

  @Override
  public Future<PageResult> plan(CopyContext context, Checkpoint from) {
    return copiesMembers(context) ? super.plan(context, from) : nothing();
  }

  @Override
  public Future<KindDiff> diff(CopyContext context) {
    return copiesMembers(context) ? super.diff(context)
        : Future.succeededFuture(new KindDiff(id(), List.of(), List.of(), List.of()));
  }

  private static boolean copiesMembers(CopyContext context) {
    return context.options().getBoolean("copyMembers", true);
  }

  private static Future<PageResult> nothing() {
    return Future.succeededFuture(new PageResult(null, Counts.ZERO, List.of()));
  }
}
