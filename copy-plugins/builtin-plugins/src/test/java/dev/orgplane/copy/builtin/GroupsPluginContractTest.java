package dev.orgplane.copy.builtin;

import dev.orgplane.copy.api.CopyPlugin;
import dev.orgplane.copy.testkit.CopyPluginContract;
import dev.orgplane.copy.testkit.TemplateWriter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

class GroupsPluginContractTest extends CopyPluginContract {

  @Override
  protected CopyPlugin plugin() {
    return new GroupsPlugin();
  }

  @Override
  protected List<CopyPlugin> prerequisites() {
    return List.of(new RolesPlugin(), new UsersPlugin());
  }

  /** Teams with member lists of different sizes, the empty one included. */
  @Override
  protected void template(TemplateWriter template) {
    var members = Templates.members(template, Templates.roles(template));
    for (int i = 0; i < 7; i++) {
      template.add("groups", new JsonObject().put("name", "team-" + i).put("title", "Team " + i)
          .put("metadata", new JsonObject())
          .put("userIds", new JsonArray(members.subList(0, i).stream().sorted().toList())));
    }
  }
}
