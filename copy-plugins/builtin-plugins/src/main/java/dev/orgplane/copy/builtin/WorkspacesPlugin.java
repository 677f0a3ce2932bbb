package dev.orgplane.copy.builtin;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.OrgApi;
import dev.orgplane.copy.api.OrgObjectsPlugin;
import dev.orgplane.copy.api.PageResult;
import io.vertx.core.Future;
import java.util.List;
import java.util.Set;

/** Workspaces: nothing to remap; org-service copies the pages. */
public final class WorkspacesPlugin extends OrgObjectsPlugin {

  public WorkspacesPlugin() {
    super("workspaces", "workspaces", Set.of(), List.of("name", "metadata"));
  }

  @Override
  public Future<PageResult> copy(CopyContext context, Checkpoint from) {
    return copyInService(context, from.cursor()).map(OrgApi.CopiedPage::result);
  }
}
