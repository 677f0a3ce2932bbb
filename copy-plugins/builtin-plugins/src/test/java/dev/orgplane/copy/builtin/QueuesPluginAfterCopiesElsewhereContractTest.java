package dev.orgplane.copy.builtin;

import dev.orgplane.copy.api.CopyPlugin;
import dev.orgplane.copy.testkit.CopyPluginContract;
import dev.orgplane.copy.testkit.TemplateWriter;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;

/**
 * Queues whose settings name objects a plugin earlier in the run order copied into another system: org-service,
 * which copies the queues, remaps those ids as plan and diff do, so a plan after the copy finds nothing to do.
 */
class QueuesPluginAfterCopiesElsewhereContractTest extends CopyPluginContract {

  @Override
  protected CopyPlugin plugin() {
    return new QueuesPlugin();
  }

  @Override
  protected List<CopyPlugin> prerequisites() {
    return List.of(new ElsewherePlugin(), new WorkspacesPlugin(), new SchemasPlugin());
  }

  @Override
  protected void template(TemplateWriter template) {
    var workspaces = Templates.workspaces(template);
    var schemas = Templates.schemas(template);
    for (int i = 0; i < 8; i++) {
      template.add("queues", new JsonObject().put("name", "queue-" + i)
          .put("workspaceId", workspaces.get(i % workspaces.size())).put("schemaId", schemas.get(i % schemas.size()))
          .put("settings", new JsonObject().put("notifyChannel", ElsewherePlugin.OBJECTS.get(i % 2))
              .put("unrelated", UUID.randomUUID().toString()))
          .put("metadata", new JsonObject()));
    }
  }
}
