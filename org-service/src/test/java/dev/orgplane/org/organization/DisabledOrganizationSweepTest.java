package dev.orgplane.org.organization;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.testing.OpenApiRoutes;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceTest;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every operation of an organization the OpenAPI document lists, called by the owner of a disabled organization with
 * real ids in its path: 403 {@code organization_disabled} for a request that would do, and for a malformed one too
 * (handlers read a body or query before they decide access, so its 400 must not reach members the disable holds
 * off), except on the few operations the disable leaves them, whose mistakes stay 400.
 */
class DisabledOrganizationSweepTest extends OrgServiceTest {

  private static final String ORG = "/v1/organizations/{org}";
  /**
   * What README leaves members of a disabled organization: "everything but reading the organization itself ... and
   * leaving it, and owners enabling it again", disabling it (at a higher level: "a higher level disables a disabled
   * organization again"), and {@code permissions/me} ("anyone in the organization may ask"). Leaving is
   * {@code DELETE .../users/{uid}} of oneself; the sweep's {@code uid} is another member's, which is a removal.
   */
  private static final Set<String> OPEN = Set.of("GET " + ORG, "POST " + ORG + "/disable", "POST " + ORG + "/enable",
      "GET " + ORG + "/permissions/me");
  private static final Pattern PARAMETER = Pattern.compile("\\{([a-z]+)}");

  private OrgServiceHarness.Account owner;
  private final Map<String, String> ids = new HashMap<>();
  private final Map<String, JsonObject> bodies = new HashMap<>();

  /** One organization with one of everything its paths name, disabled by its owner. */
  @BeforeAll
  void disableAnOrganizationWithOneOfEverything() {
    owner = org.newVerifiedUser("sweep-owner");
    var manager = org.newUser("sweep-manager");
    var orgId = org.createOrg(owner.token(), "sweep").getString("id");
    var source = org.createOrg(owner.token(), "sweep-source").getString("id");
    var base = "/v1/organizations/" + orgId;
    org.addMembers(orgId, List.of(manager.id()), "manager");
    var workspace = create(base + "/workspaces", new JsonObject().put("name", "ws"));
    var schema = create(base + "/schemas", new JsonObject().put("name", "schema").put("content", new JsonObject()));
    var queue = create(base + "/queues", new JsonObject().put("name", "queue").put("workspaceId", workspace)
        .put("schemaId", schema));
    var hook = create(base + "/hooks", hookBody("hook"));
    var team = create(base + "/groups", new JsonObject().put("name", "team"));
    create(base + "/groups/" + team + "/users", new JsonObject().put("userIds", new JsonArray().add(manager.id())));
    var role = create(base + "/roles", new JsonObject().put("name", "auditor")
        .put("permissions", new JsonArray().add("app_organization_get")));
    var serviceUser = create(base + "/service-users", new JsonObject().put("name", "robot")
        .put("roles", new JsonArray().add("viewer")));
    var credential = org.post(base + "/service-users/" + serviceUser + "/credentials", owner.token(), null)
        .bodyAsJsonObject().getString("clientId");
    var invitation = create(base + "/invitations", new JsonObject().put("email", "sweep@test.local"));
    ids.putAll(Map.of("org", orgId, "uid", manager.id(), "gid", team, "iid", invitation, "rid", role,
        "sid", serviceUser, "cid", credential,
        // a federated credential takes a configured issuer, a delivery a dispatched event: the refusal comes before
        // any lookup, so ids of none do
        "fid", UUID.randomUUID().toString(), "did", UUID.randomUUID().toString()));
    ids.putAll(Map.of("workspaces", workspace, "schemas", schema, "queues", queue, "hooks", hook));
    validBodies(source, workspace, schema);
    assertEquals(200, org.post(base + "/disable", owner.token(), new JsonObject().put("reason", "sweep"))
        .statusCode());
  }

  private String create(String path, JsonObject body) {
    var created = org.post(path, owner.token(), body);
    assertEquals(2, created.statusCode() / 100, path + ": " + created.bodyAsString());
    return created.bodyAsJsonObject().getString("id");
  }

