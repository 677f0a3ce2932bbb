package dev.orgplane.launcher;

import java.io.Console;

/** Whether stdout is a terminal that a line may be redrawn on in place. */
final class Terminal {

  private Terminal() {
  }

  /**
   * Since JDK 22 a console exists even when stdout is redirected, and {@code Console.isTerminal()} (new in 22,
   * hence asked by reflection on our Java 17 target) tells; before 22 a console meant a terminal.
   */
  static boolean isTerminal(Console console) {
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (NoSuchMethodException beforeJdk22) {
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      // unsure: lines written one below the other read well anywhere
      return false;
    }
  }
}
