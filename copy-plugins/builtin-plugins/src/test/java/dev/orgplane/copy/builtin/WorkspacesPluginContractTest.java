package dev.orgplane.copy.builtin;

import dev.orgplane.copy.api.CopyPlugin;
import dev.orgplane.copy.testkit.CopyPluginContract;
import dev.orgplane.copy.testkit.TemplateWriter;

class WorkspacesPluginContractTest extends CopyPluginContract {

  @Override
  protected CopyPlugin plugin() {
    return new WorkspacesPlugin();
  }

  @Override
  protected void template(TemplateWriter template) {
    Templates.workspaces(template);
  }
}
