package dev.orgplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every write operation of the OpenAPI document, sent bad bodies by a caller who may use it (an organization's
 * owner, or the platform admin for the organizations' meta-schema): malformed JSON, wrong types, huge strings, deep
 * nesting, hostile unicode, injection strings, an oversize body; a POST that takes no body, malformed JSON.
 * The answer is never a server error, every refusal is problem+json with a code, and the platform
 * works afterwards. What no field may hold (a wrong JSON type, an operator object, deep nesting) is 400
 * {@code validation_failed} naming that field, and writes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FuzzWriteEndpointsTest {

  private static final List<String> HOSTILE = List.of("'; DROP TABLE org.users; --", "\"},{\"admin\":true",
      "$where", "\u202Egnp.exe", "😀👩‍👩‍👧", "\u0000", "%00", "../../etc/passwd", "<script>alert(1)</script>");
  /** Escapes that decode to text PostgreSQL cannot store: NUL and a lone surrogate. */
  private static final List<String> RAW_HOSTILE = List.of("\"\\u0000\"", "\"\\ud800\"", "\"a\\udfffb\"");
  private static final List<String> NOT_JSON = List.of("{", "[]", "null", "\"text\"", "12", "{\"a\":}", "");
  /** The one operation on no tenant's objects but the platform's: the platform admin's to write. */
  private static final String META_SCHEMA = "/v1/meta-schemas/{name}";

  private Platform platform;
  private Gateway gateway;
  private String owner;
  private String platformAdmin;
  private Map<String, String> ids;

  @BeforeAll
  void startPlatform() {
    // one of its own, not the one other classes share: the fuzzer writes to what is platform-wide too (the
    // organizations' meta-schema; accounts and organizations named as the document's samples name them)
    platform = Platform.start();
    gateway = new Gateway(platform.baseUrl());
    var email = "fuzz-" + UUID.randomUUID().toString().substring(0, 6) + "@e2e.test";
    assertEquals(201, gateway.postJson("/v1/auth/register", null, new JsonObject().put("email", email)
        .put("password", "password-fuzz").put("name", "fuzz")).status());
    owner = gateway.token(email, "password-fuzz");
    ids = TenantFixture.build(gateway, platform, owner, "fuzzed");
    platformAdmin = gateway.token(platform.adminEmail(), platform.adminPassword());
  }

  @AfterAll
  void stop() {
    if (platform != null) {
      platform.close();
    }
  }

  @Test
  void badBodiesNeverBreakAServiceAndAlwaysGetAProblem() {
    var api = ApiOperations.fetch(gateway);
    var failures = new ArrayList<String>();
    var targets = targets(api);
    var before = fixtureObjects();
    int sent = 0;
    // first what every operation must refuse for its body, field by field: nothing may be written by it
    for (var target : targets) {
      if (target.operation().bodySchema() == null) {
        continue;
      }
      for (var body : NOT_JSON) {
        sent++;
        checkNotJsonRefused(target, body, failures);
      }
      for (var variant : misshapen(api, target.operation().bodySchema())) {
        sent++;
        checkRefusedNamingTheField(target, variant, failures);
      }
    }
    assertEquals(before, fixtureObjects(), "the refused requests wrote nothing");
    // then what a field may hold or refuse (hostile text, a huge string), and bodies sent where none is taken
    for (var target : targets) {
      var bodies = target.operation().bodySchema() == null ? NOT_JSON : oddValues(api, target.operation().bodySchema());
      for (var body : bodies) {
        sent++;
        check(target, body, failures);
      }
    }
    assertTrue(sent > 500, "the fuzzer sent enough to mean something: " + sent);
    assertTrue(failures.isEmpty(), failures.size() + " answers broke the rules:\n" + String.join("\n",
        failures.subList(0, Math.min(40, failures.size()))));
    assertEquals(200, gateway.get("/v1/organizations/" + ids.get("org"), owner).status(), "still serving");
  }

  @Test
  void anOversizeBodyIs413() {
    var huge = "{\"name\":\"" + "x".repeat(1_100_000) + "\"}";
    var reply = gateway.sendRaw("POST", "/v1/organizations", owner, huge);
    assertEquals(413, reply.status(), reply.body());
    assertEquals("application/problem+json", reply.contentType());
  }

  /** A write operation at a path of the fixture's, and who may call it. */
  private record Target(ApiOperations.Operation operation, String path, String caller) {
    String name() {
      return operation.method() + " " + operation.path();
    }
  }

  /** A body whose {@code field} holds what its schema does not allow. */
  private record Misshapen(String field, String body) {
  }

  /**
   * The write operations that take a body, or are POSTs that take none (a cancel or retry of a job, a ping): a DELETE
   * or PUT that takes none is not sent any, as it would remove the fixture's objects, or the owner, too early.
   */
  private List<Target> targets(ApiOperations api) {
    var targets = new ArrayList<Target>();
    for (var operation : api.all()) {
      if (!operation.writes() || operation.path().endsWith("/disable")
          || operation.bodySchema() == null && !operation.method().equals("POST")) {
        continue;
      }
      var platformWide = operation.path().equals(META_SCHEMA);
      var path = platformWide ? META_SCHEMA.replace("{name}", "organization")
          : operation.path().contains("{") ? TenantFixture.fill(operation.path(), ids, ids.get("org"))
          : operation.path();
      if (path != null) {
        targets.add(new Target(operation, path, platformWide ? platformAdmin : owner));
      }
    }
    return targets;
  }

  /** What a refused request could have written to: the fixture organization, its objects, trail and jobs. */
  private Map<String, Object> fixtureObjects() {
    var base = "/v1/organizations/" + ids.get("org");
    var objects = new TreeMap<String, Object>();
    for (var path : List.of(base, base + "/roles", base + "/groups", base + "/users", base + "/invitations",
        base + "/service-users", base + "/workspaces", base + "/schemas", base + "/queues", base + "/hooks",
        base + "/audit-events", "/v1/organizations", "/v1/provisioning/jobs", "/v1/provisioning/batches",
        "/v1/users/me")) {
      var reply = gateway.get(path, owner);
      assertEquals(200, reply.status(), path + ": " + reply.body());
      objects.put(path, reply.json());
    }
    return objects;
  }

  private void check(Target target, String body, List<String> failures) {
    var reply = gateway.sendRaw(target.operation().method(), target.path(), target.caller(), body);
    var problem = reply.status() < 400 || reply.contentType().equals("application/problem+json")
        && !new JsonObject(reply.body()).getString("code", "").isEmpty();
    if (reply.status() >= 500 || !problem) {
      failures.add(target.name() + " " + abbreviate(body) + " -> " + reply.status() + " " + abbreviate(reply.body()));
    }
  }

  /** An operation that reads a JSON object refuses anything else before it looks further: nothing is written. */
  private void checkNotJsonRefused(Target target, String body, List<String> failures) {
    var reply = gateway.sendRaw(target.operation().method(), target.path(), target.caller(), body);
    var code = reply.contentType().equals("application/problem+json") ? new JsonObject(reply.body()).getString("code")
        : null;
    var expected = body.isEmpty() ? "body_required" : "malformed_json";
    if (reply.status() != 400 || !expected.equals(code)) {
      failures.add(target.name() + " " + abbreviate(body) + " -> " + reply.status() + " " + abbreviate(reply.body())
          + ", not 400 " + expected);
    }
  }

  /**
   * A field holding what its schema does not allow is 400 {@code validation_failed} naming it in {@code errors}, on
   * every operation: a refusal for another field, one the sample body got wrong, would pass any variant for the wrong
   * reason.
   */
  private void checkRefusedNamingTheField(Target target, Misshapen variant, List<String> failures) {
    var reply = gateway.sendRaw(target.operation().method(), target.path(), target.caller(), variant.body());
    var problem = reply.contentType().equals("application/problem+json") ? new JsonObject(reply.body()) : null;
    if (reply.status() != 400 || problem == null || !"validation_failed".equals(problem.getString("code"))
        || !names(problem, variant.field())) {
      failures.add(target.name() + " " + abbreviate(variant.body()) + " -> " + reply.status() + " "
          + abbreviate(reply.body()) + ", not 400 validation_failed naming " + variant.field());
    }
  }

  private static boolean names(JsonObject problem, String field) {
    return problem.getJsonArray("errors", new JsonArray()).stream().map(error -> ((JsonObject) error).getString("field"))
        .anyMatch(named -> named.equals(field) || named.startsWith(field + ".") || named.startsWith(field + "["));
  }

  /**
   * Variants of a plausible body, field by field, with a value of the wrong JSON type, an operator object where the
   * field holds no object, or nesting deeper than any field may hold.
   */
  private List<Misshapen> misshapen(ApiOperations api, JsonObject schema) {
    var variants = new ArrayList<Misshapen>();
    var valid = plausible(api, schema);
    api.properties(schema).forEach(property -> {
      var field = property.getKey();
      var types = api.types((JsonObject) property.getValue());
      if (types.isEmpty()) {
        return;
      }
      var wrongType = types.contains("string") ? (Object) 12345 : "a string";
      variants.add(new Misshapen(field, valid.copy().put(field, wrongType).encode()));
      if (!types.contains("object")) {
        variants.add(new Misshapen(field, valid.copy().put(field, new JsonObject().put("$gt", "")).encode()));
      }
      variants.add(new Misshapen(field, valid.copy().put(field, deep(200)).encode()));
    });
    return variants;
  }

  /**
   * The document's sample body, with the fixture organization as the template to provision from: a template that
   * does not exist is refused before a new target's fields are read. Only for bodies that must be refused: one taken
   * would provision.
   */
  private JsonObject plausible(ApiOperations api, JsonObject schema) {
    var sample = api.sample(schema);
    if (sample.containsKey("templateOrganization")) {
      sample.put("templateOrganization", ids.get("org"));
    }
    return sample;
  }

  /** Variants of a plausible body, field by field, with values a field may take or refuse, but never break on. */
  private static List<String> oddValues(ApiOperations api, JsonObject schema) {
    var bodies = new ArrayList<String>();
    var valid = api.sample(schema);
    api.properties(schema).forEach(property -> {
      var field = property.getKey();
      if (api.types((JsonObject) property.getValue()).stream().allMatch("object"::equals)) {
        bodies.add(valid.copy().put(field, new JsonObject().put("$gt", "")).encode());
      }
      bodies.add(valid.copy().put(field, "x".repeat(100_000)).encode());
      HOSTILE.forEach(text -> bodies.add(valid.copy().put(field, text).encode()));
      RAW_HOSTILE.forEach(raw -> bodies.add(valid.copy().put(field, "@@").encode().replace("\"@@\"", raw)));
      bodies.add(valid.copy().put(field, new JsonArray().add(HOSTILE.get(0)).add(deep(50))).encode());
    });
    return bodies;
  }

  private static Object deep(int depth) {
    Object value = "bottom";
    for (int i = 0; i < depth; i++) {
      value = i % 2 == 0 ? new JsonArray().add(value) : new JsonObject().put("d", value);
    }
    return value;
  }

  private static String abbreviate(String text) {
    return text.length() <= 160 ? text : text.substring(0, 160) + "...(" + text.length() + " chars)";
  }
}
