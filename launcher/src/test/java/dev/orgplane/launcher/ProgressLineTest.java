package dev.orgplane.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The progress line as a terminal shows it: each redraw replaces the whole of the one before. */
class ProgressLineTest {

  private final ByteArrayOutputStream written = new ByteArrayOutputStream();
  private final ProgressLine progress = new ProgressLine(new PrintStream(written, true, StandardCharsets.UTF_8), true,
      false);

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
  void aLineEndedIsLeftAsItIs() {
    progress.show(counts(1, 0, 0), 1, 5);
    progress.end();
    progress.end();

    assertEquals(1, written.toString(StandardCharsets.UTF_8).chars().filter(c -> c == '\n').count(),
        "ended once, whatever asks");
  }
}
