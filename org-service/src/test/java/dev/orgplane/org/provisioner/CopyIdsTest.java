package dev.orgplane.org.provisioner;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.copy.api.IdFunction;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ids copies have (UUID version 5 of the target organization and the template object) are brought into an
 * organization by the provisioning engine alone: anyone can compute a copy's id before the copy is made, and an object
 * of another organization holding it would keep the copy out of its target for ever. An organization's importers still
 * replace the objects of such ids it holds.
 */
class CopyIdsTest extends OrgServiceTest {

  /** The path parameter a {@code PUT} of each kind names its id by. */
  private static final Map<String, String> PUT_ID_FIELD = Map.of("workspaces", "id", "schemas", "id", "queues", "id",
      "hooks", "id", "roles", "rid", "groups", "gid");

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** An id of the copies' kind, as {@link IdFunction#nameBased} makes them. */
  private static String copyId() {
    return IdFunction.nameBased(UUID.randomUUID().toString(), UUID.randomUUID().toString());
  }

  private static void assertRefused(HttpResponse<Buffer> response, String field) {
    assertProblem(response, 400, "id_reserved");
    var errors = response.bodyAsJsonObject().getJsonArray("errors");
    assertEquals(List.of(field), errors.stream().map(e -> ((JsonObject) e).getString("field")).toList(),
        response.bodyAsString());
  }

  @Test
  void anOutsiderCannotTakeTheIdOfACopyToComeInAnotherOrganization() {
    var owner = org.newUser("owner");
    var outsider = org.newUser("outsider");
    var template = org.createOrg(owner.token(), unique("t")).getString("id");
    var target = org.createOrg(owner.token(), unique("v")).getString("id");
    var own = org.createOrg(outsider.token(), unique("z")).getString("id");
    var workspace = org.post("/v1/organizations/" + template + "/workspaces", owner.token(),
        new JsonObject().put("name", "main")).bodyAsJsonObject().getString("id");
    var copy = IdFunction.nameBased(target, workspace);

    assertRefused(org.send(HttpMethod.PUT, "/v1/organizations/" + own + "/workspaces/" + copy, outsider.token(),
        new JsonObject().put("name", "anything")), "id");
    var copied = org.post("/v1/organizations/" + target + "/workspaces:copy", owner.token(),
        new JsonObject().put("from", template));
    assertEquals(200, copied.statusCode(), copied.bodyAsString());
    assertEquals("main", org.get("/v1/organizations/" + target + "/workspaces/" + copy, owner.token())
        .bodyAsJsonObject().getString("name"));

    // the copy there now changes nothing for the outsider: the same refusal, not id_taken, tells them nothing
    assertRefused(org.send(HttpMethod.PUT, "/v1/organizations/" + own + "/workspaces/" + copy, outsider.token(),
        new JsonObject().put("name", "anything")), "id");
    assertRefused(org.post("/v1/organizations/" + own + "/workspaces:batch", outsider.token(),
        batch(new JsonObject().put("id", copy).put("name", "anything"))), "items[0].id");
  }

  /** The target's own copy of a workspace is the target's to replace as a workspace, not to reuse for a schema. */
  @Test
  void anOrganizationsCopyKeepsItsIdToItsOwnKind() {
    var owner = org.newUser("owner");
    var template = org.createOrg(owner.token(), unique("t")).getString("id");
    var target = org.createOrg(owner.token(), unique("v")).getString("id");
    var workspace = org.post("/v1/organizations/" + template + "/workspaces", owner.token(),
        new JsonObject().put("name", "main")).bodyAsJsonObject().getString("id");
    var copy = IdFunction.nameBased(target, workspace);
    assertEquals(200, org.post("/v1/organizations/" + target + "/workspaces:copy", owner.token(),
        new JsonObject().put("from", template)).statusCode());

    assertRefused(org.send(HttpMethod.PUT, "/v1/organizations/" + target + "/schemas/" + copy, owner.token(),
        body("schemas", target, owner.token(), "a")), "id");
    var replaced = org.send(HttpMethod.PUT, "/v1/organizations/" + target + "/workspaces/" + copy, owner.token(),
        new JsonObject().put("name", "renamed"));
    assertEquals(200, replaced.statusCode(), replaced.bodyAsString());
    assertEquals("renamed", replaced.bodyAsJsonObject().getString("name"));
  }

