package dev.orgplane.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.orgplane.kit.db.PgTls;
import dev.orgplane.kit.db.PgUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The embedded PostgreSQL of standalone, started and stopped as standalone does, on data directories of its own. */
class EmbeddedDatabaseTest {

  @TempDir
  Path temp;

  /** What each test started, stopped after it whatever happened. */
  private final List<AutoCloseable> started = new ArrayList<>();

  @AfterEach
  void stopEverything() throws Exception {
    for (int i = started.size() - 1; i >= 0; i--) {
      started.get(i).close();
    }
  }

  private DataDirectory claim(String name) {
    var claimed = DataDirectory.claim(temp.resolve(name));
    started.add(claimed);
    return claimed;
  }

  /** {@code name} claimed, holding a server made and stopped ({@link DataDirectoryTemplate}). */
  private DataDirectory claimMade(String name) {
    var claimed = claim(name);
    DataDirectoryTemplate.copyTo(claimed.path());
    return claimed;
  }

  private EmbeddedDatabase start(DataDirectory claimed) {
    var database = new EmbeddedDatabase(claimed, 0);
    started.add(database);
    database.start();
    return database;
  }

  /** A database on {@code claimed}, started as standalone starts it. */
  static EmbeddedDatabase started(DataDirectory claimed) {
    var database = new EmbeddedDatabase(claimed, 0);
    database.start();
    return database;
  }

  static Connection connect(PgUrl url) throws SQLException {
    var properties = new Properties();
    properties.setProperty("user", url.user());
    properties.setProperty("password", url.password());
    return DriverManager.getConnection(url.jdbcUrl(), properties);
  }

  static long postmasterPid(Path dataDir) throws Exception {
    return Long.parseLong(Files.readAllLines(dataDir.resolve("pg/postmaster.pid")).get(0).trim());
  }

  @Test
  void aNewServerAsksEveryConnectionForAPasswordOnlyItsUserCanRead() throws Exception {
    var claimed = claim("data");
    DataDirectoryTemplate.copyBinariesTo(claimed.path());
    var url = start(claimed).url();

    assertEquals(PgTls.DISABLE, url.tls(), "it speaks no TLS: asking for it first costs every connection a second");
    assertRefusesWithoutThePassword(url);
    try (var connection = connect(url)) {
      assertEquals("127.0.0.1", setting(connection, "listen_addresses"));
      assertEquals("", setting(connection, "unix_socket_directories"), "no socket in the /tmp every user shares");
    }
    var dataDir = claimed.path();
    assertEquals(url.password(), Files.readString(dataDir.resolve(DatabasePassword.FILE)).trim());
    assertEquals(url, PgUrl.parse(Files.readString(EmbeddedDatabase.recordedUrl(dataDir))), "what admin reads");
    assertPrivate(dataDir);
  }

