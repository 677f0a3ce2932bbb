package dev.orgplane.copy.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EmbeddedIdsTest {

  private static final String ID = "0f8fad5b-d9cb-469f-a165-70867728950e";

  @Test
  void onlyTheShapeOfAUuidIsAnId() {
    assertTrue(EmbeddedIds.isUuid(ID));
    assertTrue(EmbeddedIds.isUuid(ID.toUpperCase()));
    assertFalse(EmbeddedIds.isUuid(ID.substring(1)));
    assertFalse(EmbeddedIds.isUuid(ID.replace('-', '_')));
    assertFalse(EmbeddedIds.isUuid(ID.replace('f', 'g')));
    assertFalse(EmbeddedIds.isUuid("\u0660" + ID.substring(1)), "a non-ASCII digit is no hex digit");
  }

  @Test
  void aQuickLookFindsAnIdAnywhereInEncodedJson() {
    assertTrue(EmbeddedIds.mayHold("{\"a\":\"" + ID + "\"}"));
    assertTrue(EmbeddedIds.mayHold(ID));
    assertTrue(EmbeddedIds.mayHold("{\"x\":\"2024-01-01\",\"b\":[\"" + ID + "\"]}"));
    assertFalse(EmbeddedIds.mayHold("{\"x\":\"2024-01-01\",\"y\":\"a-b-c-d-e\"}"));
    assertFalse(EmbeddedIds.mayHold("{\"a\":\"" + ID.substring(0, 35) + "\"}"));
    assertFalse(EmbeddedIds.mayHold(""));
  }

  @Test
  void valuesAtAnyDepthAreCollectedAndReplacedButKeysAreNot() {
    var other = "1b4e28ba-2fa1-11d2-883f-0016d3cca427";
    var json = new JsonObject().put(ID, "key stays").put("a", ID.toUpperCase())
        .put("b", new JsonArray().add(new JsonObject().put("c", other)).add(7));
    var found = new HashSet<String>();
    EmbeddedIds.collect(json, found);
    assertEquals(Set.of(ID, other), found);
    var replaced = (JsonObject) EmbeddedIds.replace(json, Map.of(ID, "copy")::get);
    assertEquals(new JsonObject().put(ID, "key stays").put("a", "copy")
        .put("b", new JsonArray().add(new JsonObject().put("c", other)).add(7)), replaced);
  }
}
