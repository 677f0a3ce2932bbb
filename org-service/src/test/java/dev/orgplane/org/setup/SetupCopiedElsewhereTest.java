package dev.orgplane.org.setup;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.copy.api.IdFunction;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code :copy} with {@code copiedElsewhere}: template ids of objects plugins copied into the target in other systems,
 * which only the provisioning engine's record tells; ids naming them inside free-form data are remapped too.
 */
class SetupCopiedElsewhereTest extends OrgServiceTest {

  private OrgServiceHarness.Account admin;
  private String template;
  private String target;
  private String queue;
  /** A template object in another system, which the queue's settings name. */
  private final String channel = UUID.randomUUID().toString();
  /** An id in the queue's settings that names nothing copied. */
  private final String unrelated = UUID.randomUUID().toString();

  /** A template with a queue whose settings name {@link #channel}; a target of its group with its workspace, schema. */
  @BeforeEach
  void templateAndTarget() {
    admin = org.newVerifiedUser("admin");
    var groupId = org.createOrg(admin.token(), unique("g")).getString("groupId");
    assertEquals(204, org.send(HttpMethod.PUT, "/v1/organization-groups/" + groupId + "/admins/" + admin.id(),
        org.platformAdminToken(), null).statusCode());
    template = org.createOrg(admin.token(), unique("t"), groupId).getString("id");
    target = org.createOrg(admin.token(), unique("c"), groupId).getString("id");
    var workspace = create("workspaces", new JsonObject().put("name", "main"));
    var schema = create("schemas", new JsonObject().put("name", "invoice").put("content", new JsonObject()));
    queue = create("queues", new JsonObject().put("name", "inbox").put("workspaceId", workspace)
        .put("schemaId", schema).put("settings", new JsonObject().put("notify", channel).put("other", unrelated)));
    assertEquals(200, copy(org.engineToken(), "workspaces", new JsonObject()).statusCode());
    assertEquals(200, copy(org.engineToken(), "schemas", new JsonObject()).statusCode());
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private String create(String kind, JsonObject body) {
    var created = org.post("/v1/organizations/" + template + "/" + kind, admin.token(), body);
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject().getString("id");
  }

  private HttpResponse<Buffer> copy(String token, String kind, JsonObject body) {
    return org.post("/v1/organizations/" + target + "/" + kind + ":copy", token, body.put("from", template));
  }

  private JsonObject queueCopySettings() {
    var copy = org.get("/v1/organizations/" + target + "/queues/" + IdFunction.nameBased(target, queue), admin.token());
    assertEquals(200, copy.statusCode(), copy.bodyAsString());
    return copy.bodyAsJsonObject().getJsonObject("settings");
  }

  private long queuesOfTarget() {
    return PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.queues WHERE org_id = '" + target + "'");
  }

  @Test
  void idsOfObjectsTheEngineCopiedElsewhereAreRemapped() {
    var copied = copy(org.engineToken(), "queues", new JsonObject()
        .put("copiedElsewhere", new JsonArray().add(channel.toUpperCase()).add(UUID.randomUUID().toString())));
    assertEquals(200, copied.statusCode(), copied.bodyAsString());
    assertEquals(new JsonObject().put("notify", IdFunction.nameBased(target, channel)).put("other", unrelated),
        queueCopySettings(), "the id of an object copied elsewhere names its copy; any other id is left alone");

    var again = copy(org.engineToken(), "queues", new JsonObject());
    assertEquals(200, again.statusCode(), again.bodyAsString());
    assertEquals(channel, queueCopySettings().getString("notify"), "without it, org-service knows of no such copy");
  }

  @Test
  void onlyTheEngineNamesCopiesMadeElsewhere() {
    var refused = copy(admin.token(), "queues", new JsonObject()
        .put("copiedElsewhere", new JsonArray().add(channel)));
    assertProblem(refused, 403, "forbidden");
    assertEquals(0, queuesOfTarget(), "nothing copied");
  }

  @Test
  void malformedOrTooManyCopiesElsewhereAreRefusedByName() {
    var notUuids = copy(org.engineToken(), "queues", new JsonObject()
        .put("copiedElsewhere", new JsonArray().add(channel).add("channel-1")));
    assertProblem(notUuids, 400, "validation_failed");
    var notAUuid = "holds channel-1, which is not a UUID";
    assertEquals(new JsonObject().put("field", "copiedElsewhere").put("message", notAUuid),
        notUuids.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0));
    assertProblem(copy(org.engineToken(), "queues", new JsonObject().put("copiedElsewhere", channel)), 400,
        "validation_failed");
    // counted before they are parsed: short ones keep the body within the harness's limit
    var tooMany = new JsonArray(IntStream.rangeClosed(0, IdFunction.MAX_COPIED_ELSEWHERE).mapToObj(String::valueOf)
        .toList());
    var refused = copy(org.engineToken(), "queues", new JsonObject().put("copiedElsewhere", tooMany));
    assertProblem(refused, 400, "validation_failed");
    assertEquals(new JsonObject().put("field", "copiedElsewhere").put("message", "at most 5000 ids"),
        refused.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0));
    assertEquals(0, queuesOfTarget(), "nothing copied");
  }
}
