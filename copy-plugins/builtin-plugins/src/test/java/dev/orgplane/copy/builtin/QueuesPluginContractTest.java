package dev.orgplane.copy.builtin;

import dev.orgplane.copy.api.CopyPlugin;
import dev.orgplane.copy.testkit.CopyPluginContract;
import dev.orgplane.copy.testkit.TemplateWriter;
import java.util.List;

class QueuesPluginContractTest extends CopyPluginContract {

  @Override
  protected CopyPlugin plugin() {
    return new QueuesPlugin();
  }

  @Override
  protected List<CopyPlugin> prerequisites() {
    return List.of(new WorkspacesPlugin(), new SchemasPlugin());
  }

  @Override
  protected void template(TemplateWriter template) {
    Templates.queues(template);
  }
}
