package dev.orgplane.copy.builtin;

import dev.orgplane.copy.api.OrgObjectsPlugin;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;

/** Custom roles. Members refer to roles by name, which a copy keeps, so roles run before users. */
public final class RolesPlugin extends OrgObjectsPlugin {

  public RolesPlugin() {
    super("roles", "roles", Set.of(), List.of("name", "title", "permissions", "metadata"),
        "role_name_taken");
  }

  @Override
  public int order() {
    return MembersChain.ORDER;
  }

  /**
   * A role's permissions are a set to org-service (an import giving them in another order changes nothing): compared
   * in order, plan and diff showed a change no copy made, for good.
   */
  @Override
  protected boolean same(JsonObject copy, JsonObject current) {
    return super.same(withSetOf(copy, "permissions"), withSetOf(current, "permissions"));
  }
}
