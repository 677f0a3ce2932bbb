package dev.orgplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * works afterwards.
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
    int sent = 0;
    for (var operation : api.all()) {
      // a POST that takes no body (a cancel or retry of a job, a ping) is sent the malformed ones; a DELETE or PUT
      // that takes none is not sent any, as it would remove the fixture's objects, or the owner, too early
      if (!operation.writes() || operation.path().endsWith("/disable")
          || operation.bodySchema() == null && !operation.method().equals("POST")) {
        continue;
      }
      var platformWide = operation.path().equals(META_SCHEMA);
      var path = platformWide ? META_SCHEMA.replace("{name}", "organization")
          : operation.path().contains("{") ? TenantFixture.fill(operation.path(), ids, ids.get("org"))
          : operation.path();
      if (path == null) {
        continue;
      }
      var caller = platformWide ? platformAdmin : owner;
      for (var body : NOT_JSON) {
        sent++;
        if (operation.bodySchema() == null) {
          check(caller, operation.method(), path, body, failures);
        } else {
          checkNotJsonRefused(caller, operation.method(), path, body, failures);
        }
      }
      var badVariants = operation.bodySchema() == null ? List.<String>of() : bodies(api, operation.bodySchema());
      for (var body : badVariants) {
        sent++;
        check(caller, operation.method(), path, body, failures);
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

  private void check(String caller, String method, String path, String body, List<String> failures) {
    var reply = gateway.sendRaw(method, path, caller, body);
    var problem = reply.status() < 400 || reply.contentType().equals("application/problem+json")
        && !new JsonObject(reply.body()).getString("code", "").isEmpty();
    if (reply.status() >= 500 || !problem) {
      failures.add(method + " " + path + " " + abbreviate(body) + " -> " + reply.status() + " " + abbreviate(reply.body()));
    }
  }

  /** An operation that reads a JSON object refuses anything else before it looks further: nothing is written. */
  private void checkNotJsonRefused(String caller, String method, String path, String body, List<String> failures) {
    var reply = gateway.sendRaw(method, path, caller, body);
    var code = reply.contentType().equals("application/problem+json") ? new JsonObject(reply.body()).getString("code")
        : null;
    var expected = body.isEmpty() ? "body_required" : "malformed_json";
    if (reply.status() != 400 || !expected.equals(code)) {
      failures.add(method + " " + path + " " + abbreviate(body) + " -> " + reply.status() + " " + abbreviate(reply.body())
          + ", not 400 " + expected);
    }
  }

  /** Bad variants of a plausible body, field by field. */
  private static List<String> bodies(ApiOperations api, JsonObject schema) {
    var bodies = new ArrayList<String>();
    var valid = api.sample(schema);
    api.properties(schema).forEach(property -> {
      var field = property.getKey();
      var wrongType = valid.getValue(field) instanceof String ? (Object) 12345 : "a string";
      bodies.add(valid.copy().put(field, wrongType).encode());
      bodies.add(valid.copy().put(field, new JsonObject().put("$gt", "")).encode());
      bodies.add(valid.copy().put(field, "x".repeat(100_000)).encode());
      bodies.add(valid.copy().put(field, deep(200)).encode());
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
