package dev.orgplane.launcher;

import dev.orgplane.kit.db.PgUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The PostgreSQL that {@code standalone} runs when no external one is configured. Its data lives
 * under {@code <data dir>/pg} and survives restarts. The caller has claimed the {@link DataDirectory}, so a server
 * found running on it is nobody's but an earlier run's, left behind by a {@code kill -9}: it is stopped
 * ({@link OrphanPostmaster}) before ours starts.
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

  static EmbeddedDatabase start(DataDirectory claimed, int port) {
    var dataDir = claimed.path();
    var pgDir = dataDir.resolve("pg");
    OrphanPostmaster.stop(pgDir, "left running by an earlier run");
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
}