  @Test
  void aServerMadeByAnEarlierVersionIsGivenAPasswordAndKeepsItsData() throws Exception {
    var dataDir = temp.resolve("data");
    Files.createDirectories(dataDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    DataDirectoryTemplate.copyBinariesTo(dataDir);
    // as earlier versions made it: initdb -A trust, files as the umask left them, an address without a password
    try (var earlier = EmbeddedPostgres.builder().setDataDirectory(dataDir.resolve("pg"))
        .setOverrideWorkingDirectory(dataDir.resolve(EmbeddedDatabase.BINARIES).toFile())
        .setCleanDataDirectory(false).setRegisterShutdownHook(false).start();
        var connection = earlier.getPostgresDatabase().getConnection()) {
      connection.createStatement().execute("CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)");
      Files.writeString(EmbeddedDatabase.recordedUrl(dataDir), "postgresql://postgres:@127.0.0.1:"
          + earlier.getPort() + "/postgres\n");
      Files.writeString(dataDir.resolve("postgres.log"), "");
    }

    var claimed = claim("data");
    var upgraded = start(claimed);

    assertRefusesWithoutThePassword(upgraded.url());
    assertEquals(42, keptValue(upgraded.url()));
    assertTrue(Files.readAllLines(dataDir.resolve("pg/pg_hba.conf")).stream()
        .noneMatch(line -> !line.startsWith("#") && line.contains("trust")));
    assertPrivate(dataDir);

    upgraded.close();
    var again = start(claimed);
    assertRefusesWithoutThePassword(again.url());
    assertEquals(42, keptValue(again.url()), "the upgraded server starts as any other");
  }

  @Test
  void aLostPasswordIsSaidAtOnce() throws Exception {
    var claimed = claimMade("data");
    Files.delete(claimed.path().resolve(DatabasePassword.FILE));

    var failure = assertThrows(LauncherException.class, () -> start(claimed));
    assertTrue(failure.getMessage().contains(DatabasePassword.FILE) && failure.getMessage().contains("missing"),
        failure.getMessage());
  }

  private static void assertRefusesWithoutThePassword(PgUrl url) {
    assertThrows(SQLException.class, () -> connect(withPassword(url, "")).close(), "no password");
    var wrong = assertThrows(SQLException.class, () -> connect(withPassword(url, "guess")).close());
    assertEquals("28P01", wrong.getSQLState(), wrong.getMessage());
  }

  private static PgUrl withPassword(PgUrl url, String password) {
    return new PgUrl(url.host(), url.port(), url.database(), url.user(), password);
  }

  private static void assertPrivate(Path dataDir) throws Exception {
    assertEquals("rwx------", permissions(dataDir));
    for (var file : List.of(DatabasePassword.FILE, "postgres.url", "postgres.log")) {
      assertEquals("rw-------", permissions(dataDir.resolve(file)), file);
    }
  }

  private static String permissions(Path path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  private static String setting(Connection connection, String name) throws SQLException {
    try (var rows = connection.createStatement().executeQuery("SHOW " + name)) {
      rows.next();
      return rows.getString(1);
    }
  }

  private static int keptValue(PgUrl url) throws SQLException {
    try (var connection = connect(url); var rows = connection.createStatement().executeQuery("SELECT n FROM kept")) {
      rows.next();
      return rows.getInt(1);
    }
  }

  @Test
  void aFolderPlantedInTheSharedTempDirectoryIsLeftAloneAndItsPidNotSignalled() throws Exception {
    // what anyone may put in zonky's default /tmp/embedded-pg: a stale lock, and a pid file naming a process of ours
    var shared = temp.resolve("tmp");
    var planted = Files.createDirectories(shared.resolve("embedded-pg/planted"));
    var victim = new ProcessBuilder("sleep", "120").start();
    try {
      Files.writeString(planted.resolve("postmaster.pid"), victim.pid() + "\n" + planted + "\n");
      Files.writeString(planted.resolve("PG_VERSION"), "14\n");
      Files.writeString(planted.resolve("epg-lock"), "");
      Files.setLastModifiedTime(planted.resolve("epg-lock"), FileTime.from(Instant.now().minus(Duration.ofHours(1))));
      var claimed = claimMade("data");
      var tmpdir = System.getProperty("java.io.tmpdir");
      System.setProperty("java.io.tmpdir", shared.toString());
      try {
        start(claimed);
      } finally {
        System.setProperty("java.io.tmpdir", tmpdir);
      }

      assertTrue(victim.isAlive(), "the pid the planted folder names was not signalled");
      assertTrue(Files.exists(planted.resolve("epg-lock")), "the planted folder is not ours to delete");
    } finally {
      victim.destroyForcibly();
    }
  }

  /**
   * Another server on the port: zonky used to poll it for 60 s, signing in to it with our password, then fail with
   * its answer. (Against this socket, which never answers, it waited for ever: hence the timeout.)
   */
  @Test
  @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aConfiguredPortInUseIsRefusedAtOnceNamingTheSetting() throws Exception {
    try (var taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      var database = new EmbeddedDatabase(claim("data"), taken.getLocalPort());

      var failure = assertThrows(LauncherException.class, database::start);

      assertEquals("ORGPLANE_EMBEDDED_PG_PORT " + taken.getLocalPort() + " is in use on 127.0.0.1: stop what listens "
          + "there, or choose another port (0 or unset: a free one)", failure.getMessage());
      taken.setSoTimeout(200);
      assertThrows(SocketTimeoutException.class, taken::accept, "nothing connected to whatever listens there");
    }
  }

  /**
   * zonky waited its 60 s for a server that had exited, then reported its last poll's failure, not the reason. The
   * limit stays below those 60 s but leaves room for the first start (up to 30 s on a loaded machine).
   */
  @Test
  @Timeout(value = 50, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aServerThatExitsAsItStartsIsReportedAtOnceWithItsReason() throws Exception {
    var claimed = claimMade("data");
    Files.writeString(claimed.path().resolve("pg/postgresql.conf"), "shared_buffers = 'plenty'\n",
        StandardOpenOption.APPEND);
    var zonky = (Logger) LoggerFactory.getLogger(EmbeddedPostgres.class);
    var level = zonky.getLevel();
    var logged = new ListAppender<ILoggingEvent>();
    logged.start();
    zonky.addAppender(logged);
    LauncherException failure;
    try {
      failure = assertThrows(LauncherException.class, () -> start(claimed));
    } finally {
      zonky.detachAppender(logged);
    }

    assertTrue(failure.getMessage().contains("it exited as it started: configuration file")
        && failure.getMessage().contains("contains errors"), failure.getMessage());
    assertFalse(Thread.currentThread().isInterrupted(), "the interrupt that ended zonky's wait is cleared");
    // the failure is the one error: zonky's "Could not stop postmaster", for the server known gone, is not logged
    assertEquals(List.of(), logged.list.stream().filter(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
        .map(ILoggingEvent::getFormattedMessage).toList());
    assertEquals(level, zonky.getLevel(), "zonky's logger is as it was");
    try (var lockFile = FileChannel.open(claimed.path().resolve("pg/epg-lock"), StandardOpenOption.WRITE);
        var lock = lockFile.tryLock()) {
      assertTrue(lock != null, "zonky let go of the data directory's lock all the same");
    }
  }

  /**
   * zonky's close gave pg_ctl 5 s, then returned with the server running on: standalone exited and let go of the data
   * directory under a server still writing its shutdown checkpoint. A checkpointer held still stands for a slow one.
   */
  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aStopReturnsOnlyOnceTheServerHasExitedHoweverLongItsShutdownTakes() throws Exception {
    var claimed = claimMade("data");
    var database = start(claimed);
    var postmaster = ProcessHandle.of(postmasterPid(claimed.path())).orElseThrow();
    var checkpointer = postmaster.children().filter(child -> commandLine(child).startsWith("postgres: checkpointer"))
        .findFirst().orElseThrow();
    signal("STOP", checkpointer);
    try {
      var stop = CompletableFuture.runAsync(database::close);

      assertThrows(TimeoutException.class, () -> stop.get(6, TimeUnit.SECONDS), "the stop waits past pg_ctl's 5 s");
      assertFalse(Postmaster.hasExited(postmaster));
      signal("CONT", checkpointer);
      stop.get(60, TimeUnit.SECONDS);
      assertTrue(Postmaster.hasExited(postmaster), "the server has exited when the stop returns");
    } finally {
      signal("CONT", checkpointer);
    }
  }

  private static String commandLine(ProcessHandle process) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
    } catch (IOException gone) {
      return "";
    }
  }

  private static void signal(String signal, ProcessHandle process) throws Exception {
    new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
  }

  @Test
  void aPidFileNamingAnotherDirectorysServerStopsNothing() throws Exception {
    var other = claimMade("other");
    var running = start(other);
    var mine = claim("mine");
    Files.createDirectories(mine.path().resolve("pg"));
    Files.copy(other.path().resolve("pg/postmaster.pid"), mine.path().resolve("pg/postmaster.pid"));

    assertThrows(LauncherException.class, () -> start(mine), "the pid file is not this directory's server's");

    try (var connection = connect(running.url())) {
      assertTrue(connection.isValid(2), "the other directory's server runs on");
    }
  }
}
