package dev.orgplane.copy.builtin;

import dev.orgplane.copy.api.CopyPlugin;
import dev.orgplane.copy.testkit.CopyPluginContract;
import dev.orgplane.copy.testkit.TemplateWriter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

class HooksPluginContractTest extends CopyPluginContract {

  @Override
  protected CopyPlugin plugin() {
    return new HooksPlugin();
  }

  @Override
  protected List<CopyPlugin> prerequisites() {
    return List.of(new WorkspacesPlugin(), new SchemasPlugin(), new QueuesPlugin());
  }

  /**
   * A chain of hooks each running after the one made before it: ids are random, so in id order many
   * links point to later pages, which the plugin's second pass must complete. Config names a queue.
   */
  @Override
  protected void template(TemplateWriter template) {
    var queues = Templates.queues(template);
    var hooks = new ArrayList<String>();
    for (int i = 0; i < 9; i++) {
      var runAfter = i == 0 ? new JsonArray() : new JsonArray().add(hooks.get(i - 1));
      hooks.add(template.add("hooks", new JsonObject().put("name", "hook-" + i)
          .put("url", "https://hooks.example.com/" + i).put("events", new JsonArray().add("queue.created"))
          .put("queueIds", new JsonArray().add(queues.get(i % queues.size()))).put("runAfter", runAfter)
          .put("active", true).put("config", new JsonObject().put("queue", queues.get(0)))
          .put("metadata", new JsonObject()).put("secret", "template-secret-" + i)));
    }
  }
}
