package dev.orgplane.copy.example;

import dev.orgplane.copy.api.CopyPlugin;
import dev.orgplane.copy.builtin.SchemasPlugin;
import dev.orgplane.copy.testkit.CopyPluginContract;
import dev.orgplane.copy.testkit.TemplateWriter;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * All a plugin author writes to prove their plugin: which plugin, a template of a few pages, and (its docs being
 * made from schemas) the plugins copied first and which template kind a change must reach the copy from.
 */
class SchemaDocsPluginContractTest extends CopyPluginContract {

  @Override
  protected CopyPlugin plugin() {
    return new SchemaDocsPlugin();
  }

  /** A doc names the copy of its schema: the schemas are copied first, as the engine copies them. */
  @Override
  protected List<CopyPlugin> prerequisites() {
    return List.of(new SchemasPlugin());
  }

  /** A doc follows its schema's name: the drift tests rename a schema. */
  @Override
  protected String templateKind() {
    return "schemas";
  }

  /**
   * Changes a name's first character: a doc keeps only the start of a long schema name, so a suffix added to the
   * longest one (the template's first object one time in nine) would change no doc.
   */
  @Override
  protected JsonObject changed(JsonObject object) {
    var name = object.getString("name");
    return object.copy().put("name", (name.startsWith("x") ? "y" : "x") + name.substring(1));
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
