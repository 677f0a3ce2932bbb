package dev.orgplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.db.PgUrl;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.kit.testing.RefusedAnswers;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

  /** POSTs that change nothing (reads, a signed token): their answers are kept as they are sent. */
  private static final Set<String> KEPT_AFTER_THE_WORK = Set.of("/v1/organizations:lookup",
      "/v1/organizations/{org}/objects:lookup", "/v1/organization-groups/{gid}/organizations/{org}/token");

  private PgUrl database;
  private Platform platform;
  private Gateway gateway;
  private String owner;
  private Map<String, String> ids;

  @BeforeAll
  void startPlatform() {
    database = PgFixture.freshDatabase();
    platform = Platform.start(database);
    gateway = new Gateway(platform.baseUrl());
    var email = "retries-" + UUID.randomUUID().toString().substring(0, 6) + "@e2e.test";
    assertEquals(201, gateway.postJson("/v1/auth/register", null, new JsonObject().put("email", email)
        .put("password", "password-retries").put("name", "retries")).status());
    owner = gateway.token(email, "password-retries");
    ids = TenantFixture.build(gateway, platform, owner, "retried");
  }

  /**
   * Bodies for operations whose sampled body cannot succeed in the tenant of {@code ids}: references, batches,
   * provisioning from the tenant (into a new organization named after it).
   */
  private static Map<String, JsonObject> bodies(Map<String, String> ids) {
    var org = "/v1/organizations/{org}/";
    var copy = new JsonObject().put("name", "copy-" + ids.get("org").substring(0, 8));
    return Map.of("/v1/provisioning/jobs", new JsonObject().put("templateOrganization", ids.get("org"))
            .put("target", copy),
        "/v1/provisioning/batches", new JsonObject().put("templateOrganization", ids.get("org"))
            .put("targets", new JsonArray().add(copy.copy().put("name", copy.getString("name") + "-batched"))),
        org + "queues", new JsonObject().put("name", "retried").put("workspaceId", ids.get("workspaces"))
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

  /** A POST of the document and a body it may succeed with. */
  private record Post(String operation, JsonObject body) {
  }

  private List<Post> posts(Map<String, String> ids) {
    var api = ApiOperations.fetch(gateway);
    var bodies = bodies(ids);
    var posts = new ArrayList<Post>();
    for (var operation : api.all()) {
      if (!operation.method().equals("POST") || operation.path().startsWith("/v1/auth/")) {
        continue;
      }
      if (!operation.path().contains("{") || TenantFixture.fill(operation.path(), ids, ids.get("org")) != null) {
        posts.add(new Post(operation.path(), bodies.getOrDefault(operation.path(),
            api.sample(operation.bodySchema()))));
      }
    }
    return posts;
  }

  /**
   * The path of {@code post} filled with {@code ids}' objects, when it is sent. A cancel of the engine succeeds only
   * on a job or batch that has not ended, and one of a few objects ends within a second, long before the sweep gets
   * there: each engine cancel is given a batch queued just before it ({@link TenantFixture#unended}).
   */
  private String path(Post post, Map<String, String> ids) {
    if (!post.operation().contains("{")) {
      return post.operation();
    }
    var cancel = post.operation().startsWith("/v1/provisioning/") && post.operation().endsWith("/cancel");
    return TenantFixture.fill(post.operation(), cancel ? TenantFixture.unended(gateway, owner, ids) : ids,
        ids.get("org"));
  }

  private static Map<String, String> withKey() {
    return Map.of("Idempotency-Key", UUID.randomUUID().toString());
  }

  @Test
  void everyPostThatSucceedsAnswersItsRetryWithTheSameKeyAsTheFirstTime() {
    var replayed = new ArrayList<String>();
    var failures = new ArrayList<String>();
    for (var post : posts(ids)) {
      var key = withKey();
      var path = path(post, ids);
      var first = gateway.postJson(path, owner, post.body(), key);
      if (first.status() >= 300) {
        continue;
      }
      var again = gateway.postJson(path, owner, post.body(), key);
      if (again.status() != first.status() || !again.body().equals(first.body())) {
        failures.add("POST " + path + ": " + first.status() + " " + first.body() + " then " + again.status()
            + " " + again.body());
      }
      replayed.add(post.operation());
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
    assertTrue(replayed.size() >= 20, "enough operations succeeded to mean something: " + replayed);
    assertTrue(replayed.containsAll(List.of("/v1/provisioning/jobs/{jid}/cancel",
        "/v1/provisioning/batches/{bid}/cancel")), "the engine's cancels were sent before their batch ended: " + replayed);
  }

  /**
   * Every POST whose work is a transaction keeps its answer in it: with answers refused by the database, each one
   * that would succeed fails whole (500), and none answers 2xx with work done and no answer kept for its retry. Those
   * that change nothing keep theirs as they are sent ({@link #KEPT_AFTER_THE_WORK}).
   */
  @Test
  void everyPostWhoseAnswerCannotBeKeptFailsWhole() {
    var own = TenantFixture.build(gateway, platform, owner, "refused");
    var undone = new ArrayList<String>();
    var answeredAnyway = new ArrayList<String>();
    try (var org = RefusedAnswers.in(database, "org");
        var provisioning = RefusedAnswers.in(database, "provisioning")) {
      for (var post : posts(own)) {
        var path = path(post, own);
        var answer = gateway.postJson(path, owner, post.body(), withKey());
        if (answer.status() == 500) {
          undone.add(post.operation());
        } else if (answer.status() < 300 && !KEPT_AFTER_THE_WORK.contains(post.operation())) {
          answeredAnyway.add("POST " + path + ": " + answer.status() + " " + answer.body());
        }
      }
    }
    assertTrue(answeredAnyway.isEmpty(), "answered with no answer kept:\n" + String.join("\n", answeredAnyway));
    assertTrue(undone.size() >= 20, "enough operations would have succeeded to mean something: " + undone);
  }
}
