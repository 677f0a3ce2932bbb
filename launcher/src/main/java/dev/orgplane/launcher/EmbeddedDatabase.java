package dev.orgplane.launcher;

import dev.orgplane.kit.db.PgUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The PostgreSQL that {@code standalone} runs when no external one is configured. Its data lives
 * under {@code <data dir>/pg} and survives restarts. pg_ctl starts the postmaster in a session of
 * its own, so a {@code kill -9} of our process group can leave it running: such a survivor of an
 * earlier run is shut down (a fast shutdown keeps every committed transaction) before we start.
 *
 * <p>zonky's builder is made for tests: it starts the server with {@code -F} (no fsync) and
 * {@code synchronous_commit=off}, so a power cut or an OS crash could lose acknowledged writes or
 * corrupt the data directory. This server holds the platform's data, so both are switched back on
 * ({@link #DURABLE}, given after zonky's own flags, so they win).
 */
final class EmbeddedDatabase implements AutoCloseable {

  /** The server settings that make a committed transaction survive a crash of the machine. */
  private static final Map<String, String> DURABLE = Map.of("fsync", "on", "synchronous_commit", "on", "full_page_writes", "on");

  private final EmbeddedPostgres postgres;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  static EmbeddedDatabase start(Path dataDir, int port) {
    var pgDir = dataDir.resolve("pg");
    ensureWritable(dataDir);
    stopSurvivor(pgDir);
    try {
      var builder = EmbeddedPostgres.builder()
          .setDataDirectory(pgDir)
          .setCleanDataDirectory(false)
          .setRegisterShutdownHook(false)
          .setPGStartupWait(Duration.ofSeconds(60))
          .setServerConfig("max_connections", "200")
          .setOutputRedirector(ProcessBuilder.Redirect.appendTo(dataDir.resolve("postgres.log").toFile()))
          .setErrorRedirector(ProcessBuilder.Redirect.appendTo(dataDir.resolve("postgres.log").toFile()));
      DURABLE.forEach(builder::setServerConfig);
      if (port > 0) {
        builder.setPort(port);
      }
      return new EmbeddedDatabase(builder.start());
    } catch (IOException | RuntimeException e) {
      throw new LauncherException("cannot start the embedded PostgreSQL in " + pgDir + " (log: "
          + dataDir.resolve("postgres.log") + "): " + StartupFailure.describe(e), e);
    }
  }

  PgUrl url() {
    return new PgUrl("127.0.0.1", postgres.getPort(), "postgres", "postgres", "");
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      System.err.println("orgplane: could not stop the embedded PostgreSQL cleanly: " + e.getMessage());
    }
  }

  private static void ensureWritable(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
      var probe = Files.createTempFile(dataDir, ".write-probe", "");
      Files.delete(probe);
    } catch (IOException e) {
      throw new LauncherException("the data directory " + dataDir.toAbsolutePath()
          + " is not writable (ORGPLANE_DATA_DIR): " + e.getMessage(), e);
    }
  }

  private static void stopSurvivor(Path pgDir) {
    var pidFile = pgDir.resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) {
      return;
    }
    try {
      var firstLine = Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
      var survivor = ProcessHandle.of(Long.parseLong(firstLine))
          .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
      if (survivor.isPresent()) {
        System.out.println("orgplane: stopping PostgreSQL left running by an earlier run (pid " + firstLine + ")");
        survivor.get().destroy();
        survivor.get().onExit().get(60, TimeUnit.SECONDS);
      }
    } catch (NumberFormatException | IOException e) {
      // an unreadable pid file is stale by definition: PostgreSQL replaces it at start
    } catch (Exception e) {
      throw new LauncherException("a PostgreSQL from an earlier run is still using " + pgDir
          + " and did not stop: " + e.getMessage(), e);
    }
  }
}
