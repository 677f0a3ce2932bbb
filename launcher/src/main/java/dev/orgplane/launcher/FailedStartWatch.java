package dev.orgplane.launcher;

import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Ends the wait for an embedded server that exited as it started (a setting it refuses, a port taken since it was
 * tried, a damaged data directory). zonky starts it with {@code pg_ctl -w start}, which writes "could not start
 * server" to the log once the server has exited, but zonky does not look: it polls the port until its startup
 * wait (60 s) has passed, then reports what the last poll got, not the server's reason. This reads what the start
 * appends to the log and, once pg_ctl has given up, interrupts the starting thread: zonky ends its wait then.
 */
final class FailedStartWatch {

  private static final String PG_CTL_GAVE_UP = "pg_ctl: could not start server";
  private static final String FATAL = "FATAL:";
  private static final long POLL_MILLIS = 100;

  private final Path log;
  private final long from;
  private final Thread starting = Thread.currentThread();
  private final Thread watcher;
  /** Whether the start is still under way: the starting thread is interrupted only then. Guarded by this. */
  private boolean watching = true;
  /** Why the server exited, once it has. Guarded by this. */
  private String exited;

  /** Watches the start made next on this thread, whose server writes to {@code log}. */
  FailedStartWatch(Path log) throws IOException {
    this.log = log;
    this.from = Files.size(log);
    this.watcher = new Thread(this::watch, "orgplane-postgres-start-watch");
    watcher.setDaemon(true);
    watcher.start();
  }

  private void watch() {
    try {
      while (true) {
        Thread.sleep(POLL_MILLIS);
        var written = appended();
        if (written.contains(PG_CTL_GAVE_UP)) {
          synchronized (this) {
            if (watching) {
              exited = reasonIn(written);
              starting.interrupt();
            }
          }
          return;
        }
      }
    } catch (InterruptedException | IOException e) {
      // the start has ended, or the log cannot be read: zonky's own wait decides
    }
  }

  private String appended() throws IOException {
    try (var channel = FileChannel.open(log)) {
      return new String(Channels.newInputStream(channel.position(from)).readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The server's last word before it exited: its FATAL line, without the prefix the log gives each line. */
  static String reasonIn(String written) {
    return written.lines().filter(line -> line.contains(FATAL)).findFirst()
        .map(line -> line.substring(line.indexOf(FATAL) + FATAL.length()).trim())
        .orElse("no reason given");
  }

  /**
   * Ends the watch, on the starting thread once the start has returned: why the server exited as it started, if it
   * did. The interrupt that ended zonky's wait is cleared, so it interrupts nothing else.
   */
  Optional<String> end() {
    synchronized (this) {
      watching = false;
    }
    watcher.interrupt();
    if (exited != null) {
      Thread.interrupted();
    }
    return Optional.ofNullable(exited);
  }
}
