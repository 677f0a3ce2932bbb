package dev.orgplane.copy.builtin;

import dev.orgplane.copy.testkit.TemplateWriter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Template pieces the built-in plugins' contract tests share: each kind spans several pages. */
final class Templates {

  private Templates() {
  }

  static List<String> roles(TemplateWriter template) {
    var names = new ArrayList<String>();
    for (int i = 0; i < 7; i++) {
      names.add("role-" + i);
      template.add("roles", new JsonObject().put("name", "role-" + i).put("title", "Role " + i)
          .put("permissions", new JsonArray().add("app_organization_get")).put("metadata", new JsonObject()));
    }
    return names;
  }

  static List<String> members(TemplateWriter template, List<String> roles) {
    var members = new ArrayList<String>();
    for (int i = 0; i < 8; i++) {
      members.add(template.member("member", roles.get(i % roles.size())));
    }
    return members;
  }

  static List<String> workspaces(TemplateWriter template) {
    var ids = new ArrayList<String>();
    for (int i = 0; i < 7; i++) {
      ids.add(template.add("workspaces", new JsonObject().put("name", "ws-" + i).put("metadata", new JsonObject())));
    }
    return ids;
  }

  static List<String> schemas(TemplateWriter template) {
    var ids = new ArrayList<String>();
    for (int i = 0; i < 7; i++) {
      ids.add(template.add("schemas", new JsonObject().put("name", "schema-" + i)
          .put("content", new JsonObject().put("type", "object")).put("metadata", new JsonObject())));
    }
    return ids;
  }

  /** Queues whose settings name a schema (to be remapped) and an outside id (to be kept). */
  static List<String> queues(TemplateWriter template) {
    var workspaces = workspaces(template);
    var schemas = schemas(template);
    var ids = new ArrayList<String>();
    for (int i = 0; i < 8; i++) {
      ids.add(template.add("queues", new JsonObject().put("name", "queue-" + i)
          .put("workspaceId", workspaces.get(i % 7)).put("schemaId", schemas.get(i % 7))
          .put("settings", new JsonObject().put("fallbackSchema", schemas.get((i + 1) % 7))
              .put("externalId", UUID.randomUUID().toString()))
          .put("metadata", new JsonObject())));
    }
    return ids;
  }
}
