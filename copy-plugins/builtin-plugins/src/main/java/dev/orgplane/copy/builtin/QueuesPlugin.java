package dev.orgplane.copy.builtin;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.OrgApi;
import dev.orgplane.copy.api.OrgObjectsPlugin;
import dev.orgplane.copy.api.PageResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;

/** Queues point at the copies of their workspace and schema; ids inside their settings are remapped too. */
public final class QueuesPlugin extends OrgObjectsPlugin {

  public QueuesPlugin() {
    super("queues", "queues", Set.of("workspaces", "schemas"),
        List.of("name", "workspaceId", "schemaId", "settings", "metadata"), CopiedInServicePlugin.NAME_TAKEN);
  }

  @Override
  protected Future<JsonObject> toTarget(CopyContext context, JsonObject source) {
    return super.toTarget(context, source).compose(copy -> {
      copy.put("workspaceId", context.ids().copyOf(source.getString("workspaceId")))
          .put("schemaId", context.ids().copyOf(source.getString("schemaId")));
      return Remap.embedded(context, copy, "settings");
    });
  }

  /**
   * org-service copies the pages; it remaps settings once every object they may name has been copied, those copied
   * into other systems too.
   */
  @Override
  public Future<PageResult> copy(CopyContext context, Checkpoint from) {
    return copyInServiceRemapping(context, from.cursor(), false).map(OrgApi.CopiedPage::result);
  }
}
