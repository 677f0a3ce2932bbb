package dev.orgplane.kit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PageRequestTest {

  @Test
  void firstPageStartsBeforeEveryIdAndEveryName() {
    var first = new PageRequest(20, null);
    // PostgreSQL orders uuids by their bytes, unsigned (UUID.compareTo does not): the nil UUID is the smallest
    assertEquals("00000000-0000-0000-0000-000000000000", first.afterId().toString());
    assertEquals("", first.afterName());
  }

  @Test
  void laterPagesStartAfterTheCursor() {
    var id = UUID.randomUUID();
    assertEquals(id, new PageRequest(20, id.toString()).afterId());
    assertEquals("acme", new PageRequest(20, PageRequest.byName((String name) -> name).apply("acme")).afterName());
  }

  /** Any text is a name: only the mark of a name list's cursor tells one from an id, or a name a client made up. */
  @Test
  void aNameSortedListTakesOnlyTheCursorsNameSortedListsWrite() {
    for (var cursor : List.of("acme", UUID.randomUUID().toString())) {
      var error = assertThrows(ApiException.class, () -> new PageRequest(20, cursor).afterName());
      assertEquals("invalid_cursor", error.code());
    }
  }

  @Test
  void aCursorThatIsNoIdIsTheCallersMistake() {
    for (var cursor : java.util.List.of("not-an-id", "1-1-1-1-1")) {
      var error = assertThrows(ApiException.class, () -> new PageRequest(20, cursor).afterId());
      assertEquals(400, error.status());
      assertEquals("invalid_cursor", error.code());
    }
  }

  @Test
  void aLimitIsPlainDigitsWithinTheEndpointsMost() {
    assertEquals(PageRequest.DEFAULT_LIMIT, PageRequest.limit(null, 500));
    assertEquals(5, PageRequest.limit("5", 500));
    assertEquals(500, PageRequest.limit("500", 500));
    for (var given : List.of("+5", "05", "-5", "0", "501", " 5", "5 ", "5.0", "", "\u0665", "2147483648",
        "99999999999")) {
      var error = assertThrows(ApiException.class, () -> PageRequest.limit(given, 500), given);
      assertEquals("invalid_limit", error.code());
    }
  }

  @Test
  void theNextCursorIsTheLastItemOfAFullPage() {
    var rows = IntStream.rangeClosed(1, 3).mapToObj(i -> "item-" + i).toList();
    var page = new PageRequest(2, null);
    var next = page.nextCursor(rows, r -> r);
    assertEquals("item-2", new String(java.util.Base64.getUrlDecoder().decode(next)));
    assertEquals(null, page.nextCursor(List.of("item-1"), r -> r), "no cursor after the last page");
  }
}
