package dev.orgplane.org.metaschema;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.testing.Eventually;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceHarness;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PreparedQuery;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetaSchemaTest {

  /** Checks that may wait for a thread, in the tests' own instances: as many as the tests ever send at once. */
  private static final int QUEUE = 16;
  private OrgServiceHarness org;
  private String admin;

  @BeforeAll
  void start(Vertx vertx) {
    org = OrgServiceHarness.start(vertx);
    admin = org.platformAdminToken();
  }

  private int createWithMetadata(String token, JsonObject metadata) {
    return org.post("/v1/organizations", token, new JsonObject().put("name", "ms-" + UUID.randomUUID().toString()
        .substring(0, 8)).put("title", "t").put("metadata", metadata)).statusCode();
  }

  @Test
  void changedMetaSchemaGovernsNewMetadata() {
    var user = org.newUser("user");
    var tier = new JsonObject().put("tier", "gold");
    assertEquals(400, createWithMetadata(user.token(), tier));
    var schema = new JsonObject().put("type", "object").put("properties", new JsonObject()
        .put("tier", new JsonObject().put("enum", new io.vertx.core.json.JsonArray().add("gold").add("silver"))));
    assertEquals(200, org.send(HttpMethod.PUT, "/v1/meta-schemas/organization", admin, schema).statusCode());
    assertEquals(schema, org.get("/v1/meta-schemas/organization", admin).bodyAsJsonObject().getJsonObject("schema"));
    assertEquals(201, createWithMetadata(user.token(), tier));
    assertEquals(400, createWithMetadata(user.token(), new JsonObject().put("tier", "bronze")));
  }

  /**
   * A refusal names the first 20 violations and counts the rest: under the stock schema (no keys but its own), each of
   * 5,400 keys was an error of its own, 722 KB of answer to 53 KB of metadata.
   */
  @Test
  void aRefusalNamesTwentyViolationsAndCountsTheRest() {
    var user = org.newUser("user");
    var metadata = new JsonObject();
    for (var i = 0; i < 5_400; i++) {
      metadata.put(String.format("k%04d", i), 0);
    }
    var refused = org.post("/v1/organizations", user.token(), new JsonObject().put("name", "ms-"
        + UUID.randomUUID().toString().substring(0, 8)).put("title", "t").put("metadata", metadata));
    assertProblem(refused, 400, "validation_failed");
    var errors = refused.bodyAsJsonObject().getJsonArray("errors");
    assertEquals(MetaSchemas.NAMED_ERRORS, errors.size());
    assertEquals("metadata", errors.getJsonObject(0).getString("field"));
    assertEquals("metadata does not match the organization meta-schema (5400 violations, the first 20 named).",
        refused.bodyAsJsonObject().getString("detail"));
  }

  /**
   * A meta-schema whose references loop is refused; one looping only below a key refuses metadata holding it, 400 not
   * 500: following the loop overflowed the event loop's stack, for every organization created once one was stored.
   */
  @Test
  void aMetaSchemaWhoseReferencesLoopJudgesNothing() {
    var user = org.newUser("user");
    var path = "/v1/meta-schemas/organization";
    var before = org.get(path, admin).bodyAsJsonObject().getJsonObject("schema");
    for (var looping : List.of("{\"$ref\":\"#\"}",
        "{\"$defs\":{\"a\":{\"$ref\":\"#/$defs/b\"},\"b\":{\"$ref\":\"#/$defs/a\"}},\"$ref\":\"#/$defs/a\"}")) {
      assertProblem(org.send(HttpMethod.PUT, path, admin, looping), 400, "invalid_meta_schema");
    }
    assertEquals(before, org.get(path, admin).bodyAsJsonObject().getJsonObject("schema"));
    var loopingBelowA = new JsonObject("{\"properties\":{\"a\":{\"$ref\":\"#/$defs/x\"}},"
        + "\"$defs\":{\"x\":{\"$ref\":\"#/$defs/x\"}}}");
    assertEquals(200, org.send(HttpMethod.PUT, path, admin, loopingBelowA).statusCode());
    try {
      assertEquals(201, createWithMetadata(user.token(), new JsonObject().put("b", 1)));
      var refused = org.post("/v1/organizations", user.token(), new JsonObject().put("name", "ms-"
          + UUID.randomUUID().toString().substring(0, 8)).put("title", "t").put("metadata", new JsonObject().put("a", 1)));
      assertProblem(refused, 400, "validation_failed");
      assertEquals(new JsonArray().add(new JsonObject().put("field", "metadata")
              .put("message", "cannot be checked against the meta-schema: " + MetaSchemas.Unjudged.LOOPS.reason)),
          refused.bodyAsJsonObject().getJsonArray("errors"));
    } finally {
      assertEquals(200, org.send(HttpMethod.PUT, path, admin, before).statusCode());
    }
  }

  /**
   * Following references is cut off after a second, on a worker thread: 15 {@code $defs}, each {@code anyOf} two
   * references to the next, took 2.4 s to store and 8.5 s of the event loop for each organization created. A schema
   * referring to itself twice below a key doubles its work with each level of metadata.
   */
  @Test
  void referencesMultiplyingTheWorkAreCutOffOffTheEventLoop(Vertx vertx) throws Exception {
    var user = org.newUser("user");
    var path = "/v1/meta-schemas/organization";
    var before = org.get(path, admin).bodyAsJsonObject().getJsonObject("schema");
    var refused = org.send(HttpMethod.PUT, path, admin, multiplyingReferences());
    assertProblem(refused, 400, "invalid_meta_schema");
    assertEquals("Not a usable JSON Schema: " + MetaSchemas.Unjudged.SLOW.reason + ".",
        refused.bodyAsJsonObject().getString("detail"));
    var self = new JsonObject().put("properties", new JsonObject().put("a", new JsonObject().put("$ref", "#")));
    var doubling = new JsonObject().put("type", "object").put("anyOf", new JsonArray().add(self).add(self.copy()));
    assertEquals(200, org.send(HttpMethod.PUT, path, admin, doubling).statusCode());
    LocalMap<String, Integer> checking = vertx.sharedData().getLocalMap(MetaSchemas.POOL_NAME);
    try {
      // a check lasts its budget, a second, which a loaded machine may take to answer the GET too: a GET answered
      // once the check had ended shows nothing, and another check is begun for another GET
      var answeredWhileChecking = false;
      for (var attempt = 0; attempt < 5 && !answeredWhileChecking; attempt++) {
        var creating = CompletableFuture.supplyAsync(() -> org.post("/v1/organizations", user.token(),
            "{\"name\":\"ms-" + UUID.randomUUID().toString().substring(0, 8) + "\",\"title\":\"t\",\"metadata\":"
            + "{\"a\":".repeat(30) + "1" + "}".repeat(30) + "}"));
        Eventually.holds(() -> checking.get(MetaSchemas.POOL_NAME) != null || creating.isDone(),
            "the creation is neither checked nor answered");
        assertEquals(200, org.get("/v1/users/me", user.token()).statusCode());
        answeredWhileChecking = checking.get(MetaSchemas.POOL_NAME) != null;
        var cutOff = creating.get();
        assertProblem(cutOff, 400, "validation_failed");
        assertEquals(new JsonArray().add(new JsonObject().put("field", "metadata")
                .put("message", "cannot be checked against the meta-schema: " + MetaSchemas.Unjudged.SLOW.reason)),
            cutOff.bodyAsJsonObject().getJsonArray("errors"));
      }
      assertTrue(answeredWhileChecking, "no GET was answered while the metadata was being checked");
    } finally {
      assertEquals(200, org.send(HttpMethod.PUT, path, admin, before).statusCode());
    }
  }

  /** 20 {@code $defs}, each {@code anyOf} two references to the next: 2^20 paths to follow. */
  private static JsonObject multiplyingReferences() {
    var defs = new JsonObject().put("d20", new JsonObject().put("not", new JsonObject()));
    for (var i = 0; i < 20; i++) {
      var next = new JsonObject().put("$ref", "#/$defs/d" + (i + 1));
      defs.put("d" + i, new JsonObject().put("anyOf", new JsonArray().add(next).add(next.copy())));
    }
    return new JsonObject().put("$defs", defs).put("$ref", "#/$defs/d0");
  }

  /**
   * A pattern is cut off with the budget: java.util.regex backtracks, and a common slug rule took 14 s over three
   * values of 8,001 characters (matched though they were already too long), then answered 400 all the same.
   */
  @Test
  void aBacktrackingPatternIsCutOffWithTheBudget() {
    var user = org.newUser("user");
    var path = "/v1/meta-schemas/organization";
    var before = org.get(path, admin).bodyAsJsonObject().getJsonObject("schema");
    var slugs = new JsonObject().put("type", "object").put("additionalProperties", new JsonObject()
        .put("type", "string").put("maxLength", 63).put("pattern", "^([a-z0-9]+-?)*[a-z0-9]$"));
    assertEquals(200, org.send(HttpMethod.PUT, path, admin, slugs).statusCode());
    try {
      assertEquals(201, createWithMetadata(user.token(), new JsonObject().put("team", "platform-ops-2")));
      var notASlug = org.post("/v1/organizations", user.token(), new JsonObject().put("name", "ms-"
          + UUID.randomUUID().toString().substring(0, 8)).put("title", "t").put("metadata", new JsonObject()
          .put("team", "Platform Ops")));
      assertProblem(notASlug, 400, "validation_failed");
      assertEquals("metadata.team", notASlug.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0)
          .getString("field"));
      var tooLong = new JsonObject();
      for (var i = 0; i < 3; i++) {
        tooLong.put("k" + i, "a".repeat(8_000) + "!");
      }
      var started = System.nanoTime();
      var cutOff = org.post("/v1/organizations", user.token(), new JsonObject().put("name", "ms-"
          + UUID.randomUUID().toString().substring(0, 8)).put("title", "t").put("metadata", tooLong));
      var millis = (System.nanoTime() - started) / 1_000_000;
      assertProblem(cutOff, 400, "validation_failed");
      assertEquals(new JsonArray().add(new JsonObject().put("field", "metadata")
              .put("message", "cannot be checked against the meta-schema: " + MetaSchemas.Unjudged.SLOW.reason)),
          cutOff.bodyAsJsonObject().getJsonArray("errors"));
      assertTrue(millis < 2_500, "answered after " + millis + " ms");
    } finally {
      assertEquals(200, org.send(HttpMethod.PUT, path, admin, before).statusCode());
    }
  }

  /**
   * Metadata is checked on threads of its own: on Vert.x's default worker pool, requests checking metadata up to the
   * budget held its threads, and all other blocking work waited for them (and they for it). Here that pool is full.
   */
  @Test
  void metadataIsCheckedThoughVertxsWorkerPoolIsFull(Vertx vertx) throws Exception {
    var user = org.newUser("user");
    var release = new CountDownLatch(1);
    var holding = new ArrayList<Future<Object>>();
    for (var i = 0; i < VertxOptions.DEFAULT_WORKER_POOL_SIZE; i++) {
      holding.add(vertx.executeBlocking(() -> {
        release.await();
        return null;
      }, false));
    }
    try {
      var creating = CompletableFuture.supplyAsync(() -> createWithMetadata(user.token(), new JsonObject()));
      assertEquals(201, creating.get(10, TimeUnit.SECONDS));
    } finally {
      release.countDown();
      Future.all(holding).await();
    }
  }

  /**
   * A meta-schema is shown as stored though it no longer compiles (stored before a rule it breaks, here by hand): the
   * admin who was to put it right was answered 400 instead.
   */
  @Test
  void aStoredMetaSchemaIsShownThoughItDoesNotCompile() {
    var name = "uncompiled-" + UUID.randomUUID().toString().substring(0, 8);
    PgFixture.execute(org.db(), "INSERT INTO org.meta_schemas (name, schema) VALUES ('" + name
        + "', '{\"type\": 42}')");
    var shown = org.get("/v1/meta-schemas/" + name, admin);
    assertEquals(200, shown.statusCode(), shown.bodyAsString());
    assertEquals(new JsonObject().put("type", 42), shown.bodyAsJsonObject().getJsonObject("schema"));
  }

  /**
   * A compile cut off by the budget is tried again by the next request once the back-off has passed: it was held as
   * the version's outcome, and every organization created on the instance was refused until a restart. Here the
   * budget is none, and the row changes under the same version to a schema with no reference to follow.
   */
  @Test
  void aCompileCutOffIsTriedAgain(Vertx vertx) throws InterruptedException {
    var name = "cut-" + UUID.randomUUID().toString().substring(0, 8);
    var pool = Database.open(vertx, org.db(), 2, List.of()).await();
    try {
      var cacheMillis = 200;
      var schemas = new MetaSchemas(vertx, pool, QUEUE, cacheMillis, Duration.ZERO, Duration.ofMillis(cacheMillis));
      PgFixture.execute(org.db(), "INSERT INTO org.meta_schemas (name, schema) VALUES ('" + name
          + "', '{\"$ref\": \"#/$defs/o\", \"$defs\": {\"o\": {\"type\": \"object\"}}}')");
      var cutOff = assertThrows(ApiException.class,
          () -> schemas.validate(name, "some-org", "metadata", new JsonObject()).await());
      assertEquals("Not a usable JSON Schema: " + MetaSchemas.Unjudged.SLOW.reason + ".", cutOff.getMessage());
      PgFixture.execute(org.db(), "UPDATE org.meta_schemas SET schema = '{\"type\": \"object\"}' WHERE name = '"
          + name + "'");
      Thread.sleep(cacheMillis + 100);
      schemas.validate(name, "some-org", "metadata", new JsonObject()).await();
    } finally {
      pool.close().await();
    }
  }

  /**
   * A compile cut off by the budget stands for the back-off: each request compiled the schema again, a schema compiling
   * in about the budget costing up to the budget of a meta-schema thread for every organization created. A compile
   * follows a read of the row, which is counted; the cache's time is longer than the test.
   */
  @Test
  void aCompileCutOffStandsForTheBackOff(Vertx vertx) {
    var name = "backoff-" + UUID.randomUUID().toString().substring(0, 8);
    var pool = Database.open(vertx, org.db(), 2, List.of()).await();
    try {
      PgFixture.execute(org.db(), "INSERT INTO org.meta_schemas (name, schema) VALUES ('" + name + "', '"
          + multiplyingReferences().encode() + "')");
      var reads = new AtomicInteger();
      var schemas = new MetaSchemas(vertx, onEachAnswer(pool, rows -> {
        reads.incrementAndGet();
        return Future.succeededFuture(rows);
      }), QUEUE, 60_000, Duration.ofMillis(1), MetaSchemas.BACK_OFF);
      for (var i = 0; i < 5; i++) {
        var cutOff = assertThrows(ApiException.class,
          () -> schemas.validate(name, "some-org", "metadata", new JsonObject()).await());
        assertEquals("Not a usable JSON Schema: " + MetaSchemas.Unjudged.SLOW.reason + ".", cutOff.getMessage());
      }
      assertEquals(1, reads.get(), "compiled once within the back-off");
    } finally {
      pool.close().await();
    }
  }

  /**
   * A version of a schema is compiled once: once the cache's time had passed, each request finding it so compiled the
   * schema again, though its {@code updated_at} was the same. Here the row changes under the same version, unseen.
   */
  @Test
  void aVersionOfASchemaIsCompiledOnce(Vertx vertx) throws InterruptedException {
    var name = "once-" + UUID.randomUUID().toString().substring(0, 8);
    var object = new JsonObject().put("type", "object");
    var pool = Database.open(vertx, org.db(), 2, List.of()).await();
    try {
      var cacheMillis = 200;
      var schemas = new MetaSchemas(vertx, pool, QUEUE, cacheMillis, MetaSchemas.BUDGET, MetaSchemas.BACK_OFF);
      schemas.put(name, object, current -> { }, (tx, change) -> Future.succeededFuture()).await();
      PgFixture.execute(org.db(), "UPDATE org.meta_schemas SET schema = '{\"type\": \"array\"}' WHERE name = '"
          + name + "'");
      Thread.sleep(cacheMillis + 100);
      schemas.validate(name, "some-org", "metadata", new JsonObject()).await();
      assertEquals(object, schemas.get(name).await());
    } finally {
      pool.close().await();
    }
  }

  /**
   * A meta-schema naming another dialect is refused: it was compiled under that dialect's rules, a draft-07 schema
   * ignoring the 2020-12 keywords it held ({@code dependentRequired} here), though only 2020-12 is documented.
   */
  @Test
  void aMetaSchemaOfAnotherDialectIsRefused() {
    var path = "/v1/meta-schemas/dialect-" + UUID.randomUUID().toString().substring(0, 8);
    var requiresB = new JsonObject().put("type", "object").put("dependentRequired", new JsonObject()
        .put("a", new JsonArray().add("b")));
    for (var dialect : List.of("http://json-schema.org/draft-07/schema#", "https://json-schema.org/draft/2019-09/schema")) {
      assertProblem(org.send(HttpMethod.PUT, path, admin, requiresB.copy().put("$schema", dialect)), 400,
          "invalid_meta_schema");
    }
    assertProblem(org.get(path, admin), 404, "meta_schema_not_found");
    var standard = requiresB.copy().put("$schema", "https://json-schema.org/draft/2020-12/schema");
    assertEquals(200, org.send(HttpMethod.PUT, path, admin, standard).statusCode());
  }

  /**
   * A GET's answer put back as it came is refused, saying what to send: it was stored, the real schema under
   * {@code schema}, a keyword JSON Schema does not know, checked nothing, and every organization's metadata went
   * unchecked.
   */
  @Test
  void aGetsAnswerPutBackIsRefusedAndChangesNothing() {
    var user = org.newUser("user");
    var path = "/v1/meta-schemas/organization";
    var before = org.get(path, admin).bodyAsJsonObject().getJsonObject("schema");
    var requiresTier = new JsonObject().put("type", "object").put("required", new JsonArray().add("tier"))
        .put("additionalProperties", false)
        .put("properties", new JsonObject().put("tier", new JsonObject().put("type", "string")));
    assertEquals(200, org.send(HttpMethod.PUT, path, admin, requiresTier).statusCode());
    try {
      var answer = org.get(path, admin).bodyAsJsonObject();
      for (var putBack : List.of(answer, new JsonObject().put("schema", answer.getJsonObject("schema")))) {
        var refused = org.send(HttpMethod.PUT, path, admin, putBack);
        assertProblem(refused, 400, "invalid_meta_schema");
        var detail = refused.bodyAsJsonObject().getString("detail");
        assertTrue(detail.startsWith("Unknown keyword \"schema\" at #/schema: a PUT takes the JSON Schema itself, "
            + "not a GET's answer {name, schema}"), detail);
      }
      assertEquals(answer, org.get(path, admin).bodyAsJsonObject());
      assertEquals(400, createWithMetadata(user.token(), new JsonObject().put("tier", "gold").put("other", 1)));
      assertEquals(201, createWithMetadata(user.token(), new JsonObject().put("tier", "gold")));
    } finally {
      assertEquals(200, org.send(HttpMethod.PUT, path, admin, before).statusCode());
    }
  }

  /**
   * A keyword JSON Schema 2020-12 does not define is refused wherever it is, naming it and its place: the validator
   * ignores it, and a typo stored silently dropped the rule it was meant to be.
   */
  @Test
  void aKeywordTwentyTwelveDoesNotDefineIsRefusedNamingItsPlace() {
    var path = "/v1/meta-schemas/typo-" + UUID.randomUUID().toString().substring(0, 8);
    var cases = List.of(
        List.of("{\"type\":\"object\",\"requried\":[\"tier\"]}", "requried", "#/requried"),
        List.of("{\"type\":\"object\",\"properties\":{\"labels\":{\"type\":\"object\","
            + "\"additionalproperties\":false}}}", "additionalproperties", "#/properties/labels/additionalproperties"),
        List.of("{\"$defs\":{\"tags\":{\"items\":{\"propertes\":{}}}},\"properties\":{\"t\":{\"$ref\":"
            + "\"#/$defs/tags\"}}}", "propertes", "#/$defs/tags/items/propertes"),
        List.of("{\"anyOf\":[{\"type\":\"object\"},{\"not\":{\"nullable\":true}}]}", "nullable",
            "#/anyOf/1/not/nullable"));
    for (var refusedCase : cases) {
      var refused = org.send(HttpMethod.PUT, path, admin, refusedCase.get(0));
      assertProblem(refused, 400, "invalid_meta_schema");
      assertEquals("Unknown keyword \"" + refusedCase.get(1) + "\" at " + refusedCase.get(2) + ": JSON Schema 2020-12 "
          + "defines no such keyword, and the validator would ignore it (a keyword of your own may start with \"x-\", "
          + "an annotation the validator keeps).", refused.bodyAsJsonObject().getString("detail"));
    }
    assertProblem(org.get(path, admin), 404, "meta_schema_not_found");
  }

  /**
   * A refused keyword adds nothing to the log: the validator logged a WARN for each refusal ("Could not load
   * validator"), and whoever may put a meta-schema could fill the log with them.
   */
  @Test
  void aRefusedKeywordLogsNothing() {
    var path = "/v1/meta-schemas/typo-" + UUID.randomUUID().toString().substring(0, 8);
    var logged = new ByteArrayOutputStream();
    var err = System.err;
    System.setErr(new PrintStream(logged, true, StandardCharsets.UTF_8));
    try {
      assertProblem(org.send(HttpMethod.PUT, path, admin, "{\"type\":\"object\",\"requried\":[\"tier\"]}"), 400,
          "invalid_meta_schema");
    } finally {
      System.setErr(err);
    }
    var log = logged.toString(StandardCharsets.UTF_8);
    assertFalse(log.contains("WARN") || log.contains("ERROR"), log);
  }

  /** Keywords starting with x- are the caller's own annotations, at the top and in subschemas alike. */
  @Test
  void keywordsOfTheCallersOwnStartingWithXAreKept() {
    var path = "/v1/meta-schemas/annotated-" + UUID.randomUUID().toString().substring(0, 8);
    var annotated = new JsonObject().put("type", "object").put("x-owner", "platform-team")
        .put("properties", new JsonObject().put("tier", new JsonObject().put("type", "string")
            .put("x-ui", new JsonObject().put("widget", "select").put("propertes", 1))));
    var stored = org.send(HttpMethod.PUT, path, admin, annotated);
    assertEquals(200, stored.statusCode(), stored.bodyAsString());
    assertEquals(annotated, org.get(path, admin).bodyAsJsonObject().getJsonObject("schema"));
  }

  /** The refusal of unknown keywords lets every keyword of JSON Schema 2020-12 pass, and the schema shipped. */
  @Test
  void schemasUsingTheKeywordsOfTwentyTwelveAreAccepted() {
    var path = "/v1/meta-schemas/keywords-" + UUID.randomUUID().toString().substring(0, 8);
    var everyKind = new JsonObject("""
        {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "urn:orgplane:keywords",
         "$comment": "all vocabularies", "$vocabulary": {"https://json-schema.org/draft/2020-12/vocab/core": true},
         "title": "t", "description": "d", "default": {}, "examples": [{}], "deprecated": false,
         "readOnly": false, "writeOnly": false, "type": "object", "minProperties": 0, "maxProperties": 50,
         "required": [], "dependentRequired": {"a": ["b"]}, "dependentSchemas": {"c": {"required": ["d"]}},
         "propertyNames": {"maxLength": 63, "minLength": 1, "pattern": "^[a-z]"},
         "patternProperties": {"^x": {"type": "string", "format": "email"}},
         "properties": {
           "n": {"type": "number", "multipleOf": 0.5, "minimum": 0, "maximum": 10, "exclusiveMinimum": -1,
                 "exclusiveMaximum": 11},
           "s": {"type": "string", "contentEncoding": "base64", "contentMediaType": "application/json",
                 "contentSchema": {"type": "object"}, "const": "e30="},
           "e": {"enum": ["a", "b"]},
           "l": {"type": "array", "prefixItems": [{"type": "string"}], "items": {"type": "integer"},
                 "contains": {"type": "integer"}, "minContains": 0, "maxContains": 5, "minItems": 0,
                 "maxItems": 9, "uniqueItems": true, "unevaluatedItems": false},
           "tree": {"$ref": "#/$defs/node"}, "old": {"$ref": "#/definitions/legacy"},
           "anchored": {"$ref": "#leaf"},
           "choice": {"if": {"type": "string"}, "then": {"minLength": 1}, "else": {"type": "integer"},
                      "allOf": [{}], "anyOf": [{}, true], "oneOf": [{"not": false}]},
           "dep": {"dependencies": {"a": ["b"]}}},
         "unevaluatedProperties": false,
         "$defs": {
           "node": {"$dynamicAnchor": "node", "type": "object",
                    "properties": {"children": {"type": "array", "items": {"$dynamicRef": "#node"}}}},
           "leaf": {"$anchor": "leaf", "type": "string"}},
         "definitions": {"legacy": {"type": "boolean"}}}
        """);
    var stored = org.send(HttpMethod.PUT, path, admin, everyKind);
    assertEquals(200, stored.statusCode(), stored.bodyAsString());
    var shipped = new JsonObject("""
        {"type": "object", "additionalProperties": false,
         "properties": {
           "labels": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 256}},
           "description": {"type": "string", "maxLength": 4096}}}
        """);
    assertEquals(200, org.send(HttpMethod.PUT, path, admin, shipped).statusCode(), "the schema V3 ships");
  }

  /**
   * A schema stored with an unknown keyword (before the refusal, here by hand) validates as it did: compiled under the
   * refusal, every organization written after an upgrade would have failed.
   */
  @Test
  void aStoredSchemaWithAnUnknownKeywordValidatesAsBefore(Vertx vertx) {
    var name = "stored-typo-" + UUID.randomUUID().toString().substring(0, 8);
    var stored = "{\"type\": \"object\", \"requried\": [\"tier\"], "
        + "\"properties\": {\"tier\": {\"enum\": [\"gold\"], \"propertes\": {}}}}";
    PgFixture.execute(org.db(), "INSERT INTO org.meta_schemas (name, schema) VALUES ('" + name + "', '" + stored
        + "')");
    var pool = Database.open(vertx, org.db(), 2, List.of()).await();
    try {
      var schemas = new MetaSchemas(vertx, pool, QUEUE);
      schemas.validate(name, "some-org", "metadata", new JsonObject()).await();
      schemas.validate(name, "some-org", "metadata", new JsonObject().put("tier", "gold")).await();
      var refused = assertThrows(ApiException.class, () -> schemas.validate(name, "some-org", "metadata",
          new JsonObject().put("tier", "silver")).await());
      assertEquals("validation_failed", refused.code());
      assertEquals(List.of("metadata.tier"), refused.errors().stream().map(ApiException.FieldError::field).toList());
    } finally {
      pool.close().await();
    }
    assertEquals(new JsonObject(stored), org.get("/v1/meta-schemas/" + name, admin).bodyAsJsonObject()
        .getJsonObject("schema"));
  }

  /** A key holding a dot is quoted where an error names it: {@code metadata.a.b} named the key "a.b" and b in a alike. */
  @Test
  void aKeyHoldingADotIsNamedApartFromANestedKey() {
    var user = org.newUser("user");
    var path = "/v1/meta-schemas/organization";
    var before = org.get(path, admin).bodyAsJsonObject().getJsonObject("schema");
    var integers = new JsonObject().put("type", new JsonArray().add("integer").add("object"))
        .put("additionalProperties", new JsonObject().put("type", "integer"));
    assertEquals(200, org.send(HttpMethod.PUT, path, admin, new JsonObject().put("additionalProperties", integers))
        .statusCode());
    try {
      var refused = org.post("/v1/organizations", user.token(), new JsonObject().put("name", "ms-"
          + UUID.randomUUID().toString().substring(0, 8)).put("title", "t").put("metadata", new JsonObject()
          .put("a.b", "s").put("a", new JsonObject().put("b", "s")).put("c", 1)));
      assertProblem(refused, 400, "validation_failed");
      assertEquals(List.of("metadata.a.b", "metadata['a.b']"), refused.bodyAsJsonObject().getJsonArray("errors")
          .stream().map(error -> ((JsonObject) error).getString("field")).toList());
    } finally {
      assertEquals(200, org.send(HttpMethod.PUT, path, admin, before).statusCode());
    }
  }

  /** JSON text of {@code levels} objects, each but the innermost holding the next. */
  private static String nested(int levels) {
    return "{\"a\":".repeat(levels - 1) + "{}" + "}".repeat(levels - 1);
  }

  /**
   * Metadata nesting deeper than 64 levels is refused unvalidated, on creation and change alike: a recursive
   * meta-schema followed 900 levels of it down the event loop's stack, which overflowed (500).
   */
  @Test
  void metadataNestedTooDeepIsRefusedBeforeValidation() {
    var user = org.newUser("user");
    var before = org.get("/v1/meta-schemas/organization", admin).bodyAsJsonObject().getJsonObject("schema");
    var recursive = new JsonObject().put("type", "object")
        .put("additionalProperties", new JsonObject().put("$ref", "#"));
    assertEquals(200, org.send(HttpMethod.PUT, "/v1/meta-schemas/organization", admin, recursive).statusCode());
    try {
      assertEquals(201, createWithMetadata(user.token(), new JsonObject(nested(64))));
      for (var levels : List.of(65, 900)) {
        var refused = org.post("/v1/organizations", user.token(), "{\"name\":\"ms-" + UUID.randomUUID().toString()
            .substring(0, 8) + "\",\"title\":\"t\",\"metadata\":" + nested(levels) + "}");
        assertProblem(refused, 400, "validation_failed");
        assertEquals("metadata", refused.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"));
      }
      var id = org.createOrg(user.token(), "ms-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
      assertProblem(org.send(HttpMethod.PATCH, "/v1/organizations/" + id, user.token(),
          "{\"metadata\":" + nested(900) + "}"), 400, "validation_failed");
    } finally {
      assertEquals(200, org.send(HttpMethod.PUT, "/v1/meta-schemas/organization", admin, before).statusCode());
    }
  }

  /** A meta-schema is held to the same bound: the validator walks it recursively to check it is a schema. */
  @Test
  void aMetaSchemaNestedTooDeepIsRefused() {
    var name = "/v1/meta-schemas/nesting-" + UUID.randomUUID().toString().substring(0, 8);
    var notNot = new JsonObject(nested(64).replace("\"a\"", "\"not\""));
    assertEquals(200, org.send(HttpMethod.PUT, name, admin, notNot).statusCode());
    var refused = org.send(HttpMethod.PUT, name, admin, "{\"not\":" + nested(64).replace("\"a\"", "\"not\"") + "}");
    assertProblem(refused, 400, "validation_failed");
    assertEquals(notNot, org.get(name, admin).bodyAsJsonObject().getJsonObject("schema"));
  }

  /** A creation without metadata is held to the meta-schema as {@code {}}: it skipped a schema requiring keys. */
  @Test
  void aCreationWithoutMetadataMeetsTheMetaSchemaToo() {
    var user = org.newUser("user");
    var before = org.get("/v1/meta-schemas/organization", admin).bodyAsJsonObject().getJsonObject("schema");
    var requiresTier = new JsonObject().put("type", "object").put("required", new io.vertx.core.json.JsonArray()
        .add("tier")).put("properties", new JsonObject().put("tier", new JsonObject().put("type", "string")));
    assertEquals(200, org.send(HttpMethod.PUT, "/v1/meta-schemas/organization", admin, requiresTier).statusCode());
    try {
      assertProblem(org.post("/v1/organizations", user.token(), new JsonObject().put("name", "ms-"
          + UUID.randomUUID().toString().substring(0, 8)).put("title", "t")), 400, "validation_failed");
      assertEquals(400, createWithMetadata(user.token(), new JsonObject()));
      assertEquals(201, createWithMetadata(user.token(), new JsonObject().put("tier", "gold")));
    } finally {
      assertEquals(200, org.send(HttpMethod.PUT, "/v1/meta-schemas/organization", admin, before).statusCode());
    }
  }

  /**
   * Read as infinite, a number no double holds was stored as the text "Infinity": a string where a number was sent,
   * which a meta-schema asking for a number refused as a string found.
   */
  @Test
  void metadataHoldingANumberNoDoubleHoldsIsRefusedNotStoredAsText() {
    var user = org.newUser("user");
    var before = org.get("/v1/meta-schemas/organization", admin).bodyAsJsonObject().getJsonObject("schema");
    var numbered = new JsonObject().put("type", "object").put("properties", new JsonObject()
        .put("n", new JsonObject().put("type", "number")));
    assertEquals(200, org.send(HttpMethod.PUT, "/v1/meta-schemas/organization", admin, numbered).statusCode());
    try {
      var refusal = new JsonArray().add(new JsonObject().put("field", "metadata")
          .put("message", dev.orgplane.kit.http.FreeFormJson.NUMBER_RULE));
      for (var metadata : List.of("{\"n\":1e400}", "{\"m\":[{\"b\":-1e400}]}")) {
        var refused = org.post("/v1/organizations", user.token(), "{\"name\":\"ms-"
            + UUID.randomUUID().toString().substring(0, 8) + "\",\"title\":\"t\",\"metadata\":" + metadata + "}");
        assertProblem(refused, 400, "validation_failed");
        assertEquals(refusal, refused.bodyAsJsonObject().getJsonArray("errors"), refused.bodyAsString());
      }
      var largest = org.post("/v1/organizations", user.token(), "{\"name\":\"ms-"
          + UUID.randomUUID().toString().substring(0, 8)
          + "\",\"title\":\"t\",\"metadata\":{\"n\":1.7976931348623157e308}}");
      assertEquals(201, largest.statusCode(), largest.bodyAsString());
      assertEquals(Double.MAX_VALUE, largest.bodyAsJsonObject().getJsonObject("metadata").getDouble("n"));
    } finally {
      assertEquals(200, org.send(HttpMethod.PUT, "/v1/meta-schemas/organization", admin, before).statusCode());
    }
  }

  /**
   * A change names the meta-schema it replaces; its tag is the one every later read shows (jsonb's key order). One
   * with If-None-Match: * replaces none (it did until session 35).
   */
  @Test
  void aChangeWithIfMatchReplacesOnlyTheMetaSchemaItRead() {
    var path = "/v1/meta-schemas/if-match-" + UUID.randomUUID().toString().substring(0, 8);
    var schema = new JsonObject().put("additionalProperties", true).put("type", "object");
    assertProblem(org.send(HttpMethod.PUT, path, admin, schema, ifMatch("*")), 412, "precondition_failed");
    var written = org.send(HttpMethod.PUT, path, admin, schema);
    assertEquals(200, written.statusCode(), written.bodyAsString());
    var tag = written.getHeader("ETag");
    assertEquals(tag, org.get(path, admin).getHeader("ETag"));
    assertProblem(org.send(HttpMethod.PUT, path, admin, schema.copy().put("minProperties", 2),
        MultiMap.caseInsensitiveMultiMap().add("If-None-Match", "*")), 412, "precondition_failed");
    var changed = org.send(HttpMethod.PUT, path, admin, schema.copy().put("minProperties", 1), ifMatch(tag));
    assertEquals(200, changed.statusCode(), changed.bodyAsString());
    assertProblem(org.send(HttpMethod.PUT, path, admin, schema, ifMatch(tag)), 412, "precondition_failed");
    assertEquals(1, org.get(path, admin).bodyAsJsonObject().getJsonObject("schema").getInteger("minProperties"));
  }

  /**
   * A read of a meta-schema that began before a change made here committed, and ended after it, left the old schema
   * cached: the instance went on validating against it for the cache's time after answering the change. Here the
   * read's answer is held back until the change is made.
   */
  @Test
  void aReadOverlappingAChangeDoesNotBringTheOldSchemaBack(Vertx vertx) {
    var name = "overlap-" + UUID.randomUUID().toString().substring(0, 8);
    var before = new JsonObject().put("type", "object");
    var after = before.copy().put("required", new JsonArray().add("tier"));
    var pool = Database.open(vertx, org.db(), 2, List.of()).await();
    try {
      new MetaSchemas(vertx, pool, QUEUE).put(name, before, current -> { }, (tx, change) -> Future.succeededFuture())
          .await();
      var read = Promise.<Void>promise();
      var release = Promise.<Void>promise();
      var schemas = new MetaSchemas(vertx, answersHeld(pool, read, release.future()), QUEUE);
      var reading = schemas.get(name);
      read.future().await();
      schemas.put(name, after, current -> { }, (tx, change) -> Future.succeededFuture()).await();
      release.complete();
      reading.await();
      assertEquals(after, schemas.get(name).await());
    } finally {
      pool.close().await();
    }
  }

  /** {@code pool}, whose prepared queries' answers wait for {@code release}; {@code read} completes once one is in. */
  private static Pool answersHeld(Pool pool, Promise<Void> read, Future<Void> release) {
    return onEachAnswer(pool, rows -> {
      read.tryComplete();
      return release.map(rows);
    });
  }

  /** {@code pool}, whose prepared queries' answers are what {@code then} makes of them. */
  private static Pool onEachAnswer(Pool pool, Function<Object, Future<Object>> then) {
    return (Pool) Proxy.newProxyInstance(Pool.class.getClassLoader(), new Class<?>[] {Pool.class},
        (proxy, method, args) -> {
          var result = invoke(pool, method, args);
          if (!method.getName().equals("preparedQuery")) {
            return result;
          }
          return Proxy.newProxyInstance(PreparedQuery.class.getClassLoader(), new Class<?>[] {PreparedQuery.class},
              (query, queryMethod, queryArgs) -> {
                var answer = invoke(result, queryMethod, queryArgs);
                if (!queryMethod.getName().equals("execute")) {
                  return answer;
                }
                return ((Future<Object>) answer).compose(then);
              });
        });
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static MultiMap ifMatch(String tag) {
    return MultiMap.caseInsensitiveMultiMap().add("If-Match", tag);
  }

  /**
   * A change of a meta-schema is audited, of no organization (it governs them all), by the admin, naming the schema it
   * replaced (it was recorded nowhere); storing the schema there is records nothing.
   */
  @Test
  void aChangeOfAMetaSchemaIsAuditedOfNoOrganization() {
    var name = "audited-" + UUID.randomUUID().toString().substring(0, 8);
    var first = new JsonObject().put("type", "object");
    var second = first.copy().put("required", new JsonArray().add("tier"));
    for (var schema : List.of(first, first, second)) {
      assertEquals(200, org.send(HttpMethod.PUT, "/v1/meta-schemas/" + name, admin, schema).statusCode());
    }
    var adminId = org.get("/v1/users/me", admin).bodyAsJsonObject().getString("id");
    var audited = "SELECT count(*) FROM org.audit_events WHERE org_id IS NULL AND action = 'meta_schema.updated' "
        + "AND target = 'meta_schema:" + name + "' AND actor = '" + adminId + "'";
    assertEquals(2, PgFixture.queryLong(org.db(), audited), "the change and the creation, not the same schema again");
    assertEquals(1, PgFixture.queryLong(org.db(), audited + " AND details->'before' = 'null'::jsonb"));
    assertEquals(1, PgFixture.queryLong(org.db(), audited + " AND details->'before' = '" + first.encode() + "'::jsonb"));
  }

  @Test
  void onlyPlatformAdminsReadOrChangeMetaSchemas() {
    var user = org.newUser("user");
    assertProblem(org.get("/v1/meta-schemas/organization", user.token()), 403, "forbidden");
    assertProblem(org.send(HttpMethod.PUT, "/v1/meta-schemas/organization", user.token(), new JsonObject()), 403,
        "forbidden");
  }

  @Test
  void unusableSchemaAndUnknownNameAreRefused() {
    assertProblem(org.send(HttpMethod.PUT, "/v1/meta-schemas/broken", admin,
        new JsonObject().put("type", 42)), 400, "invalid_meta_schema");
    assertProblem(org.get("/v1/meta-schemas/nothing-here", admin), 404, "meta_schema_not_found");
    assertProblem(org.send(HttpMethod.PUT, "/v1/meta-schemas/organization", admin, "[1,2]"), 400, "malformed_json");
    assertProblem(org.send(HttpMethod.PUT, "/v1/meta-schemas/organization", admin, "null"), 400, "malformed_json");
  }

  /** A pattern that is no regular expression makes the schema unusable: refused, naming the pattern, not stored. */
  @Test
  void aSchemaWithAnInvalidPatternIsRefusedNamingIt() {
    var path = "/v1/meta-schemas/invalid-pattern";
    var refused = org.send(HttpMethod.PUT, path, admin, new JsonObject().put("properties",
        new JsonObject().put("code", new JsonObject().put("type", "string").put("pattern", "[a-"))));
    assertProblem(refused, 400, "invalid_meta_schema");
    var detail = refused.bodyAsJsonObject().getString("detail");
    assertTrue(detail.contains("[a-"), detail);
    assertProblem(org.get(path, admin), 404, "meta_schema_not_found");
  }

  /**
   * A schema naming anything outside itself (a {@code $ref} or {@code $schema} URL) is refused, and nothing is fetched:
   * the validator fetched it, on the event loop, so whoever writes a meta-schema made the server call any address.
   */
  @Test
  void schemasReferringOutsideThemselvesAreRefusedUnfetched(Vertx vertx) {
    var fetched = new AtomicInteger();
    var remote = vertx.createHttpServer().requestHandler(request -> {
      fetched.incrementAndGet();
      request.response().putHeader("Content-Type", "application/json").end("{\"type\": \"string\"}");
    }).listen(0, "127.0.0.1").await();
    try {
      var url = "http://127.0.0.1:" + remote.actualPort() + "/tier.json";
      var byRef = new JsonObject().put("type", "object").put("properties", new JsonObject()
          .put("tier", new JsonObject().put("$ref", url)));
      assertProblem(org.send(HttpMethod.PUT, "/v1/meta-schemas/referring", admin, byRef), 400,
          "schema_reference_refused");
      assertProblem(org.send(HttpMethod.PUT, "/v1/meta-schemas/referring", admin,
          new JsonObject().put("$schema", url).put("type", "object")), 400, "schema_reference_refused");
      assertProblem(org.send(HttpMethod.PUT, "/v1/meta-schemas/referring", admin,
          new JsonObject().put("$ref", "file:///etc/passwd")), 400, "schema_reference_refused");
      assertProblem(org.get("/v1/meta-schemas/referring", admin), 404, "meta_schema_not_found");
      assertEquals(0, fetched.get());
      var standard = new JsonObject().put("$schema", "https://json-schema.org/draft/2020-12/schema")
          .put("type", "object");
      assertEquals(200, org.send(HttpMethod.PUT, "/v1/meta-schemas/standard", admin, standard).statusCode());
    } finally {
      remote.close().await();
    }
  }
}
