package dev.orgplane.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.db.PgUrl;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code orgplane database} run as a process of its own, as an operator trying the services apart runs it. */
class DatabaseProcessTest {

  @TempDir
  Path temp;

  /** A test that failed may have left a server behind: it goes, so the next tests do not share the machine with it. */
  @AfterEach
  void stopLeftServer() {
    Postmaster.stopOrphan(temp.resolve("data/pg"), "a test left running");
  }

  @Test
  void theDatabaseAloneServesAtTheUrlItPrintsAndStopsWithItsProcess() throws Exception {
    var dataDir = temp.resolve("data");
    DataDirectoryTemplate.copyTo(dataDir);
    long postmaster;
    try (var database = OrgplaneProcess.start(temp.resolve("database.out"), "database",
        "--set", "ORGPLANE_DATA_DIR=" + dataDir)) {
      database.awaitOutput("export ORGPLANE_PG_URL", 120);
      var printed = database.output().lines().filter(line -> line.startsWith("  ORGPLANE_PG_URL=")).findFirst()
          .orElseThrow().replaceFirst(" *ORGPLANE_PG_URL=", "");
      assertTrue(printed.contains(":PASSWORD@"), "the password is not printed: " + printed);
      var password = Files.readString(dataDir.resolve(DatabasePassword.FILE)).trim();
      var url = PgUrl.parse(printed.replace("PASSWORD", password));
      assertEquals(url, PgUrl.parse(Files.readString(dataDir.resolve(EmbeddedDatabase.RECORDED_URL))),
          "the whole URL is recorded for admin, and for an export");
      try (var connection = EmbeddedDatabaseTest.connect(url);
          var rows = connection.createStatement().executeQuery("SELECT 1")) {
        assertTrue(rows.next());
      }
      postmaster = EmbeddedDatabaseTest.postmasterPid(dataDir);

      database.process().destroy();
      assertEquals(HelpedExitCodes.of("database").code("stopped by SIGTERM"),
          database.exitWithin(90), database.output());
      assertFalse(database.output().contains("orgplane:"), "a stop asked for is no failure:\n" + database.output());
    }
    assertTrue(ProcessHandle.of(postmaster).map(Postmaster::hasExited).orElse(true),
        "the process exits once its database has");
    assertFalse(Files.exists(dataDir.resolve(EmbeddedDatabase.RECORDED_URL)), "no address outlives its server");
    assertFalse(DataDirectory.inUse(dataDir));
  }

  @Test
  void aDataDirectoryAStandaloneHoldsIsRefusedAndLeftAlone() throws Exception {
    var dataDir = temp.resolve("data");
    DataDirectoryTemplate.copyTo(dataDir);
    try (var claimed = DataDirectory.claim(dataDir);
        var database = OrgplaneProcess.start(temp.resolve("database.out"), "database",
            "--set", "ORGPLANE_DATA_DIR=" + dataDir)) {
      assertEquals(1, database.exitWithin(60), database.output());
      var lines = database.output().lines().filter(line -> line.startsWith("orgplane:")).toList();
      assertEquals(1, lines.size(), database.output());
      assertTrue(lines.get(0).contains(dataDir.toString()) && lines.get(0).contains("in use"), lines.get(0));
      assertFalse(Files.exists(dataDir.resolve("pg/postmaster.pid")), "no server was started");
    }
  }
}
