package dev.orgplane.kit.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TimeOrderedIdsTest {

  @Test
  void isAVersion7UuidCarryingItsCreationTime() throws InterruptedException {
    long before = System.currentTimeMillis();
    var id = TimeOrderedIds.next();
    assertEquals(7, id.version());
    assertEquals(2, id.variant());
    long millis = id.getMostSignificantBits() >>> 16;
    assertTrue(millis >= before && millis <= System.currentTimeMillis(), "milliseconds since the epoch, first");
    assertNotEquals(id, TimeOrderedIds.next());
    Thread.sleep(2);
    // PostgreSQL compares uuids as unsigned bytes, which for these is their text
    assertTrue(TimeOrderedIds.next().toString().compareTo(id.toString()) > 0, "a later id sorts after");
  }
}
