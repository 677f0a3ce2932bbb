package dev.orgplane.copy.builtin;

import dev.orgplane.copy.api.OrgObjectsPlugin;
import java.util.List;
import java.util.Set;

/** Custom roles. Members refer to roles by name, which a copy keeps, so roles run before users. */
public final class RolesPlugin extends OrgObjectsPlugin {

  public RolesPlugin() {
    super("roles", "roles", Set.of(), List.of("name", "title", "permissions", "metadata"));
  }

  /**
   * By id: the list's default order is by name, and a role renamed in the template between two pages of a copy moved
   * past its cursor (never copied, the job still succeeding) or back before it (copied twice).
   */
  @Override
  protected String listPath() {
    return path() + "?order=id";
  }
}
