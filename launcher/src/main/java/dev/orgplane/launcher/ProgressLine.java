package dev.orgplane.launcher;

import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.OptionalInt;

/**
 * A batch's progress as one line: a bar of finished tenants, the objects copied (or planned) so far, and what is
 * running, failed or cancelled. On a terminal the line is redrawn in place, kept shorter than the terminal is wide
 * (the bar narrows, then the end is cut): a line that wraps is redrawn below itself at every update. In a log (no
 * terminal) a line is written only when something changed, at most every few seconds, so CI logs stay readable.
 */
final class ProgressLine {

  private static final int WIDTH = 30;
  private static final int NARROWEST = 10;
  private static final long LOG_EVERY_MILLIS = 3_000;

  private final PrintStream out;
  /** The terminal's columns; none when the output is not a terminal. */
  private final OptionalInt columns;
  private final String objectsAre;
  private final long startedAt = System.nanoTime();
  private String last = "";
  private long lastLoggedAt;
  /** Whether the terminal's cursor is on a drawn line, which {@link #end} ends. */
  private boolean drawn;
  /** How long the line drawn in place is: a shorter one drawn over it covers the rest with spaces. */
  private int drawnLength;

  /** {@code plan}: a dry run's progress, whose objects are planned, not copied. */
  ProgressLine(PrintStream out, OptionalInt columns, boolean plan) {
    this.out = out;
    this.columns = columns;
    this.objectsAre = plan ? " objects planned, " : " objects copied, ";
  }

  /** {@code counts}: jobs by status, as a batch answers them. */
  void show(JsonObject counts, long total, long objects) {
    long done = counts.getLong("succeeded", 0L) + counts.getLong("failed", 0L) + counts.getLong("cancelled", 0L);
    long cancelled = counts.getLong("cancelled", 0L);
    // cancelled ones among the finished when there are some: a cancelled batch read "20/20 tenants, 0 failed"
    var line = done + "/" + total + " tenants, " + String.format("%,d", objects) + objectsAre
        + counts.getLong("running", 0L) + " running, " + counts.getLong("failed", 0L) + " failed"
        + (cancelled == 0 ? "" : ", " + cancelled + " cancelled");
    long now = System.currentTimeMillis();
    if (columns.isPresent()) {
      // the last column left free: some terminals wrap a line that fills them
      int room = columns.getAsInt() - 1;
      var status = line + "  " + elapsed();
      var text = bar(Math.max(NARROWEST, Math.min(WIDTH, room - status.length() - 3)), done, total) + " " + status;
      text = text.substring(0, Math.min(text.length(), room));
      // spaces, not an ANSI erase: they clear the old tail on any terminal, Windows consoles without VT included
      out.print("\r" + text + " ".repeat(Math.max(0, drawnLength - text.length())));
      drawn = true;
      drawnLength = text.length();
    } else if (!line.equals(last) && (now - lastLoggedAt >= LOG_EVERY_MILLIS || done == total)) {
      out.println(bar(WIDTH, done, total) + " " + line + "  " + elapsed());
      lastLoggedAt = now;
    } else {
      return;
    }
    out.flush();
    last = line;
  }

  /** Ends the line drawn in place, if any: what is written next (the end, a warning) starts on a line of its own. */
  void end() {
    if (drawn) {
      out.println();
      drawn = false;
      drawnLength = 0;
    }
  }

  private static String bar(int width, long done, long total) {
    int filled = total == 0 ? width : (int) (width * done / total);
    return "[" + "#".repeat(filled) + "-".repeat(width - filled) + "]";
  }

  private String elapsed() {
    long seconds = (System.nanoTime() - startedAt) / 1_000_000_000L;
    return String.format("%d:%02d", seconds / 60, seconds % 60);
  }
}
