package dev.orgplane.copy.builtin;

import dev.orgplane.copy.api.CopyPlugin;
import dev.orgplane.copy.testkit.CopyPluginContract;
import dev.orgplane.copy.testkit.TemplateWriter;

class SchemasPluginContractTest extends CopyPluginContract {

  @Override
  protected CopyPlugin plugin() {
    return new SchemasPlugin();
  }

  @Override
  protected void template(TemplateWriter template) {
    Templates.schemas(template);
  }
}
