package dev.orgplane.copy.builtin;

import dev.orgplane.copy.api.OrgObjectsPlugin;
import java.util.List;
import java.util.Set;

/** Workspaces: nothing to remap. */
public final class WorkspacesPlugin extends OrgObjectsPlugin {

  public WorkspacesPlugin() {
    super("workspaces", "workspaces", Set.of(), List.of("name", "metadata"));
  }
}
