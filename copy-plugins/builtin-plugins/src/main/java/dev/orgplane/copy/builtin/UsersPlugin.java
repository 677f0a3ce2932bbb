package dev.orgplane.copy.builtin;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.Counts;
import dev.orgplane.copy.api.OrgObjectsPlugin;
import dev.orgplane.copy.api.PageResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

/**
 * The template's members become members of the copy with the same roles (custom roles keep their
 * names, so roles need no remapping). User accounts are shared, so a member's id is the same in both
 * organizations. Someone already a member of the target (its owner, made with it) is adopted as
 * they are. Option {@code copyMembers: false} skips the kind.
 */
public final class UsersPlugin extends OrgObjectsPlugin {

  public UsersPlugin() {
    super("users", "users", Set.of("roles"), List.of("roles"));
  }

  @Override
  protected String sourceId(JsonObject member) {
    return member.getString("userId");
  }

  @Override
  protected String targetId(CopyContext context, String sourceId) {
    return sourceId;
  }

  @Override
  public Future<PageResult> copy(CopyContext context, Checkpoint from) {
    if (!context.options().getBoolean("copyMembers", true)) {
      return Future.succeededFuture(new PageResult(null, Counts.ZERO, List.of()));
    }
    return super.copy(context, from);
  }

  /** One call per distinct role set: a page of members usually holds a handful of them. */
  @Override
  protected Future<Counts> write(CopyContext context, List<JsonObject> copies) {
    var byRoles = new LinkedHashMap<JsonArray, List<String>>();
    copies.forEach(copy -> byRoles.computeIfAbsent(copy.getJsonArray("roles"), roles -> new ArrayList<>())
        .add(copy.getString("id")));
    var calls = byRoles.entrySet().stream().map(entry -> context.org().post(context.targetOrganization(), path(),
            new JsonObject().put("userIds", new JsonArray(List.copyOf(entry.getValue()))).put("roles", entry.getKey()))
        .map(answer -> answer.getLong("added", 0L))).toList();
    return Future.all(calls).map(all -> {
      long added = all.<Long>list().stream().mapToLong(Long::longValue).sum();
      return new Counts(added, 0, copies.size() - added);
    });
  }
}
