package dev.orgplane.copy.example;

import dev.orgplane.copy.api.CopyPlugin;
import dev.orgplane.copy.testkit.CopyPluginContract;
import dev.orgplane.copy.testkit.TemplateWriter;
import io.vertx.core.json.JsonObject;

/**
 * All a plugin author writes to prove their plugin: which plugin, a template of a few pages, and (its docs being
 * made from schemas) which template kind a change must reach the copy from.
 */
class SchemaDocsPluginContractTest extends CopyPluginContract {

  @Override
  protected CopyPlugin plugin() {
    return new SchemaDocsPlugin();
  }

  /** A doc follows its schema's name: the drift tests rename a schema. */
  @Override
  protected String templateKind() {
    return "schemas";
  }

  @Override
  protected void template(TemplateWriter template) {
    for (int i = 0; i < 8; i++) {
      template.add("schemas", new JsonObject().put("name", "invoice-" + i).put("content", new JsonObject()));
    }
    // the longest name a schema may have: its doc's name must still fit org-service's 128 characters
    template.add("schemas", new JsonObject().put("name", "s".repeat(128)).put("content", new JsonObject()));
  }
}
