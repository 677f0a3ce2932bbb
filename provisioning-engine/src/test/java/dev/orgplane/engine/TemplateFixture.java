package dev.orgplane.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.org.OrgServiceHarness;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A group with a group admin, and a template organization in it holding some of every kind: custom
 * roles, members (one with a custom role), a team, workspaces, schemas, queues whose settings name
 * a schema, the team (copied in another chain of plugins) and other queues, earlier and later ones, and
 * hooks that run after one another across pages, the first naming the last in its config.
 */
public record TemplateFixture(String groupId, OrgServiceHarness.Account groupAdmin, String templateId,
    OrgServiceHarness.Account member, List<String> queueIds, List<String> hookIds) {

  public static TemplateFixture build(OrgServiceHarness org, String name) {
    var platformAdmin = org.platformAdminToken();
    var group = org.post("/v1/organization-groups", platformAdmin, new JsonObject().put("name", "group " + name))
        .bodyAsJsonObject();
    var groupId = group.getString("id");
    var admin = org.newVerifiedUser("group-admin");
    assertEquals(204, org.send(HttpMethod.PUT, "/v1/organization-groups/" + groupId + "/admins/" + admin.id(),
        platformAdmin, null).statusCode());
    var created = org.send(HttpMethod.POST, "/v1/organizations", admin.token(),
        new JsonObject().put("name", name).put("title", "Template " + name).put("groupId", groupId),
        MultiMap.caseInsensitiveMultiMap().add("X-Create-Key", group.getString("createKey")));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    var templateId = created.bodyAsJsonObject().getString("id");
    var base = "/v1/organizations/" + templateId;
    var token = admin.token();
    for (var role : List.of("auditor", "editor")) {
      ok(org.post(base + "/roles", token, new JsonObject().put("name", role).put("title", role)
          .put("permissions", new JsonArray().add("app_organization_get").add("app_audit_list"))));
    }
    var member = org.newUser("member");
    // a group admin adds no account in no organization that the group did not make: the platform admin adds any
    ok(org.post(base + "/users", platformAdmin, new JsonObject().put("userIds", new JsonArray().add(member.id()))
        .put("roles", new JsonArray().add("auditor"))));
    var team = id(org.post(base + "/groups", token, new JsonObject().put("name", "support")));
    ok(org.post(base + "/groups/" + team + "/users", token,
        new JsonObject().put("userIds", new JsonArray().add(member.id()))));
    var workspaces = new ArrayList<String>();
    var schemas = new ArrayList<String>();
    for (int i = 0; i < 5; i++) {
      workspaces.add(id(org.post(base + "/workspaces", token, new JsonObject().put("name", "ws-" + i))));
      schemas.add(id(org.post(base + "/schemas", token, new JsonObject().put("name", "schema-" + i)
          .put("content", new JsonObject().put("type", "object")))));
    }
    var queues = new ArrayList<String>();
    for (int i = 0; i < 9; i++) {
      queues.add(id(org.post(base + "/queues", token, new JsonObject().put("name", "queue-" + i)
          .put("workspaceId", workspaces.get(i % 5)).put("schemaId", schemas.get(i % 5))
          .put("settings", queueSettings(schemas.get((i + 1) % 5), team)
              .put("previousQueue", i == 0 ? null : queues.get(i - 1))))));
    }
    ok(org.send(HttpMethod.PATCH, base + "/queues/" + queues.get(0), token, new JsonObject()
        .put("settings", queueSettings(schemas.get(1), team).put("deadLetterQueue", queues.get(8)))));
    var hooks = new ArrayList<String>();
    for (int i = 0; i < 9; i++) {
      var runAfter = i == 0 ? new JsonArray() : new JsonArray().add(hooks.get(i - 1));
      hooks.add(id(org.post(base + "/hooks", token, new JsonObject().put("name", "hook-" + i)
          .put("url", "https://hooks.example.com/" + i).put("events", new JsonArray().add("queue.created"))
          .put("queueIds", new JsonArray().add(queues.get(i))).put("runAfter", runAfter)
          .put("config", new JsonObject().put("queue", queues.get(i))))));
    }
    ok(org.send(HttpMethod.PATCH, base + "/hooks/" + hooks.get(0), token, new JsonObject()
        .put("config", new JsonObject().put("queue", queues.get(0)).put("escalateTo", hooks.get(8)))));
    return new TemplateFixture(groupId, admin, templateId, member, queues, hooks);
  }

  private static JsonObject queueSettings(String fallbackSchema, String team) {
    return new JsonObject().put("fallbackSchema", fallbackSchema).put("escalationTeam", team)
        .put("external", UUID.randomUUID().toString());
  }

  private static void ok(io.vertx.ext.web.client.HttpResponse<?> response) {
    assertEquals(2, response.statusCode() / 100, response.bodyAsString());
  }

  /** The id of what {@code response} created, asserting it did. */
  public static String id(io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> response) {
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getString("id");
  }
}
