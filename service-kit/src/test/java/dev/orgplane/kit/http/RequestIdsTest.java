package dev.orgplane.kit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestIdsTest {

  @Test
  void newIdsAreDistinctVersionFourUuids() {
    var seen = new HashSet<String>();
    for (int i = 0; i < 100_000; i++) {
      var id = RequestIds.newId();
      var uuid = UUID.fromString(id);
      assertEquals(4, uuid.version(), id);
      assertEquals(2, uuid.variant(), id);
      assertTrue(RequestIds.isWellFormed(id), id);
      assertTrue(seen.add(id), "repeated " + id);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "job-0190abc:1", "Z.9_x:y-z", "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ._:-"})
  void aCallersIdOfLettersDigitsAndDotUnderscoreColonDashIsKept(String id) {
    assertTrue(RequestIds.isWellFormed(id), id);
    assertTrue(RequestIds.isWellFormed(id.repeat(128 / id.length())), id);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "a b", "a/b", "a\nb", "é", "a\u0000", "id,other", "{id}", "a+b", "a\u0130"})
  void anyOtherIdIsReplaced(String id) {
    assertFalse(RequestIds.isWellFormed(id), id);
  }

  @Test
  void anIdIsAtMost128Characters() {
    assertTrue(RequestIds.isWellFormed("a".repeat(128)));
    assertFalse(RequestIds.isWellFormed("a".repeat(129)));
    assertFalse(RequestIds.isWellFormed(null));
  }
}
