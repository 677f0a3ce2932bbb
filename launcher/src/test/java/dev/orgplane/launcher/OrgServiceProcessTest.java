package dev.orgplane.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.db.PgUrl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code orgplane org-service} run as a process of its own, as an operator runs it. */
class OrgServiceProcessTest {

  @TempDir
  Path temp;

  /**
   * The admin used to be committed first and its password printed after, kept wherever the output went, when the
   * data directory could not take it.
   */
  @Test
  void aGeneratedAdminPasswordThatCannotBeWrittenStopsTheStartAndMakesNoAdmin() throws Exception {
    // a server of its own, as standalone's: the tests' shared one (PgFixture), started in this JVM when there is no
    // Docker, would leave its binaries in /tmp/embedded-pg to every embedded server started after it (zonky keeps them)
    DataDirectoryTemplate.copyTo(temp.resolve("database"));
    try (var claimed = DataDirectory.claim(temp.resolve("database"));
        var database = EmbeddedDatabaseTest.started(claimed)) {
      assertStopsWithoutAdmin(database.url());
    }
  }

  private void assertStopsWithoutAdmin(PgUrl database) throws Exception {
    // a file where the data directory would be made: nothing can be written under it
    var dataDir = Files.writeString(temp.resolve("a-file"), "").resolve("data");
    var environment = Map.of("ORGPLANE_PG_URL", database.toString(), "ORGPLANE_DATA_DIR", dataDir.toString());

    try (var orgService = OrgplaneProcess.start(temp.resolve("org-service.out"), environment, "org-service",
        "--set", "ORGPLANE_ENGINE_CLIENT_SECRET=x", "--set", "ORGPLANE_HTTP_HOST=127.0.0.1",
        "--set", "ORGPLANE_ORG_SERVICE_PORT=" + OrgplaneProcess.freePort())) {
      assertEquals(1, orgService.exitWithin(90), orgService.output());
      var output = orgService.output();
      var lines = output.lines().filter(line -> line.startsWith("orgplane:")).toList();
      assertEquals(1, lines.size(), output);
      assertTrue(lines.get(0).contains(dataDir.resolve(AdminPasswordFile.FILE).toString())
          && lines.get(0).endsWith("set ORGPLANE_ADMIN_PASSWORD or make ORGPLANE_DATA_DIR writable"), lines.get(0));
      assertFalse(output.contains("Orgplane platform admin"), output);
    }
    try (var connection = EmbeddedDatabaseTest.connect(database);
        var admins = connection.createStatement().executeQuery("SELECT count(*) FROM org.users WHERE platform_admin")) {
      admins.next();
      assertEquals(0, admins.getLong(1), "the next start makes the admin, and tells its password");
    }
  }
}
