package dev.orgplane.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The progress line as a terminal shows it: each redraw replaces the whole of the one before, and fits in the
 * terminal's width (a line that wraps would be redrawn below itself).
 */
class ProgressLineTest {

  private final ByteArrayOutputStream written = new ByteArrayOutputStream();
  private final ProgressLine progress = terminal(200);

  private ProgressLine terminal(int columns) {
    return new ProgressLine(new PrintStream(written, true, StandardCharsets.UTF_8), OptionalInt.of(columns), false);
  }

  private static JsonObject counts(long succeeded, long running, long failed) {
    return new JsonObject().put("succeeded", succeeded).put("running", running).put("failed", failed);
  }

  /** What a terminal shows on its last line after the output so far: a carriage return writes over the line. */
  private String screen() {
    var line = new StringBuilder();
    int cursor = 0;
    for (char c : written.toString(StandardCharsets.UTF_8).toCharArray()) {
      if (c == '\r') {
        cursor = 0;
      } else if (c == '\n') {
        line.setLength(0);
        cursor = 0;
      } else {
        if (cursor < line.length()) {
          line.setCharAt(cursor, c);
        } else {
          line.append(c);
        }
        cursor++;
      }
    }
    return line.toString();
  }

  @Test
  void aShorterLineLeavesNothingOfTheLongerOneBeforeIt() {
    progress.show(counts(0, 10, 10), 120, 1_000_000);
    progress.show(counts(110, 9, 1), 120, 0);

    assertTrue(screen().stripTrailing().endsWith("9 running, 1 failed  0:00"), screen());
  }

  @Test
  void theTenantsCancelledAreCountedWhenThereAreSome() {
    progress.show(counts(2, 0, 1).put("cancelled", 17L), 20, 500);

    assertTrue(screen().stripTrailing()
        .endsWith("20/20 tenants, 500 objects copied, 0 running, 1 failed, 17 cancelled  0:00"), screen());
  }

  @Test
  void aLineEndedIsLeftAsItIs() {
    progress.show(counts(1, 0, 0), 1, 5);
    progress.end();
    progress.end();

    assertEquals(1, written.toString(StandardCharsets.UTF_8).chars().filter(c -> c == '\n').count(),
        "ended once, whatever asks");
  }

  @Test
  void theLineStaysShorterThanTheTerminalIsWideItsBarNarrowed() {
    var progress = terminal(80);
    progress.show(counts(0, 10, 10), 120, 1_000_000);
    progress.show(counts(60, 9, 1), 120, 123_456_789);

    assertEquals(2, drawnLines().size());
    drawnLines().forEach(line -> assertTrue(line.length() < 80, line.length() + " columns: " + line));
    assertTrue(screen().matches("\\[#+-+\\] 61/120 tenants, 123,456,789 objects copied, .*"), screen());
  }

  @Test
  void aNarrowTerminalCutsTheLinesEnd() {
    var progress = terminal(40);
    progress.show(counts(0, 10, 10), 120, 1_000_000);
    progress.show(counts(120, 0, 0), 120, 2_000_000);

    drawnLines().forEach(line -> assertTrue(line.length() < 40, line.length() + " columns: " + line));
    assertEquals("[##########] 120/120 tenants, 2,000,000", screen().stripTrailing());
  }

  /** Each redraw as written: what follows a carriage return. */
  private List<String> drawnLines() {
    return Stream.of(written.toString(StandardCharsets.UTF_8).split("\r")).filter(line -> !line.isEmpty()).toList();
  }

  /** The README's example is the line the command writes for its counts, but the time it took. */
  @Test
  void theReadmesExampleIsALineTheCommandWrites() throws Exception {
    var example = Files.readAllLines(Path.of("..", "README.md")).stream()
        .filter(line -> line.contains(" 23/50 tenants, 89,010 objects copied")).findFirst().orElseThrow();
    var log = new ProgressLine(new PrintStream(written, true, StandardCharsets.UTF_8), OptionalInt.empty(), false);

    log.show(counts(23, 8, 0), 50, 89_010);

    var elapsed = Pattern.compile("  \\d+:\\d\\d$");
    assertEquals(elapsed.matcher(example).replaceFirst(""),
        elapsed.matcher(written.toString(StandardCharsets.UTF_8).strip()).replaceFirst(""));
  }
}
