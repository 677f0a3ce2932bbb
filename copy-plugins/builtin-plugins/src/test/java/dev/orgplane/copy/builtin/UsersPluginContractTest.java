package dev.orgplane.copy.builtin;

import dev.orgplane.copy.api.CopyPlugin;
import dev.orgplane.copy.testkit.CopyPluginContract;
import dev.orgplane.copy.testkit.TemplateWriter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

class UsersPluginContractTest extends CopyPluginContract {

  @Override
  protected CopyPlugin plugin() {
    return new UsersPlugin();
  }

  @Override
  protected List<CopyPlugin> prerequisites() {
    return List.of(new RolesPlugin());
  }

  @Override
  protected void template(TemplateWriter template) {
    Templates.members(template, Templates.roles(template));
  }

  /** Members have no name: a member is changed by their roles. */
  @Override
  protected JsonObject changed(JsonObject member) {
    return member.copy().put("roles", new JsonArray().add("member"));
  }
}
