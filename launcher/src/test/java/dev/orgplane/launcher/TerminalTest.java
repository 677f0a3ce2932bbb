package dev.orgplane.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

/** What the progress line takes stdout for. */
class TerminalTest {

  /** The test runner reads this JVM's stdout through a pipe; since JDK 22 a console exists all the same. */
  @Test
  void aRedirectedStdoutIsNoTerminal() {
    assertFalse(Terminal.isTerminal(System.console()));
  }

  @Test
  void noConsoleIsNoTerminal() {
    assertFalse(Terminal.isTerminal(null));
  }

  @Test
  void theWidthIsColumnsIfItIsOneAndEightyOtherwise() {
    assertEquals(132, Terminal.columns("132"));
    assertEquals(80, Terminal.columns(null));
    assertEquals(80, Terminal.columns(""));
    assertEquals(80, Terminal.columns("wide"));
    assertEquals(80, Terminal.columns("0"));
  }
}
