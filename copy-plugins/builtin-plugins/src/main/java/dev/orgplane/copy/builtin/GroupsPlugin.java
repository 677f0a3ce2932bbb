package dev.orgplane.copy.builtin;

import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.OrgObjectsPlugin;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Teams (the groups inside an organization) with their member lists. Members must belong to the
 * organization, so this runs after users, and a team's copy holds only the members the users plugin
 * copies: the template's people. Its service users belong to it alone (they cannot join another
 * organization, nor so its teams). Without copied members ({@code copyMembers: false}) a copy names no members: a new
 * team is made empty and an existing one keeps the members it has, the tenant's own included, which plan and diff
 * then leave out of the comparison. The job's requester whom org-service makes no member of the target
 * ({@link CopyContext#withheldMembers}) is in no team's copy, and org-service's import leaves their place in the
 * target's teams as it is: until session 42 a copy named them, and the import refused the job (422
 * {@code not_a_member}) where a group admin rolled their own template, holding them in a team, out to another admin's
 * tenant.
 */
public final class GroupsPlugin extends OrgObjectsPlugin {

  private static final String MEMBERS = "userIds";

  public GroupsPlugin() {
    super("groups", "groups", Set.of("users"), List.of("name", "title", "metadata", MEMBERS), "group_name_taken");
  }

  @Override
  public int order() {
    return MembersChain.ORDER;
  }

  /**
   * Without copied members the copies leave {@code userIds} out, which org-service's import reads as "the team's
   * members as they are": until session 32 they named none, {@code []}, and a re-run with {@code --no-members} over
   * existing tenants emptied every team, the members the tenant added included.
   */
  @Override
  protected Future<List<JsonObject>> copies(CopyContext context, List<JsonObject> sources) {
    if (!context.options().getBoolean("copyMembers", true)) {
      return super.copies(context, sources).map(copies -> {
        copies.forEach(copy -> copy.remove(MEMBERS));
        return copies;
      });
    }
    var members = sources.isEmpty() ? Future.succeededFuture(Set.<String>of()) : copiedMembers(context);
    var withheld = context.withheldMembers();
    return members.compose(copied -> super.copies(context, sources).map(copies -> {
      copies.forEach(copy -> copy.put(MEMBERS, new JsonArray(copy.getJsonArray(MEMBERS, new JsonArray()).stream()
          .filter(userId -> copied.contains(userId) && !withheld.contains(userId)).toList())));
      return copies;
    }));
  }

  /** A copy that names no members leaves the team's as they are, so they are no difference. */
  @Override
  protected boolean same(JsonObject copy, JsonObject current) {
    if (copy.containsKey(MEMBERS)) {
      return super.same(copy, current);
    }
    var others = current.copy();
    others.remove(MEMBERS);
    return super.same(copy, others);
  }

  /**
   * A team's copy names no withheld member ({@link CopyContext#withheldMembers}), and the import leaves them in the
   * target's team where they are there: they are no difference, in a team or out of it.
   */
  @Override
  protected boolean same(CopyContext context, JsonObject copy, JsonObject current) {
    var withheld = context.withheldMembers();
    var members = current.getJsonArray(MEMBERS);
    if (withheld.isEmpty() || members == null) {
      return same(copy, current);
    }
    return same(copy, current.copy().put(MEMBERS, new JsonArray(members.stream()
        .filter(userId -> !withheld.contains(userId)).toList())));
  }

  /**
   * The user ids of the template's members as the users plugin lists and copies them: people, not service users.
   * Read once per run, not once per page of teams, and a page at a time: org-service does not bound an
   * organization's members, and a job holding all of them parsed (about 1.2 KB each) ran a small engine out of heap.
   */
  private static Future<Set<String>> copiedMembers(CopyContext context) {
    return context.once("groups.copiedMembers", () -> {
      var userIds = new HashSet<String>();
      return context.org().forEachPage(context.sourceOrganization(), "users", members -> {
        members.forEach(member -> userIds.add(member.getString("userId")));
        return Future.succeededFuture();
      }).<Set<String>>map(read -> userIds);
    });
  }

  /**
   * The list shows a member count; a copy needs the member ids, which it names when asked (in a stable order). By id:
   * by name, the default, a team renamed in the template between two pages of a copy was never copied, or twice.
   */
  @Override
  protected String listPath() {
    return path() + "?include=userIds&order=id";
  }
}
