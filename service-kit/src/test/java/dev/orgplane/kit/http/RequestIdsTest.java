package dev.orgplane.kit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

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
}
