package dev.orgplane.kit.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

class CursorPagesTest {

  private static JsonObject page(String nextCursor, String... names) {
    var items = new JsonArray();
    for (var name : names) {
      items.add(new JsonObject().put("name", name));
    }
    return new JsonObject().put("items", items).put("nextCursor", nextCursor);
  }

  @Test
  void everyPageIsReadUntilOneHasNoNext() {
    var items = CursorPages.all(cursor -> cursor == null ? page("b", "a") : cursor.equals("b") ? page("c", "b")
        : page(null, "c"));
    assertEquals(List.of("a", "b", "c"), items.stream().map(item -> item.getString("name")).toList());
  }

  @Test
  void aCursorHandedOutAgainFailsInsteadOfLoopingForever() {
    assertThrows(AssertionFailedError.class, () -> CursorPages.all(cursor -> page("same", "a")));
  }

  @Test
  void aListThatNeverEndsFailsInsteadOfPagingForever() {
    assertThrows(AssertionFailedError.class, () -> CursorPages.all(cursor -> page(cursor == null ? "0"
        : String.valueOf(Integer.parseInt(cursor) + 1))));
  }
}
