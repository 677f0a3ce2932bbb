package dev.orgplane.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.db.PgUrl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
  void theServerRunsBinariesOnlyThisUserCanChange() throws Exception {
    var claimed = claim("data");
    start(claimed);

    var binaries = claimed.path().resolve(EmbeddedDatabase.BINARIES);
    var postmaster = ProcessHandle.of(postmasterPid(claimed.path())).orElseThrow().info().command().orElseThrow();
    assertTrue(postmaster.startsWith(binaries + "/"), postmaster);
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(binaries)));
  }

  @Test
  void aPidFileNamingAnotherDirectorysServerStopsNothing() throws Exception {
    var other = claim("other");
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
