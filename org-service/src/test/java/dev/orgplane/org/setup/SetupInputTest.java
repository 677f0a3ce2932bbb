package dev.orgplane.org.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.http.ApiDocument;
import dev.orgplane.kit.http.ApiException.FieldError;
import dev.orgplane.kit.http.NestingDepth;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SetupInputTest {

  private static final JsonObject STORED_PRIVATE_HOOK = new JsonObject().put("name", "internal")
      .put("url", "http://10.0.0.5/hook").put("events", new JsonArray().add("hook.updated")).put("active", true);

  /** A URL stored while private ones were allowed must not keep the hook from being paused once they are not. */
  @Test
  void aPatchThatKeepsTheUrlDoesNotJudgeItAgain() {
    var errors = new ArrayList<FieldError>();
    var row = patch(new JsonObject().put("active", false), errors);
    assertEquals(List.of(), errors);
    assertEquals(false, row.getBoolean("active"));
    assertEquals("http://10.0.0.5/hook", row.getString("url"));
  }

  @Test
  void aPatchThatChangesTheUrlIsJudged() {
    var errors = new ArrayList<FieldError>();
    patch(new JsonObject().put("url", "http://10.0.0.6/hook"), errors);
    assertEquals(List.of("url"), errors.stream().map(FieldError::field).toList());
  }

  /** Never delivered (the organization's hooks go with it), so not to be subscribed to. */
  @Test
  void organizationDeletedIsNoEventToSubscribeTo() {
    var errors = new ArrayList<FieldError>();
    var hook = new JsonObject().put("name", "h").put("url", "https://hooks.example.com/x")
        .put("events", new JsonArray().add("organization.deleted"));
    SetupInput.read(SetupKind.HOOKS, UUID.randomUUID(), hook, null, "", errors, false, false);
    assertEquals(List.of("events"), errors.stream().map(FieldError::field).toList());
  }

  @Test
  void namesWithBlanksAtEitherEndOrOfDotsAndSpacesOnlyAreRefused() {
    for (var name : List.of("", " ", ".", "..", ". .", " a", "a ", "a\t", "a".repeat(129))) {
      var errors = new ArrayList<FieldError>();
      SetupInput.read(SetupKind.WORKSPACES, UUID.randomUUID(), new JsonObject().put("name", name), null, "", errors,
          false, false);
      assertEquals(List.of(new FieldError("name", SetupInput.NAME_RULE)), errors, "'" + name + "'");
    }
    for (var name : List.of("a", "Main queue", "v1.2", "..a", ".a.", "__", "-", "a".repeat(128))) {
      var errors = new ArrayList<FieldError>();
      SetupInput.read(SetupKind.WORKSPACES, UUID.randomUUID(), new JsonObject().put("name", name), null, "", errors,
          false, false);
      assertEquals(List.of(), errors, "'" + name + "'");
    }
  }

  /** A name stored before the rule does not keep a patch that sends the object back as it reads from passing. */
  @Test
  void aPatchThatSendsTheStoredNameAsItIsDoesNotJudgeIt() {
    var stored = STORED_PRIVATE_HOOK.copy().put("name", "legacy ");
    var errors = new ArrayList<FieldError>();
    var row = SetupInput.read(SetupKind.HOOKS, UUID.randomUUID(), new JsonObject().put("name", "legacy ")
        .put("active", false), stored, "", errors, false, false);
    assertEquals(List.of(), errors);
    assertEquals("legacy ", row.getString("name"));
    SetupInput.read(SetupKind.HOOKS, UUID.randomUUID(), new JsonObject().put("name", "renamed "), stored, "", errors,
        false, false);
    assertEquals(List.of(new FieldError("name", SetupInput.NAME_RULE)), errors);
  }

  /** Every write the OpenAPI document describes states the rule the service applies; objects read keep the old. */
  @Test
  void theOpenApiDocumentStatesTheNameRuleOfEveryWrite() {
    var schemas = new JsonObject(Buffer.buffer(ApiDocument.bytes())).getJsonObject("components")
        .getJsonObject("schemas");
    for (var kind : List.of("Workspace", "Schema", "Queue", "Hook")) {
      var written = List.of(schemas.getJsonObject(kind + "Input"), schemas.getJsonObject(kind + "Patch"),
          schemas.getJsonObject(kind + "Batch").getJsonObject("properties").getJsonObject("items")
              .getJsonObject("items"));
      for (var schema : written) {
        assertEquals("^" + SetupInput.NAME_PATTERN + "$", schema.getJsonObject("properties").getJsonObject("name")
            .getString("pattern"), kind);
      }
    }
  }

  /** {@code levels} objects, each but the innermost holding the next under "a"; the innermost names an id. */
  private static JsonObject nested(int levels) {
    var json = new JsonObject().put("id", UUID.randomUUID().toString());
    for (int i = 1; i < levels; i++) {
      json = new JsonObject().put("a", json);
    }
    return json;
  }

  /**
   * Free-form objects (settings, config, content, metadata) nest at most 64 levels: a copy re-encoding a queue's
   * settings or a hook's config whose ids it remapped overflowed the stack near the 1,000 levels the body parser takes.
   * A value a patch keeps as stored is not judged again.
   */
  @Test
  void freeFormObjectsNestedTooDeepAreRefused() {
    var queue = new JsonObject().put("name", "q").put("workspaceId", UUID.randomUUID().toString())
        .put("schemaId", UUID.randomUUID().toString());
    var errors = new ArrayList<FieldError>();
    SetupInput.read(SetupKind.QUEUES, UUID.randomUUID(), queue.copy().put("settings", nested(64)), null, "", errors,
        false, false);
    assertEquals(List.of(), errors);
    SetupInput.read(SetupKind.QUEUES, UUID.randomUUID(), queue.copy().put("settings", nested(65))
        .put("metadata", new JsonObject().put("list", new JsonArray().add(nested(64)))), null, "items[0].", errors,
        false, false);
    assertEquals(List.of(new FieldError("items[0].settings", NestingDepth.RULE),
        new FieldError("items[0].metadata", NestingDepth.RULE)), errors);

    var storedDeep = STORED_PRIVATE_HOOK.copy().put("config", nested(65));
    var kept = new ArrayList<FieldError>();
    SetupInput.read(SetupKind.HOOKS, UUID.randomUUID(), new JsonObject().put("active", false), storedDeep, "", kept,
        false, true);
    assertEquals(List.of(), kept);
  }

  private static JsonObject patch(JsonObject changes, List<FieldError> errors) {
    return SetupInput.read(SetupKind.HOOKS, UUID.randomUUID(), changes, STORED_PRIVATE_HOOK, "", errors, false, false);
  }
}
