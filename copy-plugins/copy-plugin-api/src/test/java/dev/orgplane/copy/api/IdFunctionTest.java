package dev.orgplane.copy.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdFunctionTest {

  /** RFC 4122's DNS namespace. */
  private static final String DNS = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";

  @Test
  void isTheStandardVersion5Uuid() {
    // the well-known v5 UUID of "www.example.com" in the DNS namespace (Python's uuid5, Java's UUID libraries)
    assertEquals("2ed6657d-e927-568b-95e1-2665a8aea6a2", IdFunction.nameBased(DNS, "www.example.com"));
    assertEquals(5, UUID.fromString(IdFunction.nameBased(DNS, "www.example.com")).version());
  }

  @Test
  void oneNamespaceForManyIdsGivesTheSameIdsAndCaseDoesNotMatter() {
    var ids = IdFunction.nameBasedIn(DNS);
    var template = UUID.randomUUID().toString();
    assertEquals(IdFunction.nameBased(DNS, template), ids.apply(template));
    assertEquals(ids.apply(template), ids.apply(template), "the prepared namespace is not used up");
    assertEquals(ids.apply(template), ids.apply(template.toUpperCase()));
    assertNotEquals(ids.apply(template), IdFunction.nameBased(UUID.randomUUID().toString(), template),
        "another target, another copy id");
  }
}
