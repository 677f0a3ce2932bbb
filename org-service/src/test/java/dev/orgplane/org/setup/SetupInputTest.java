package dev.orgplane.org.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.http.ApiException.FieldError;
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

  private static JsonObject patch(JsonObject changes, List<FieldError> errors) {
    return SetupInput.read(SetupKind.HOOKS, UUID.randomUUID(), changes, STORED_PRIVATE_HOOK, "", errors, false, false);
  }
}
