package dev.orgplane.org.provisioner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class RolloutTemplateTest {

  private static final String TEMPLATE = "00000000-0000-4000-8000-00000000a001";

  @Test
  void theHeaderNamesTheTemplateWrittenAsAUuidInEitherCase() {
    assertEquals(UUID.fromString(TEMPLATE), RolloutTemplate.named(" " + TEMPLATE.toUpperCase() + " "));
  }

  /** What {@link UUID#fromString} reads as the template, in 36 characters, names none: it named the template. */
  @Test
  void theHeaderNamesNoTemplateWrittenOtherwise() {
    for (var written : new String[] {"+" + TEMPLATE.substring(1), "00000000-0000-4000-8000-+0000000a001",
        "0-0-4000-8000-a001"}) {
      assertEquals(UUID.fromString(TEMPLATE), UUID.fromString(written), "the JDK's reading");
      assertNull(RolloutTemplate.named(written), written);
    }
  }
}
