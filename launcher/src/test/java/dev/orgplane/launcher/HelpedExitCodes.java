package dev.orgplane.launcher;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The exit codes a command's {@code --help} lists, each with what it says the code means: what a script's author
 * reads, so a test can hold the command to it rather than to the constant the help was built from.
 */
final class HelpedExitCodes {

  private static final String HEADING = "Exit codes";
  /** A code's first line: the code, right-aligned, then its meaning; the meaning's next lines are indented further. */
  private static final Pattern ENTRY = Pattern.compile(" *(\\d+) {3}(.*)");

  private final String help;
  private final Map<Integer, String> meanings = new LinkedHashMap<>();

  private HelpedExitCodes(String help) {
    this.help = help;
    // the list ends at its first blank line: a footer may follow
    var lines = help.lines().dropWhile(line -> !line.startsWith(HEADING)).skip(1).takeWhile(line -> !line.isBlank())
        .toList();
    Integer code = null;
    for (var line : lines) {
      var entry = ENTRY.matcher(line);
      if (entry.matches()) {
        code = Integer.valueOf(entry.group(1));
        meanings.put(code, entry.group(2).strip());
      } else if (code != null) {
        meanings.merge(code, line.strip(), (first, next) -> first + " " + next);
      }
    }
  }

  /** What {@code orgplane command... --help} lists. */
  static HelpedExitCodes of(String... command) {
    var args = new String[command.length + 1];
    System.arraycopy(command, 0, args, 0, command.length);
    args[command.length] = "--help";
    var printed = new StringWriter();
    int exit = Orgplane.commandLine().setOut(new PrintWriter(printed, true)).execute(args);
    if (exit != 0) {
      throw new AssertionError("--help exited with " + exit + ":\n" + printed);
    }
    return new HelpedExitCodes(printed.toString());
  }

  /** The codes listed, each with its meaning (its lines joined), in the help's order. */
  Map<Integer, String> meanings() {
    return meanings;
  }

  /** The one code whose meaning starts with {@code meaning}. */
  int code(String meaning) {
    var codes = meanings.entrySet().stream().filter(listed -> listed.getValue().startsWith(meaning))
        .map(Map.Entry::getKey).toList();
    if (codes.size() != 1) {
      throw new AssertionError("not one code means '" + meaning + "' (" + codes + ") in:\n" + help);
    }
    return codes.get(0);
  }

  @Override
  public String toString() {
    return help;
  }
}