  private static JsonObject hookBody(String name) {
    return new JsonObject().put("name", name).put("url", "https://hooks.example.com/" + name)
        .put("events", new JsonArray().add("queue.created"));
  }

  /** A body each writing operation would take in an enabled organization. */
  private void validBodies(String source, String workspace, String schema) {
    var copy = new JsonObject().put("from", source);
    var queue = new JsonObject().put("name", "queue2").put("workspaceId", workspace).put("schemaId", schema);
    var schemaBody = new JsonObject().put("name", "schema2").put("content", new JsonObject());
    var role = new JsonObject().put("name", "auditor2").put("permissions", new JsonArray().add("app_organization_get"));
    Map<String, JsonObject> items = Map.of("groups", new JsonObject().put("name", "team2"), "hooks",
        hookBody("hook2"), "queues", queue, "roles", role, "schemas", schemaBody,
        "workspaces", new JsonObject().put("name", "ws2"));
    items.forEach((collection, body) -> {
      bodies.put("POST " + ORG + "/" + collection, body);
      bodies.put("POST " + ORG + "/" + collection + ":batch", new JsonObject().put("items",
          new JsonArray().add(body.copy().put("id", UUID.randomUUID().toString()))));
      bodies.put("PATCH " + ORG + "/" + collection + "/{" + pathId(collection) + "}", body);
      bodies.put("PUT " + ORG + "/" + collection + "/{" + pathId(collection) + "}", body);
      bodies.put("POST " + ORG + "/" + collection + ":copy", copy);
    });
    bodies.put("PUT " + ORG + "/groups/{gid}", new JsonObject().put("name", "team")
        .put("userIds", new JsonArray().add(owner.id())));
    bodies.put("PATCH " + ORG, new JsonObject().put("description", "swept"));
    bodies.put("POST " + ORG + "/groups/{gid}/users", new JsonObject().put("userIds", new JsonArray().add(owner.id())));
    bodies.put("POST " + ORG + "/invitations", new JsonObject().put("email", "sweep2@test.local"));
    bodies.put("POST " + ORG + "/objects:lookup", new JsonObject().put("ids", new JsonArray().add(workspace)));
    bodies.put("POST " + ORG + "/service-users", new JsonObject().put("name", "robot2")
        .put("roles", new JsonArray().add("viewer")));
    bodies.put("POST " + ORG + "/service-users/{sid}/federated-credentials", new JsonObject()
        .put("issuer", "https://issuer.example.com").put("subject", "sweep"));
    bodies.put("POST " + ORG + "/users", new JsonObject().put("userIds", new JsonArray().add(owner.id()))
        .put("roles", new JsonArray().add("viewer")));
    bodies.put("POST " + ORG + "/users:batch", new JsonObject().put("items", new JsonArray()
        .add(new JsonObject().put("id", owner.id()).put("roles", new JsonArray().add("viewer")))));
    bodies.put("PUT " + ORG + "/users/{uid}/roles", new JsonObject().put("roles", new JsonArray().add("viewer")));
    bodies.put("POST " + ORG + "/provisioning-events", new JsonObject().put("type", "provisioning.job.finished")
        .put("jobId", UUID.randomUUID().toString()));
  }

  /** The name of the id parameter under {@code /<collection>/}, as the document names it. */
  private static String pathId(String collection) {
    return Map.of("groups", "gid", "roles", "rid").getOrDefault(collection, "id");
  }

  /** Every operation under an organization's path the document lists, as {@code "PATCH /v1/organizations/{org}"}. */
  private static Stream<String> operations() {
    return OpenApiRoutes.load().documented().stream()
        .filter(operation -> operation.substring(operation.indexOf(' ') + 1).startsWith(ORG));
  }

  private static Stream<String> closedOperations() {
    return operations().filter(operation -> !OPEN.contains(operation));
  }

