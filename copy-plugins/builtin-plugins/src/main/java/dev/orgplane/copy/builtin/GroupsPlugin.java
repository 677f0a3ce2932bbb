package dev.orgplane.copy.builtin;

import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.OrgObjectsPlugin;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;

/**
 * Teams (the groups inside an organization) with their member lists. Members must belong to the
 * organization, so this runs after users; without copied members ({@code copyMembers: false}) the
 * teams are copied empty.
 */
public final class GroupsPlugin extends OrgObjectsPlugin {

  public GroupsPlugin() {
    super("groups", "groups", Set.of("users"), List.of("name", "title", "metadata", "userIds"));
  }

  @Override
  protected Future<JsonObject> toTarget(CopyContext context, JsonObject source) {
    return super.toTarget(context, source).map(copy -> context.options().getBoolean("copyMembers", true)
        ? copy : copy.put("userIds", new JsonArray()));
  }

  /** The list shows a member count; a copy needs the member ids, which it names when asked (in a stable order). */
  @Override
  protected String listPath() {
    return path() + "?include=userIds";
  }
}
