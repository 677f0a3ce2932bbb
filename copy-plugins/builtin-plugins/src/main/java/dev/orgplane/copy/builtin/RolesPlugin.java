package dev.orgplane.copy.builtin;

import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.Counts;
import dev.orgplane.copy.api.OrgObjectsPlugin;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;

/**
 * Custom roles. Members refer to roles by name, which a copy keeps, so roles run before users.
 * Organizations hold tens of roles, not thousands: one create-or-replace call per role, sent together.
 */
public final class RolesPlugin extends OrgObjectsPlugin {

  public RolesPlugin() {
    super("roles", "roles", Set.of(), List.of("name", "title", "permissions", "metadata"));
  }

  @Override
  protected Future<Counts> write(CopyContext context, List<JsonObject> copies) {
    return PutEach.write(context, path(), copies);
  }
}
