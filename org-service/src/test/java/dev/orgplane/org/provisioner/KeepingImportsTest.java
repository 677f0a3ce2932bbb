package dev.orgplane.org.provisioner;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Import batches with {@code "existing": "keep"}: objects already there stay exactly as they are (counted unchanged,
 * not audited) and only missing ones are created, so a provisioning run that adds what is missing never undoes what
 * a tenant changed.
 */
class KeepingImportsTest extends OrgServiceTest {

  private static JsonObject keep(JsonObject... items) {
    return new JsonObject().put("items", new JsonArray(List.of((Object[]) items))).put("existing", "keep");
  }

  private static void assertCounts(HttpResponse<Buffer> response, long created, long updated, long unchanged) {
    assertEquals(200, response.statusCode(), response.bodyAsString());
    var counts = response.bodyAsJsonObject();
    assertEquals(List.of(created, updated, unchanged), List.of(counts.getLong("created"), counts.getLong("updated"),
        counts.getLong("unchanged")), counts.encode());
  }

  private String newOrg(OrgServiceHarness.Account owner) {
    return org.createOrg(owner.token(), "keep-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
  }

  private static JsonObject role(String id, String name, String permission) {
    return new JsonObject().put("id", id).put("name", name).put("permissions", new JsonArray().add(permission));
  }

  @Test
  void rolesThereStayAsTheyAre() {
    var owner = org.newUser("owner");
    var path = "/v1/organizations/" + newOrg(owner) + "/roles:batch";
    var auditor = UUID.randomUUID().toString();
    assertCounts(org.post(path, owner.token(), keep(role(auditor, "auditor", "app_audit_list"))), 1, 0, 0);
    var editor = UUID.randomUUID().toString();
    assertCounts(org.post(path, owner.token(), keep(role(auditor, "auditor", "app_organization_get"),
        role(editor, "editor", "app_organization_get"))), 1, 0, 1);
    var kept = org.get(path.replace(":batch", "/" + auditor), owner.token()).bodyAsJsonObject();
    assertEquals(List.of("app_audit_list"), kept.getJsonArray("permissions").getList());
  }

  @Test
  void teamsThereKeepTheirFieldsAndMembers() {
    var owner = org.newUser("owner");
    var orgId = newOrg(owner);
    var path = "/v1/organizations/" + orgId + "/groups:batch";
    var support = UUID.randomUUID().toString();
    assertCounts(org.post(path, owner.token(), keep(new JsonObject().put("id", support).put("name", "support")
        .put("title", "Support").put("userIds", new JsonArray().add(owner.id())))), 1, 0, 0);
    var ops = UUID.randomUUID().toString();
    assertCounts(org.post(path, owner.token(), keep(new JsonObject().put("id", support).put("name", "support")
            .put("title", "Helpdesk").put("userIds", new JsonArray()),
        new JsonObject().put("id", ops).put("name", "ops").put("userIds", new JsonArray()))), 1, 0, 1);
    var team = "/v1/organizations/" + orgId + "/groups/" + support;
    assertEquals("Support", org.get(team, owner.token()).bodyAsJsonObject().getString("title"));
    assertEquals(1, org.get(team + "/users", owner.token()).bodyAsJsonObject().getJsonArray("items").size(),
        "its member stays");
    assertEquals(2, org.audited(owner.token(), orgId, "team.created").size(), "each team is made once");
    assertEquals(0, org.audited(owner.token(), orgId, "team.updated").size());
  }

  @Test
  void membersThereKeepTheirRoles() {
    var owner = org.newUser("owner");
    var first = org.newUser("first");
    var second = org.newUser("second");
    var orgId = newOrg(owner);
    var path = "/v1/organizations/" + orgId + "/users:batch";
    var engine = org.engineToken();
    assertCounts(org.post(path, engine, keep(new JsonObject().put("id", first.id())
        .put("roles", new JsonArray().add("viewer")))), 1, 0, 0);
    assertCounts(org.post(path, engine, keep(
        new JsonObject().put("id", first.id()).put("roles", new JsonArray().add("manager")),
        new JsonObject().put("id", second.id()).put("roles", new JsonArray().add("manager")))), 1, 0, 1);
    var roles = org.get("/v1/organizations/" + orgId + "/users", owner.token()).bodyAsJsonObject().getJsonArray("items")
        .stream().map(JsonObject.class::cast)
        .collect(java.util.stream.Collectors.toMap(m -> m.getString("userId"), m -> m.getJsonArray("roles").getList()));
    assertEquals(List.of("viewer"), roles.get(first.id()), "a member there keeps their roles");
    assertEquals(List.of("manager"), roles.get(second.id()));
    assertEquals(0, org.audited(owner.token(), orgId, "member.roles_changed").size());
  }

  @Test
  void setupObjectsThereStayAsTheyAreSecretsIncluded() {
    var owner = org.newUser("owner");
    var orgId = newOrg(owner);
    var path = "/v1/organizations/" + orgId + "/hooks:batch";
    var hook = new JsonObject().put("id", UUID.randomUUID().toString()).put("name", "notify")
        .put("url", "https://hooks.example.com/n").put("events", new JsonArray().add("queue.created"))
        .put("secret", "first-secret-0123456789abcdef");
    assertCounts(org.post(path, owner.token(), keep(hook)), 1, 0, 0);
    var other = new JsonObject().put("id", UUID.randomUUID().toString()).put("name", "other")
        .put("url", "https://hooks.example.com/o").put("events", new JsonArray().add("queue.created"));
    assertCounts(org.post(path, owner.token(), keep(hook.copy().put("active", false)
        .put("secret", "other-secret-0123456789abcdef"), other)), 1, 0, 1);
    var stored = org.get("/v1/organizations/" + orgId + "/hooks/" + hook.getString("id"), owner.token())
        .bodyAsJsonObject();
    assertEquals(true, stored.getBoolean("active"));
    assertCounts(org.post(path, owner.token(), new JsonObject().put("items", new JsonArray().add(hook))), 0, 0, 1);
  }

  @Test
  void anUnknownValueIsRefusedByName() {
    var owner = org.newUser("owner");
    var orgId = newOrg(owner);
    var role = role(UUID.randomUUID().toString(), "auditor", "app_audit_list");
    var member = new JsonObject().put("id", owner.id()).put("roles", new JsonArray().add("owner"));
    var team = new JsonObject().put("id", UUID.randomUUID().toString()).put("name", "ops")
        .put("userIds", new JsonArray());
    var workspace = new JsonObject().put("id", UUID.randomUUID().toString()).put("name", "main");
    for (var batch : List.of(List.of("roles", role), List.of("users", member), List.of("groups", team),
        List.of("workspaces", workspace))) {
      var path = "/v1/organizations/" + orgId + "/" + batch.get(0) + ":batch";
      for (var value : List.of("merge", true)) {
        var refused = org.post(path, owner.token(), keep((JsonObject) batch.get(1)).put("existing", value));
        assertProblem(refused, 400, "validation_failed");
        assertEquals("existing", refused.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0)
            .getString("field"), batch.get(0) + " " + value);
      }
    }
    assertEquals(0, org.get("/v1/organizations/" + orgId + "/roles", owner.token()).bodyAsJsonObject()
        .getJsonArray("items").size(), "nothing was written");
  }
}
