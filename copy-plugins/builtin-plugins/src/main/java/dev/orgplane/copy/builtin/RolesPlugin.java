package dev.orgplane.copy.builtin;

import dev.orgplane.copy.api.OrgObjectsPlugin;
import java.util.List;
import java.util.Set;

/** Custom roles. Members refer to roles by name, which a copy keeps, so roles run before users. */
public final class RolesPlugin extends OrgObjectsPlugin {

  public RolesPlugin() {
    super("roles", "roles", Set.of(), List.of("name", "title", "permissions", "metadata"));
  }
}
