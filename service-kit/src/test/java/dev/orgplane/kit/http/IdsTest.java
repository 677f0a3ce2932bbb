package dev.orgplane.kit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdsTest {

  @Test
  void anIdIsAUuidAsWrittenInEitherCase() {
    var id = UUID.randomUUID();
    assertEquals(id, Ids.uuid(id.toString(), "id"));
    assertEquals(id, Ids.uuid(id.toString().toUpperCase(), "id"));
  }

  /** A list naming one id in two cases names it once, where it was first named. */
  @Test
  void aListNamesEachIdOnceWhateverItsCase() {
    var first = UUID.randomUUID();
    var second = UUID.randomUUID();
    assertEquals(List.of(first, second), Ids.uuids(List.of(first.toString(), second.toString().toUpperCase(),
        first.toString().toUpperCase(), second.toString()), "userIds"));
  }

  /**
   * UUID.fromString takes "1-1-1-1-1", a sign and longer parts cut short, 36 characters long or not: such text names
   * no stored id, and is a 400.
   */
  @Test
  void textUuidFromStringWouldTakeIsNoId() {
    for (var text : List.of("1-1-1-1-1", "0-0-0-0-0", UUID.randomUUID() + "0", "not-a-uuid", "",
        "+0000000-0000-4000-8000-00000000a2a2", "100000000-0000-4000-8000-0000000a2d2",
        "00000001-1-1-1-000000000000000000001")) {
      var error = assertThrows(ApiException.class, () -> Ids.uuid(text, "jid"), text);
      assertEquals(400, error.status());
      assertEquals("validation_failed", error.code());
    }
    assertEquals(400, assertThrows(ApiException.class, () -> Ids.uuid(null, "jid")).status());
  }

  /** A header's id, say: the id when written as one, else none, never the id UUID.fromString reads otherwise. */
  @Test
  void orNullIsTheIdAsWrittenOrNone() {
    var id = "00000000-0000-4000-8000-00000000A2A2";
    assertEquals(UUID.fromString(id), Ids.orNull(id));
    for (var text : Arrays.asList(null, "", "+0000000-0000-4000-8000-00000000a2a2", "0-0-4000-8000-a2a2")) {
      assertNull(Ids.orNull(text), text);
    }
  }
}
