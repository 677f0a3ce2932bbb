package dev.orgplane.org.provisioner;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.org.OrgServiceTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * One id names one object of the deployment, whatever its kind: an import naming an id that an object of another
 * kind holds, in another organization or its own, is 409 {@code id_taken} ({@code role_id_taken} for a role), so a
 * receiver of many organizations' hooks can key objects by id alone.
 */
class IdsAcrossKindsTest extends OrgServiceTest {

  /** One organization's objects of every kind that takes chosen ids, by the path segment of their kind. */
  private record Tenant(String base, String token, Map<String, String> ids) {

    String id(String kind) {
      return ids.get(kind);
    }
  }

  private Tenant tenant(String label) {
    var owner = org.newUser(label);
    var base = "/v1/organizations/" + org.createOrg(owner.token(), label + "-" + UUID.randomUUID().toString()
        .substring(0, 8)).getString("id");
    var workspace = created(base + "/workspaces", owner.token(), new JsonObject().put("name", "main"));
    var schema = created(base + "/schemas", owner.token(), new JsonObject().put("name", "main")
        .put("content", new JsonObject()));
    var queue = created(base + "/queues", owner.token(), new JsonObject().put("name", "main")
        .put("workspaceId", workspace).put("schemaId", schema));
    var hook = created(base + "/hooks", owner.token(), hook("main", queue));
    var team = created(base + "/groups", owner.token(), new JsonObject().put("name", "main"));
    var role = created(base + "/roles", owner.token(), role("main"));
    return new Tenant(base, owner.token(), Map.of("workspaces", workspace, "schemas", schema, "queues", queue,
        "hooks", hook, "groups", team, "roles", role));
  }

  private String created(String path, String token, JsonObject body) {
    var response = org.post(path, token, body);
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getString("id");
  }

  private static JsonObject hook(String name, String queue) {
    return new JsonObject().put("name", name).put("url", "https://hooks.example.com/x")
        .put("events", new JsonArray().add("queue.updated")).put("queueIds", new JsonArray().add(queue));
  }

  private static JsonObject role(String name) {
    return new JsonObject().put("name", name).put("permissions", new JsonArray().add("app_organization_get"));
  }

  /** A new object of {@code kind} for {@code tenant}, named {@code name}, as an import's body or batch item. */
  private static JsonObject object(Tenant tenant, String kind, String name) {
    return switch (kind) {
      case "workspaces" -> new JsonObject().put("name", name);
      case "schemas" -> new JsonObject().put("name", name).put("content", new JsonObject());
      case "queues" -> new JsonObject().put("name", name).put("workspaceId", tenant.id("workspaces"))
          .put("schemaId", tenant.id("schemas"));
      case "hooks" -> hook(name, tenant.id("queues"));
      case "groups" -> new JsonObject().put("name", name).put("userIds", new JsonArray());
      case "roles" -> role(name);
      default -> throw new IllegalArgumentException(kind);
    };
  }

  private static String takenCode(String kind) {
    return kind.equals("roles") ? "role_id_taken" : "id_taken";
  }

  private HttpResponse<Buffer> put(Tenant tenant, String kind, String id, String name) {
    return org.send(HttpMethod.PUT, tenant.base() + "/" + kind + "/" + id, tenant.token(), object(tenant, kind, name));
  }

  private int count(Tenant tenant, String kind) {
    return org.get(tenant.base() + "/" + kind + "?limit=500", tenant.token()).bodyAsJsonObject().getJsonArray("items")
        .size();
  }

  private static final List<String> KINDS = List.of("workspaces", "schemas", "queues", "hooks", "groups", "roles");

  @Test
  void anIdAnObjectOfAnotherKindHoldsCannotBeImported() {
    var alice = tenant("alice");
    var mallory = tenant("mallory");
    for (var kind : KINDS) {
      for (var holder : KINDS) {
        if (holder.equals(kind)) {
          continue;
        }
        assertProblem(put(mallory, kind, alice.id(holder), "squat"), 409, takenCode(kind));
        assertProblem(put(alice, kind, alice.id(holder), "again"), 409, takenCode(kind));
      }
    }
    for (var kind : KINDS) {
      assertEquals(1, count(alice, kind), kind + ": nothing was imported");
      assertEquals(1, count(mallory, kind), kind + ": nothing was imported");
    }
  }

  @Test
  void aBatchItemWithAnIdAnObjectOfAnotherKindHoldsIsRefused() {
    var alice = tenant("alice");
    var mallory = tenant("mallory");
    for (var kind : KINDS) {
      var holder = KINDS.get((KINDS.indexOf(kind) + 1) % KINDS.size());
      for (var importer : List.of(alice, mallory)) {
        var fresh = object(importer, kind, "fresh").put("id", UUID.randomUUID().toString());
        var taken = object(importer, kind, "taken").put("id", alice.id(holder));
        assertProblem(org.post(importer.base() + "/" + kind + ":batch", importer.token(),
            new JsonObject().put("items", new JsonArray().add(fresh).add(taken))), 409, takenCode(kind));
        assertEquals(1, count(importer, kind), kind + ": the batch wrote none of its items");
      }
    }
  }

  /** As an id of the same kind is, an id of a deleted object, or of one its organization's deletion took, is free. */
  @Test
  void anIdIsFreeOnceItsObjectIsGone() {
    var alice = tenant("alice");
    var mallory = tenant("mallory");
    assertEquals(204, org.send(HttpMethod.DELETE, alice.base() + "/roles/" + alice.id("roles"), alice.token(), null)
        .statusCode());
    assertEquals(201, put(mallory, "workspaces", alice.id("roles"), "was-a-role").statusCode());
    assertEquals(204, org.send(HttpMethod.DELETE, alice.base(), alice.token(), null).statusCode());
    for (var kind : KINDS) {
      var holder = KINDS.get((KINDS.indexOf(kind) + 1) % KINDS.size());
      if (!holder.equals("roles")) {
        var response = put(mallory, kind, alice.id(holder), "was-alices");
        assertEquals(201, response.statusCode(), kind + ": " + response.bodyAsString());
      }
    }
  }
}
