package dev.orgplane.launcher;

import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The levels the launcher's logback.xml sets, which these tests run with as a process does. */
class LogLevelsTest {

  /**
   * The JSON Schema validator logs at ERROR what is wrong with a meta-schema sent to org-service (a pattern that is
   * no regular expression, a reference refused), and throws it on: org-service answers it 400, so the lines were
   * noise whoever sent the schema, and a request alone wrote them.
   */
  @Test
  void theJsonSchemaValidatorLogsNothing() {
    assertFalse(LoggerFactory.getLogger("com.networknt.schema.PatternValidator").isErrorEnabled());
  }
}
