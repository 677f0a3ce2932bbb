package dev.orgplane.launcher;

import java.io.Console;
import java.util.OptionalInt;

/** Whether stdout is a terminal that a line may be redrawn on in place, and how many columns it has. */
final class Terminal {

  /** The width assumed when {@code COLUMNS} does not tell (shells set it without exporting it, most of the time). */
  static final int DEFAULT_COLUMNS = 80;

  private Terminal() {
  }

  /** The columns of the terminal stdout is, or none when stdout is a file or a pipe (a CI log, {@code | tee}). */
  static OptionalInt stdoutColumns() {
    return isTerminal(System.console()) ? OptionalInt.of(columns(System.getenv("COLUMNS"))) : OptionalInt.empty();
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

  /** {@code COLUMNS}, if it is a width; {@value #DEFAULT_COLUMNS} otherwise. */
  static int columns(String variable) {
    try {
      int columns = Integer.parseInt(variable == null ? "" : variable.trim());
      return columns > 0 ? columns : DEFAULT_COLUMNS;
    } catch (NumberFormatException e) {
      return DEFAULT_COLUMNS;
    }
  }
}
