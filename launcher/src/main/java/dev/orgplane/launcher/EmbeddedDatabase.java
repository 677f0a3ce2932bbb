package dev.orgplane.launcher;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.orgplane.kit.config.Settings;
import dev.orgplane.kit.db.PgTls;
import dev.orgplane.kit.db.PgUrl;
import dev.orgplane.kit.http.ListenAddress;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL that {@code standalone} runs when no external one is configured, and {@code database} runs alone
 * ({@link DatabaseCommand}). Its data lives
 * under {@code <data dir>/pg} and survives restarts. The caller has claimed the {@link DataDirectory}, so a server
 * found running on it is nobody's but an earlier run's, left behind by a {@code kill -9}: it is stopped
 * ({@link Postmaster#stopOrphan}) before ours starts.
 *
 * <p>The process owns the server from before it starts ({@link PlatformProcess#closeAfterServices}): a
 * {@link #close} asked for while it starts (Ctrl-C, SIGTERM) waits for the start to end and then stops it, and a
 * start that fails in any way stops what it started, so no way out of the process leaves the server running.
 *
 * <p>Only this operating-system user may connect: the server listens on 127.0.0.1 alone and asks for the
 * password ({@link DatabasePassword}) that only this user may read, as the data directory's other files.
 *
 * <p>zonky extracts the PostgreSQL binaries it carries into a working directory and runs whatever it finds there
 * already; its default, {@code /tmp/embedded-pg}, is shared by every user of the machine and writable by all, so
 * anyone could have put their own programs there for us to run. Ours is {@value #BINARIES} in the data directory,
 * which only this user may enter. zonky's builder also "cleans" the folders of its parent directory, which it reads
 * from {@code ot.epg.working-dir} (default {@code /tmp/embedded-pg}) and no setter changes: every folder there with an
 * {@code epg-lock} older than ten minutes is stopped with {@code pg_ctl}, which signals whatever pid that folder's
 * {@code postmaster.pid} names, and deleted. Anyone could plant such a folder in {@code /tmp} to have our start signal
 * any process of ours; so the builder is made with that property naming {@value #BINARIES} ({@link #builder}).
 *
 * <p>zonky's builder is made for tests: it starts the server with {@code -F} (no fsync) and
 * {@code synchronous_commit=off}, so a power cut or an OS crash could lose acknowledged writes or
 * corrupt the data directory. This server holds the platform's data, so both are switched back on
 * ({@link #DURABLE}, given after zonky's own flags, so they win).
 */
final class EmbeddedDatabase implements AutoCloseable {

  /** The server settings that make a committed transaction survive a crash of the machine. */
  private static final Map<String, String> DURABLE = Map.of("fsync", "on", "synchronous_commit", "on", "full_page_writes", "on");

  /**
   * The server listens on loopback IPv4 only, and on no Unix socket: zonky's binaries would make theirs in
   * {@code /tmp}, and the data directory's path may be too long for a socket address.
   */
  private static final Map<String, String> LOOPBACK_ONLY = Map.of("listen_addresses", "127.0.0.1",
      "unix_socket_directories", "");

  /** The setting that gives the server's port. */
  static final String PORT_KEY = "ORGPLANE_EMBEDDED_PG_PORT";

  /** The server's max_connections: standalone refuses pools that together need more (less OTHER_CONNECTIONS). */
  static final int MAX_CONNECTIONS = 200;
  /** Kept for what connects besides the services' pools: the admin command (a pool of 2), psql, migrations at start. */
  static final int OTHER_CONNECTIONS = 10;

  /** Where the binaries are extracted, in the data directory: once, on its first start. */
  static final String BINARIES = "pg-binaries";
  /** The server's own directory (initdb's), in the data directory. */
  static final String SERVER = "pg";
  static final String LOG = "postgres.log";
  static final String RECORDED_URL = "postgres.url";

  private final DataDirectory claimed;
  private final Path dataDir;
  private final Path pgDir;
  private final int port;
  /** The running server: null before it starts, and once it is closed. */
  private EmbeddedPostgres postgres;
  private DatabasePassword password;
  private boolean closed;

  /** The server of {@code claimed}'s data directory, on {@code port} (0: a free one), not started yet. */
  EmbeddedDatabase(DataDirectory claimed, int port) {
    this.claimed = claimed;
    this.dataDir = claimed.path();
    this.pgDir = dataDir.resolve(SERVER);
    this.port = port;
  }

  /**
   * Starts the server (made on the first start), once an earlier run's leftovers are gone ({@link #removeLeftovers}),
   * and records its address for {@code orgplane admin}.
   */
  synchronized void start() {
    if (closed) {
      throw new LauncherException("the platform stopped before its embedded PostgreSQL started");
    }
    var log = dataDir.resolve(LOG);
    removeLeftovers(claimed);
    requireFreePort();
    try {
      PrivateFiles.restrict(log);
      var binaries = dataDir.resolve(BINARIES);
      PrivateFiles.directory(binaries);
      password = DatabasePassword.of(dataDir, pgDir);
      var builder = builder(binaries)
          .setOverrideWorkingDirectory(binaries.toFile())
          .setDataDirectory(pgDir)
          .setCleanDataDirectory(false)
          .setRegisterShutdownHook(false)
          .setPGStartupWait(Duration.ofSeconds(60))
          .setConnectConfig("password", password.value())
          .setServerConfig("max_connections", Integer.toString(MAX_CONNECTIONS))
          .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()));
      password.initdbOptions().forEach(builder::setLocaleConfig);
      LOOPBACK_ONLY.forEach(builder::setServerConfig);
      DURABLE.forEach(builder::setServerConfig);
      if (port > 0) {
        builder.setPort(port);
      }
      postgres = startWatched(builder, log);
      // zonky makes its working directory writable for every user, as tests that share /tmp/embedded-pg need
      PrivateFiles.directory(binaries);
      password.require(postgres);
      PrivateFiles.write(recordedUrl(dataDir), url() + "\n");
    } catch (Throwable e) {
      stopAfterFailedStart(e);
      throw new LauncherException("cannot start the embedded PostgreSQL in " + pgDir + " (log: " + log + "): "
          + StartupFailure.describe(e), e);
    }
  }

  /** {@code builder}'s server, started; one that exits as it starts is reported at once, with its reason. */
  private static EmbeddedPostgres startWatched(EmbeddedPostgres.Builder builder, Path log) throws IOException {
    var watch = new FailedStartWatch(log);
    EmbeddedPostgres started;
    Optional<String> exited;
    try {
      started = builder.start();
    } finally {
      exited = watch.end();
    }
    if (exited.isPresent()) {
      // the watch's interrupt ended zonky's wait, which returns as if the server were up
      closeExited(started);
      throw new LauncherException("it exited as it started: " + exited.get());
    }
    return started;
  }

  /**
   * Releases what zonky holds of a server that has exited, or been given up on (its lock on the data directory).
   * zonky's close first asks pg_ctl to stop the server, which fails for one that is gone, and logs that as an ERROR
   * ("Could not stop postmaster") beside the one line that says what happened: a second, misleading error. zonky has
   * no other way to let go of the lock, so its logger is silenced for this close alone (within it, at most an error of
   * another zonky server of this JVM's would be lost: only tests run two).
   */
  private static void closeExited(EmbeddedPostgres started) throws IOException {
    if (!(LoggerFactory.getLogger(EmbeddedPostgres.class) instanceof Logger zonky)) {
      started.close();
      return;
    }
    var level = zonky.getLevel();
    zonky.setLevel(Level.OFF);
    try {
      started.close();
    } finally {
      zonky.setLevel(level);
    }
  }

  /**
   * Fails at once if {@link #port} is taken on the address the server listens on. The postmaster would exit at
   * once (it cannot bind), but zonky does not look: it polls the port for 60 s, and while another server listens
   * there it signs in to that one, sending it the superuser's password, and then fails with that server's answer.
   */
  private void requireFreePort() {
    if (port == 0) {
      return;
    }
    try (var probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress(LOOPBACK_ONLY.get("listen_addresses"), port));
    } catch (IOException e) {
      throw new LauncherException(PORT_KEY + " " + port + " is in use on "
          + LOOPBACK_ONLY.get("listen_addresses") + ": stop what listens there, or choose another port (0 or unset: a "
          + "free one)", e);
    }
  }

  /**
   * The server of {@code claimed}, on the port {@code settings} give it, started for {@code process}, which stops it
   * after its services: owned before it starts, so a stop asked for during its start stops it once started.
   */
  static EmbeddedDatabase startFor(PlatformProcess process, DataDirectory claimed, Settings settings) {
    var database = new EmbeddedDatabase(claimed, configuredPort(settings));
    process.closeAfterServices(database);
    database.start();
    return database;
  }

  /** The server's port: 0 (a free one) unless {@value #PORT_KEY} names one. */
  static int configuredPort(Settings settings) {
    return settings.has(PORT_KEY) ? settings.listenPort(PORT_KEY) : 0;
  }

  /** Where a server on {@code port} listens, named as its setting, for {@link ListenAddress#requireApart}. */
  static ListenAddress listenAddress(int port) {
    return new ListenAddress("the embedded PostgreSQL", LOOPBACK_ONLY.get("listen_addresses"), PORT_KEY, port);
  }

  /** zonky's property that names the parent directory it cleans; read once, by the builder's constructor. */
  private static final String WORKING_DIR_PROPERTY = "ot.epg.working-dir";
  private static final Object WORKING_DIR_LOCK = new Object();

  /**
   * A builder whose parent directory is {@code binaries}: its only folders are the extracted binaries, which hold
   * no {@code epg-lock}, so zonky's cleaning finds nothing. The property is put back at once, for other builders of
   * this JVM (tests); the lock keeps two starts from seeing each other's value.
   */
  private static EmbeddedPostgres.Builder builder(Path binaries) {
    synchronized (WORKING_DIR_LOCK) {
      var before = System.getProperty(WORKING_DIR_PROPERTY);
      System.setProperty(WORKING_DIR_PROPERTY, binaries.toString());
      try {
        return EmbeddedPostgres.builder();
      } finally {
        if (before == null) {
          System.clearProperty(WORKING_DIR_PROPERTY);
        } else {
          System.setProperty(WORKING_DIR_PROPERTY, before);
        }
      }
    }
  }

  private void stopAfterFailedStart(Throwable failure) {
    try {
      if (postgres != null) {
        stopRunning();
      } else {
        // zonky gives no handle on a server whose start failed (it gave up waiting for it, say); it may run all the same
        Postmaster.stopOrphan(pgDir, "that this failed start left running");
      }
    } catch (IOException | RuntimeException notStopped) {
      failure.addSuppressed(notStopped);
    }
  }

  /**
   * Stops the running server and lets go of it. Stopped here, not by zonky's close: that gives pg_ctl 5 s, then logs an
   * ERROR and returns with the server running on, while its shutdown checkpoint (after a large run on a slow disk) can
   * take far longer; the process then exited and let go of the data directory under it.
   */
  private void stopRunning() throws IOException {
    var running = postgres;
    postgres = null;
    try {
      Postmaster.running(pgDir).ifPresent(server -> server.stop("the embedded PostgreSQL"));
    } finally {
      closeExited(running);
    }
  }

  /**
   * Where standalone leaves the embedded database's address, password included, for {@code orgplane admin}; taken
   * away when the server stops, so no address outlives the server that answered at it.
   */
  static Path recordedUrl(Path dataDir) {
    return dataDir.resolve(RECORDED_URL);
  }

  /**
   * Takes away what an earlier run on {@code claimed} left when it ended without stopping its server ({@code kill -9},
   * a power cut): its recorded address, and its server if it still runs. Every standalone start calls this once it
   * holds the directory, one on another database ({@code ORGPLANE_PG_URL}) too: while it runs, {@code orgplane admin}
   * would otherwise take the leftover address for the running platform's, and work on the leftover server, or after a
   * reboot send the superuser's password to whatever listens on its port.
   */
  static void removeLeftovers(DataDirectory claimed) {
    var address = recordedUrl(claimed.path());
    try {
      Files.deleteIfExists(address);
    } catch (IOException e) {
      throw new LauncherException("cannot remove " + address + ", which an earlier run left: "
          + FileFailure.why(e, address), e);
    }
    Postmaster.stopOrphan(claimed.path().resolve(SERVER), "left running by an earlier run");
  }

  /** The data directory the server lives in. */
  Path dataDirectory() {
    return dataDir;
  }

  PgUrl url() {
    return new PgUrl("127.0.0.1", postgres.getPort(), "postgres", "postgres", password.value(), PgTls.DISABLE);
  }

  /**
   * Stops the server; asked for while it starts, once the start has ended. Returns once it has exited: the data
   * directory's lock, released after this, is all that keeps another start from working on a server still running.
   */
  @Override
  public synchronized void close() {
    closed = true;
    if (postgres == null) {
      return;
    }
    try {
      stopRunning();
    } catch (LauncherException e) {
      System.err.println("orgplane: " + e.getMessage() + "; the next start stops it");
    } catch (IOException e) {
      System.err.println("orgplane: could not stop the embedded PostgreSQL cleanly: " + e.getMessage());
    }
    try {
      Files.deleteIfExists(recordedUrl(dataDir));
    } catch (IOException e) {
      System.err.println("orgplane: could not remove " + recordedUrl(dataDir) + ": "
          + FileFailure.why(e, recordedUrl(dataDir)));
    }
  }
}