  /**
   * Every import that chooses ids, one object's {@code PUT} and a batch alike, refuses the organization's owner a
   * version 5 id that no object of the kind there has (the batch writing none of its items), and takes it from the
   * engine; the owner replaces the object the engine made with it, by itself or in a batch (an export's re-import);
   * any other id is the owner's to choose.
   */
  @ParameterizedTest
  @ValueSource(strings = {"workspaces", "schemas", "queues", "hooks", "roles", "groups"})
  void aCopysIdIsTheEnginesAloneToImport(String kind) {
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), unique(kind)).getString("id");
    var base = "/v1/organizations/" + orgId + "/" + kind;
    var chosen = UUID.randomUUID().toString();
    var reserved = copyId();

    assertRefused(org.send(HttpMethod.PUT, base + "/" + reserved, owner.token(), body(kind, orgId, owner.token(), "a")),
        PUT_ID_FIELD.get(kind));
    assertRefused(org.post(base + ":batch", owner.token(), batch(
        body(kind, orgId, owner.token(), "b").put("id", chosen),
        body(kind, orgId, owner.token(), "c").put("id", reserved))), "items[1].id");
    assertEquals(404, org.get(base + "/" + chosen, owner.token()).statusCode(), "the refused batch wrote nothing");

    assertEquals(201, org.send(HttpMethod.PUT, base + "/" + chosen, owner.token(),
        body(kind, orgId, owner.token(), "d")).statusCode());
    var engine = org.engineToken();
    var put = org.send(HttpMethod.PUT, base + "/" + reserved, engine, body(kind, orgId, owner.token(), "e"));
    assertEquals(201, put.statusCode(), put.bodyAsString());
    var replaced = org.send(HttpMethod.PUT, base + "/" + reserved, owner.token(), body(kind, orgId, owner.token(), "g"));
    assertEquals(200, replaced.statusCode(), replaced.bodyAsString());
    assertEquals("copy-ids-g", replaced.bodyAsJsonObject().getString("name"));
    var reimported = org.post(base + ":batch", owner.token(), batch(
        body(kind, orgId, owner.token(), "h").put("id", reserved),
        body(kind, orgId, owner.token(), "i").put("id", chosen)));
    assertEquals(200, reimported.statusCode(), reimported.bodyAsString());
    assertEquals(2, reimported.bodyAsJsonObject().getInteger("updated"), reimported.bodyAsString());
    assertRefused(org.post(base + ":batch", owner.token(), batch(
        body(kind, orgId, owner.token(), "j").put("id", reserved),
        body(kind, orgId, owner.token(), "k").put("id", copyId()))), "items[1].id");

    var imported = org.post(base + ":batch", engine, batch(body(kind, orgId, owner.token(), "f").put("id", copyId())));
    assertEquals(200, imported.statusCode(), imported.bodyAsString());
    assertEquals(1, imported.bodyAsJsonObject().getInteger("created"));
  }

  private static JsonObject batch(JsonObject... items) {
    return new JsonObject().put("items", new JsonArray(List.of((Object[]) items)));
  }

  /** A valid object of {@code kind} named {@code name}; a queue's workspace and schema are made for it. */
  private JsonObject body(String kind, String orgId, String token, String name) {
    var named = new JsonObject().put("name", "copy-ids-" + name);
    return switch (kind) {
      case "schemas" -> named.put("content", new JsonObject());
      case "queues" -> named
          .put("workspaceId", created(orgId, token, "workspaces", new JsonObject().put("name", "for-" + name)))
          .put("schemaId", created(orgId, token, "schemas", body("schemas", orgId, token, "for-" + name)));
      case "hooks" -> named.put("url", "https://hooks.example.com/copy-ids")
          .put("events", new JsonArray().add("queue.created"));
      case "roles" -> named.put("permissions", new JsonArray().add("app_audit_list"));
      case "groups" -> named.put("userIds", new JsonArray());
      default -> named;
    };
  }

  private String created(String orgId, String token, String kind, JsonObject body) {
    var response = org.post("/v1/organizations/" + orgId + "/" + kind, token, body);
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getString("id");
  }
}
