package dev.orgplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every operation of the OpenAPI document that names an organization's objects, called by the owner
 * of another organization with this organization's ids: never a success, never a server error, and
 * this organization's data unchanged afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantIsolationSweepTest {

  private static final Pattern PARAMETER = Pattern.compile("\\{(\\w+)}");
  private static final List<String> KINDS = List.of("workspaces", "schemas", "queues", "hooks");

  private Platform platform;
  private Gateway gateway;
  private String alice;
  private String mallory;
  private String malloryOrg;
  private final Map<String, String> ids = new HashMap<>();

  @BeforeAll
  void startPlatform() {
    platform = Platform.start();
    gateway = new Gateway(platform.baseUrl());
    alice = register("alice");
    mallory = register("mallory");
    var orgA = ok(gateway.postJson("/v1/organizations", alice, new JsonObject().put("name", "tenant-a").put("title", "A")));
    malloryOrg = ok(gateway.postJson("/v1/organizations", mallory, new JsonObject().put("name", "tenant-b")
        .put("title", "B"))).getString("id");
    var base = "/v1/organizations/" + orgA.getString("id");
    ids.put("org", orgA.getString("id"));
    ids.put("orgGroup", orgA.getString("groupId"));
    ids.put("uid", ok(gateway.get("/v1/users/me", alice)).getString("id"));
    ids.put("rid", ok(gateway.postJson(base + "/roles", alice, new JsonObject().put("name", "auditor")
        .put("permissions", new JsonArray().add("app_audit_list")))).getString("id"));
    ids.put("gid", ok(gateway.postJson(base + "/groups", alice, new JsonObject().put("name", "support"))).getString("id"));
    ok(gateway.postJson(base + "/groups/" + ids.get("gid") + "/users", alice,
        new JsonObject().put("userIds", new JsonArray().add(ids.get("uid")))));
    ids.put("iid", ok(gateway.postJson(base + "/invitations", alice, new JsonObject().put("email", "guest@e2e.test")
        .put("roles", new JsonArray().add("viewer")))).getString("id"));
    var serviceUser = ok(gateway.postJson(base + "/service-users", alice, new JsonObject().put("name", "robot")
        .put("roles", new JsonArray().add("viewer"))));
    ids.put("sid", serviceUser.getString("id"));
    ids.put("cid", ok(gateway.postJson(base + "/service-users/" + ids.get("sid") + "/credentials", alice,
        new JsonObject())).getString("clientId"));
    ids.put("workspaces", ok(gateway.postJson(base + "/workspaces", alice, new JsonObject().put("name", "main")))
        .getString("id"));
    ids.put("schemas", ok(gateway.postJson(base + "/schemas", alice, new JsonObject().put("name", "invoice")
        .put("content", new JsonObject()))).getString("id"));
    ids.put("queues", ok(gateway.postJson(base + "/queues", alice, new JsonObject().put("name", "inbox")
        .put("workspaceId", ids.get("workspaces")).put("schemaId", ids.get("schemas")))).getString("id"));
    ids.put("hooks", ok(gateway.postJson(base + "/hooks", alice, new JsonObject().put("name", "notify")
        .put("url", "https://hooks.example.com/a").put("queueIds", new JsonArray().add(ids.get("queues")))))
        .getString("id"));
  }

  @AfterAll
  void stop() {
    if (platform != null) {
      platform.close();
    }
  }

  @Test
  void anotherTenantsOwnerGetsNothingAndChangesNothing() {
    var before = snapshot();
    var api = ApiOperations.fetch(gateway);
    var swept = 0;
    var failures = new ArrayList<String>();
    for (var operation : api.all()) {
      var path = fill(operation.path(), ids.get("org"));
      if (path == null) {
        continue;
      }
      swept++;
      var body = operation.bodySchema() == null ? null : api.sample(operation.bodySchema());
      var reply = gateway.send(operation.method(), path, mallory, body);
      if (reply.status() < 400 || reply.status() >= 500 || !reply.contentType().equals("application/problem+json")) {
        failures.add(operation.method() + " " + path + " -> " + reply.status() + " " + reply.body());
      }
    }
    assertTrue(swept >= 45, "the sweep covered the organization's operations: " + swept);
    assertTrue(failures.isEmpty(), "another tenant got through or broke something:\n" + String.join("\n", failures));
    assertEquals(before, snapshot(), "the organization's data is unchanged");
  }

  @Test
  void anotherTenantsObjectIdsInsideOnesOwnOrganizationAreMissing() {
    var api = ApiOperations.fetch(gateway);
    var failures = new ArrayList<String>();
    var swept = 0;
    for (var operation : api.all()) {
      if (!operation.path().startsWith("/v1/organizations/{org}/") || !PARAMETER.matcher(
          operation.path().substring("/v1/organizations/{org}".length())).find()) {
        continue;
      }
      var path = fill(operation.path(), malloryOrg);
      if (path == null || path.contains("/users/" + ids.get("uid"))) {
        continue; // a user id names a person, not an object of the tenant: adding Alice to B is legitimate
      }
      swept++;
      var body = operation.bodySchema() == null ? null : api.sample(operation.bodySchema());
      var reply = gateway.send(operation.method(), path, mallory, body);
      if (reply.status() / 100 == 2 || reply.status() >= 500) {
        failures.add(operation.method() + " " + path + " -> " + reply.status() + " " + reply.body());
      }
    }
    assertTrue(swept >= 20, "the sweep covered the object operations: " + swept);
    assertTrue(failures.isEmpty(), "a foreign id worked inside another organization:\n" + String.join("\n", failures));
  }

  /** The path with this tenant's ids in it, or null for operations that name no tenant's objects. */
  private String fill(String template, String org) {
    if (!template.contains("{") || template.startsWith("/v1/provisioning") || template.contains("{name}")) {
      return null;
    }
    var matcher = PARAMETER.matcher(template);
    var out = new StringBuilder();
    while (matcher.find()) {
      var name = matcher.group(1);
      var before = template.substring(0, matcher.start());
      String value;
      if (name.equals("org")) {
        value = org;
      } else if (name.equals("gid") && before.startsWith("/v1/organization-groups")) {
        value = ids.get("orgGroup");
      } else if (name.equals("id")) {
        value = ids.get(KINDS.stream().filter(kind -> before.endsWith("/" + kind + "/")).findFirst().orElseThrow());
      } else {
        value = ids.get(name);
      }
      if (value == null) {
        throw new IllegalStateException("no id for {" + name + "} in " + template);
      }
      matcher.appendReplacement(out, value);
    }
    matcher.appendTail(out);
    return out.toString();
  }

  /** What Alice sees of her organization. */
  private JsonObject snapshot() {
    var base = "/v1/organizations/" + ids.get("org");
    var snapshot = new JsonObject().put("org", ok(gateway.get(base, alice)));
    for (var part : List.of("users", "roles", "groups", "invitations", "service-users", "workspaces", "schemas",
        "queues", "hooks", "groups/" + ids.get("gid") + "/users")) {
      snapshot.put(part, ok(gateway.get(base + "/" + part + "?limit=500", alice)));
    }
    return snapshot;
  }

  private String register(String name) {
    var email = name + "-" + UUID.randomUUID().toString().substring(0, 6) + "@e2e.test";
    ok(gateway.postJson("/v1/auth/register", null, new JsonObject().put("email", email).put("password",
        "password-" + name).put("name", name)));
    return gateway.token(email, "password-" + name);
  }

  private static JsonObject ok(Gateway.Reply reply) {
    assertEquals(2, reply.status() / 100, reply.body());
    return reply.json();
  }
}
