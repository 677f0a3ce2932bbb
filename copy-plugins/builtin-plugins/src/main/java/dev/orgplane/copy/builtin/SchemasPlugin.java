package dev.orgplane.copy.builtin;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.OrgApi;
import dev.orgplane.copy.api.OrgObjectsPlugin;
import dev.orgplane.copy.api.PageResult;
import io.vertx.core.Future;
import java.util.List;
import java.util.Set;

/** Schemas: their JSON content is copied as it is, by org-service itself. */
public final class SchemasPlugin extends OrgObjectsPlugin {

  public SchemasPlugin() {
    super("schemas", "schemas", Set.of(), List.of("name", "content", "metadata"));
  }

  @Override
  public Future<PageResult> copy(CopyContext context, Checkpoint from) {
    return copyInService(context, from.cursor()).map(OrgApi.CopiedPage::result);
  }
}
