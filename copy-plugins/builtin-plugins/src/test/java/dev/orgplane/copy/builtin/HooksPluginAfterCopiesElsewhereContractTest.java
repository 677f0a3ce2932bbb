package dev.orgplane.copy.builtin;

import dev.orgplane.copy.api.CopyPlugin;
import dev.orgplane.copy.testkit.CopyPluginContract;
import dev.orgplane.copy.testkit.TemplateWriter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Hooks whose config names objects a plugin earlier in the run order copied into another system, as queues do. */
class HooksPluginAfterCopiesElsewhereContractTest extends CopyPluginContract {

  @Override
  protected CopyPlugin plugin() {
    return new HooksPlugin();
  }

  @Override
  protected List<CopyPlugin> prerequisites() {
    return List.of(new ElsewherePlugin(), new WorkspacesPlugin(), new SchemasPlugin(), new QueuesPlugin());
  }

  @Override
  protected void template(TemplateWriter template) {
    var queues = Templates.queues(template);
    for (int i = 0; i < 7; i++) {
      template.add("hooks", new JsonObject().put("name", "hook-" + i)
          .put("url", "https://hooks.example.com/" + i).put("events", new JsonArray().add("queue.created"))
          .put("queueIds", new JsonArray().add(queues.get(i % queues.size()))).put("runAfter", new JsonArray())
          .put("active", true).put("config", new JsonObject().put("channel", ElsewherePlugin.OBJECTS.get(i % 2)))
          .put("metadata", new JsonObject()));
    }
  }
}
