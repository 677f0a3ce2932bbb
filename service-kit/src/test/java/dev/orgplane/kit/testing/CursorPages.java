package dev.orgplane.kit.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.function.Function;

/**
 * A test's read of a whole cursor-paged list ({@code items}, {@code nextCursor}). A list that hands back a cursor it
 * gave before, or pages on past any list a test makes, fails the test: read in a plain loop, it would run until the
 * fork's timeout and take the module's other tests with it.
 */
public final class CursorPages {

  private static final int MAX_PAGES = 10_000;

  private CursorPages() {
  }

  /** Every item, {@code page} reading the page at a cursor ({@code null} for the first) until one has no next. */
  public static List<JsonObject> all(Function<String, JsonObject> page) {
    var items = new ArrayList<JsonObject>();
    var cursors = new HashSet<String>();
    String cursor = null;
    do {
      var body = page.apply(cursor);
      body.getJsonArray("items").forEach(item -> items.add((JsonObject) item));
      cursor = body.getString("nextCursor");
      assertTrue(cursor == null || cursors.add(cursor), "the list gave the cursor " + cursor + " again: " + body);
      assertTrue(cursors.size() < MAX_PAGES, "the list had more than " + MAX_PAGES + " pages");
    } while (cursor != null);
    return items;
  }
}
