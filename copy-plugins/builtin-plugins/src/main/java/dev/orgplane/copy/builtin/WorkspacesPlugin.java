package dev.orgplane.copy.builtin;

import java.util.List;
import java.util.Set;

/** Workspaces: nothing to remap; org-service copies the pages. */
public final class WorkspacesPlugin extends CopiedInServicePlugin {

  public WorkspacesPlugin() {
    super("workspaces", "workspaces", Set.of(), List.of("name", "metadata"));
  }
}