  /** Those whose request has a JSON body. */
  private static Stream<String> operationsWithABody() {
    var paths = OpenApiRoutes.load().document().getJsonObject("paths");
    return operations().filter(operation -> {
      var space = operation.indexOf(' ');
      return paths.getJsonObject(operation.substring(space + 1))
          .getJsonObject(operation.substring(0, space).toLowerCase(), new JsonObject())
          .getJsonObject("requestBody", new JsonObject()).getJsonObject("content", new JsonObject())
          .containsKey("application/json");
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("closedOperations")
  void aRequestThatWouldDoIsRefused(String operation) {
    assertProblem(send(operation, "", bodies.get(operation)), 403, "organization_disabled");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("operations")
  void anUnknownQueryParameterIsRefusedAsTheDisableOnlyWhereItHoldsOff(String operation) {
    assertRefusedAsTheDisableOnlyWhereItHoldsOff(operation, send(operation, "?sweep=1", bodies.get(operation)),
        "unknown_parameter");
  }

  /** Each operation with a body, sent one that is no JSON and one of unknown fields, with the code each is due. */
  private static Stream<Arguments> malformedBodies() {
    return operationsWithABody().flatMap(operation -> Stream.of(Arguments.of(operation, "{not json", "malformed_json"),
        Arguments.of(operation, new JsonObject().put("sweep", 5), "validation_failed")));
  }

  @ParameterizedTest(name = "{0} {2}")
  @MethodSource("malformedBodies")
  void aMalformedBodyIsRefusedAsTheDisableOnlyWhereItHoldsOff(String operation, Object body, String fault) {
    assertRefusedAsTheDisableOnlyWhereItHoldsOff(operation, send(operation, "", body), fault);
  }

  /** Where the disable leaves members their way, a request is refused for its own {@code fault}. */
  private static void assertRefusedAsTheDisableOnlyWhereItHoldsOff(String operation, HttpResponse<Buffer> answer,
      String fault) {
    if (OPEN.contains(operation)) {
      assertProblem(answer, 400, fault);
    } else {
      assertProblem(answer, 403, "organization_disabled");
    }
  }

  /** Those that are POSTs, whose Idempotency-Key the router reads before any route's handler. */
  private static Stream<String> posts() {
    return operations().filter(operation -> operation.startsWith("POST "));
  }

  /**
   * A malformed Idempotency-Key is refused by the router before the route runs: as the disable where it holds members
   * off, and as itself where the disable leaves them (an owner enabling with one was told 403 the disable).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("posts")
  void aMalformedIdempotencyKeyIsRefusedAsTheDisableOnlyWhereItHoldsOff(String operation) {
    assertRefusedAsTheDisableOnlyWhereItHoldsOff(operation, send(operation, "", bodies.get(operation),
        MultiMap.caseInsensitiveMultiMap().add("Idempotency-Key", "k".repeat(256))), "invalid_idempotency_key");
  }

  /** Leaving is left to members, so its mistakes are theirs to hear; removing someone else is not. */
  @Test
  void aMalformedLeaveIsAnsweredItsMistakeButAMalformedRemovalTheDisable() {
    var member = "/v1/organizations/" + ids.get("org") + "/users/";
    assertProblem(org.send(HttpMethod.DELETE, member + owner.id() + "?sweep=1", owner.token(), null), 400,
        "unknown_parameter");
    assertProblem(org.send(HttpMethod.DELETE, member + ids.get("uid") + "?sweep=1", owner.token(), null), 403,
        "organization_disabled");
  }

  private HttpResponse<Buffer> send(String operation, String query, Object body) {
    return send(operation, query, body, MultiMap.caseInsensitiveMultiMap());
  }

  private HttpResponse<Buffer> send(String operation, String query, Object body, MultiMap headers) {
    var space = operation.indexOf(' ');
    var template = operation.substring(space + 1);
    var path = new StringBuilder();
    var segments = template.split("/");
    for (int i = 1; i < segments.length; i++) {
      var segment = segments[i];
      var parameter = PARAMETER.matcher(segment);
      path.append('/').append(parameter.matches()
          ? ids.get("id".equals(parameter.group(1)) ? segments[i - 1] : parameter.group(1)) : segment);
    }
    return org.send(HttpMethod.valueOf(operation.substring(0, space)), path + query, owner.token(), body, headers);
  }
}
