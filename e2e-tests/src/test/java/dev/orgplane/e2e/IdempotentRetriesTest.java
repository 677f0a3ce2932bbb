package dev.orgplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every POST of the OpenAPI document that succeeds with a plausible body, sent again with the same
 * {@code Idempotency-Key}, answers as the first time: the answer was kept. A route that answers without going
 * through {@code Replies} keeps no answer, and its retry meets 409 {@code idempotency_key_in_use} (or, worse, does
 * the work twice); this finds one as soon as it is in the document, without a test of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdempotentRetriesTest {

  private Platform platform;
  private Gateway gateway;
  private String owner;
  private Map<String, String> ids;
  /** Bodies for operations whose sampled body cannot succeed: references, batches. */
  private Map<String, JsonObject> bodies;

  @BeforeAll
  void startPlatform() {
    platform = Platform.start();
    gateway = new Gateway(platform.baseUrl());
    var email = "retries-" + UUID.randomUUID().toString().substring(0, 6) + "@e2e.test";
    assertEquals(201, gateway.postJson("/v1/auth/register", null, new JsonObject().put("email", email)
        .put("password", "password-retries").put("name", "retries")).status());
    owner = gateway.token(email, "password-retries");
    ids = TenantFixture.build(gateway, owner, "retried");
    var org = "/v1/organizations/{org}/";
    bodies = Map.of(org + "queues", new JsonObject().put("name", "retried").put("workspaceId", ids.get("workspaces"))
            .put("schemaId", ids.get("schemas")),
        org + "service-users", new JsonObject().put("name", "retried").put("roles", new JsonArray().add("viewer")),
        org + "workspaces:batch", batchOf(new JsonObject().put("name", "batched")),
        org + "schemas:batch", batchOf(new JsonObject().put("name", "batched").put("content", new JsonObject())),
        org + "roles:batch", batchOf(new JsonObject().put("name", "batched")
            .put("permissions", new JsonArray().add("app_audit_list"))),
        org + "groups:batch", batchOf(new JsonObject().put("name", "batched").put("userIds", new JsonArray())),
        org + "queues:batch", batchOf(new JsonObject().put("name", "batched").put("workspaceId", ids.get("workspaces"))
            .put("schemaId", ids.get("schemas"))),
        org + "hooks:batch", batchOf(new JsonObject().put("name", "batched").put("url", "https://hooks.example.com/b")
            .put("events", new JsonArray().add("queue.created"))));
  }

  private static JsonObject batchOf(JsonObject item) {
    return new JsonObject().put("items", new JsonArray().add(item.put("id", UUID.randomUUID().toString())));
  }

  @AfterAll
  void stop() {
    if (platform != null) {
      platform.close();
    }
  }

  @Test
  void everyPostThatSucceedsAnswersItsRetryWithTheSameKeyAsTheFirstTime() {
    var api = ApiOperations.fetch(gateway);
    var replayed = new ArrayList<String>();
    var failures = new ArrayList<String>();
    for (var operation : api.all()) {
      if (!operation.method().equals("POST") || operation.path().startsWith("/v1/auth/")) {
        continue;
      }
      var path = operation.path().contains("{") ? TenantFixture.fill(operation.path(), ids, ids.get("org"))
          : operation.path();
      if (path == null) {
        continue;
      }
      var key = Map.of("Idempotency-Key", UUID.randomUUID().toString());
      var body = bodies.getOrDefault(operation.path(), api.sample(operation.bodySchema()));
      var first = gateway.postJson(path, owner, body, key);
      if (first.status() >= 300) {
        continue;
      }
      var again = gateway.postJson(path, owner, body, key);
      if (again.status() != first.status() || !again.body().equals(first.body())) {
        failures.add("POST " + path + ": " + first.status() + " " + first.body() + " then " + again.status() + " "
            + again.body());
      }
      replayed.add(operation.path());
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
    assertTrue(replayed.size() >= 20, "enough operations succeeded to mean something: " + replayed);
  }
}
