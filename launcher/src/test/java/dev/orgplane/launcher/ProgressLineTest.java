package dev.orgplane.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The progress line as a terminal shows it. */
class ProgressLineTest {

  private final ByteArrayOutputStream written = new ByteArrayOutputStream();
  private final ProgressLine progress = new ProgressLine(new PrintStream(written, true, StandardCharsets.UTF_8), true);

  private static JsonObject counts(long succeeded, long running, long failed) {
    return new JsonObject().put("succeeded", succeeded).put("running", running).put("failed", failed);
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
