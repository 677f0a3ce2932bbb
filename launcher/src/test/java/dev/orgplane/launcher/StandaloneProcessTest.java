package dev.orgplane.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.db.PgUrl;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code orgplane standalone} run as processes of their own, as an operator runs it. */
class StandaloneProcessTest {

  @TempDir
  Path temp;

  /** A test that failed may have left a server behind: it goes, so the next tests do not share the machine with it. */
  @AfterEach
  void stopLeftServer() {
    Postmaster.stopOrphan(temp.resolve("data/pg"), "a test left running");
  }

  @Test
  void aServerLeftByAKilledStandaloneIsStoppedFastAndItsDataKept() throws Exception {
    var dataDir = temp.resolve("data");
    long survivor;
    Connection client;
    DataDirectoryTemplate.copyTo(dataDir);
    try (var killed = OrgplaneProcess.standalone(dataDir, temp.resolve("killed.out"))) {
      killed.awaitOutput("Orgplane is up", 120);
      client = EmbeddedDatabaseTest.connect(PgUrl.parse(Files.readString(dataDir.resolve("postgres.url"))));
      client.createStatement().execute("CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)");
      survivor = EmbeddedDatabaseTest.postmasterPid(dataDir);
      killed.process().destroyForcibly().waitFor();
    }
    assertTrue(ProcessHandle.of(survivor).map(ProcessHandle::isAlive).orElse(false),
        "pg_ctl starts the postmaster in a session of its own: it outlives a kill -9");

    long startedAt = System.nanoTime();
    try (var claimed = DataDirectory.claim(dataDir); var next = EmbeddedDatabaseTest.started(claimed)) {
      assertTrue(System.nanoTime() - startedAt < 30_000_000_000L,
          "a fast shutdown ends the sessions; a smart one waits for the client, which never leaves");
      assertTrue(ProcessHandle.of(survivor).map(Postmaster::hasExited).orElse(true));
      assertFalse(client.isValid(2), "the survivor's sessions were ended");
      try (var connection = EmbeddedDatabaseTest.connect(next.url());
          var rows = connection.createStatement().executeQuery("SELECT n FROM kept")) {
        assertTrue(rows.next());
        assertEquals(42, rows.getInt(1), "what the survivor committed is kept");
      }
    }
  }

  /**
   * A standalone on another database used to leave a killed one's address and server be: admin took them for the
   * running platform's, and worked on them (a rotated key never reached the platform's JWKS), exiting 0.
   */
  @Test
  void aStandaloneOnAnotherDatabaseRemovesTheAddressAndServerAKilledOneLeft() throws Exception {
    var dataDir = temp.resolve("data");
    // before the embedded server below: zonky keeps the binaries it extracted for every later server of this JVM,
    // whatever their working directory, and the test's binaries go with its folder
    var another = PgFixture.freshDatabase();
    long leftover;
    var killed = DataDirectory.claim(dataDir);
    DataDirectoryTemplate.copyTo(dataDir);
    // as a kill -9 leaves it: the directory's lock gone with its process, its server running and its address recorded
    var notStopped = EmbeddedDatabaseTest.started(killed);
    try {
      leftover = EmbeddedDatabaseTest.postmasterPid(dataDir);
      killed.close();

      try (var next = OrgplaneProcess.standalone(dataDir, temp.resolve("next.out"),
          "--set", "ORGPLANE_PG_URL=" + another)) {
        next.awaitOutput("Orgplane is up", 120);

        assertFalse(Files.exists(EmbeddedDatabase.recordedUrl(dataDir)), "no address but of a running platform's");
        assertTrue(ProcessHandle.of(leftover).map(Postmaster::hasExited).orElse(true), "the leftover server stopped");
      }
    } finally {
      notStopped.close();
    }
  }

  /** Each service found its settings out of range after initdb, leaving the embedded server's files behind. */
  @ParameterizedTest
  @CsvSource({
      "ORGPLANE_HTTP_PORT=0, 'ORGPLANE_HTTP_PORT must be 1 to 65535, got 0'",
      "ORGPLANE_ENGINE_WORKERS=-1, ORGPLANE_ENGINE_WORKERS",
      "ORGPLANE_RATE_LIMIT_BURST=0, 'ORGPLANE_RATE_LIMIT_BURST must be at least 1, got 0'",
      "ORGPLANE_TOKEN_TTL_SECONDS=0, ORGPLANE_TOKEN_TTL_SECONDS"})
  void aSettingOutOfRangeStopsTheStartBeforeTheDatabaseIsMade(String setting, String named) throws Exception {
    var dataDir = temp.resolve("data");
    try (var standalone = OrgplaneProcess.standalone(dataDir, temp.resolve("refused.out"), "--set", setting)) {
      assertEquals(1, standalone.exitWithin(60), standalone.output());
      assertTrue(standalone.output().contains(named), standalone.output());
    }
    assertFalse(Files.exists(dataDir.resolve("pg")), "no database made for a start refused");
  }

  @Test
  void aStopWhileThePlatformStartsStopsItsDatabase() throws Exception {
    var dataDir = temp.resolve("data");
    long postmaster;
    DataDirectoryTemplate.copyTo(dataDir);
    try (var starting = OrgplaneProcess.standalone(dataDir, temp.resolve("starting.out"))) {
      postmaster = awaitReadyPostmaster(dataDir, starting);
      starting.process().destroy();
      starting.exitWithin(60);
      assertFalse(starting.output().contains("Orgplane is up"), "stopped while it started:\n" + starting.output());
      assertFalse(starting.output().contains("cannot start"), "a stop asked for is no failed start:\n"
          + starting.output());
    }
    assertTrue(ProcessHandle.of(postmaster).map(Postmaster::hasExited).orElse(true),
        "the process exits once its database has");
  }

  /** The pid of the postmaster once it accepts connections: the platform's services start next. */
  private static long awaitReadyPostmaster(Path dataDir, OrgplaneProcess starting) throws Exception {
    var pidFile = dataDir.resolve("pg/postmaster.pid");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline && starting.process().isAlive()) {
      try {
        var lines = Files.readAllLines(pidFile);
        if (lines.size() > 7 && lines.get(7).trim().equals("ready")) {
          return Long.parseLong(lines.get(0).trim());
        }
      } catch (IOException e) {
        // not there yet
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no postmaster ready:\n" + starting.output());
  }

  @Test
  void aSecondStandaloneOnTheSameDataDirectoryFailsAndTheFirstKeepsServing() throws Exception {
    var dataDir = temp.resolve("data");
    DataDirectoryTemplate.copyTo(dataDir);
    try (var claimed = DataDirectory.claim(dataDir); var database = EmbeddedDatabaseTest.started(claimed)) {
      long pid = EmbeddedDatabaseTest.postmasterPid(dataDir);

      try (var second = OrgplaneProcess.standalone(dataDir, temp.resolve("second.out"))) {
        assertEquals(1, second.exitWithin(60), second.output());
        var lines = second.output().lines().filter(line -> line.startsWith("orgplane:")).toList();
        assertEquals(1, lines.size(), second.output());
        assertTrue(lines.get(0).contains(dataDir.toString()) && lines.get(0).contains("in use"), lines.get(0));
      }

      assertEquals(pid, EmbeddedDatabaseTest.postmasterPid(dataDir));
      try (var connection = EmbeddedDatabaseTest.connect(database.url())) {
        assertTrue(connection.isValid(2), "the first one's database serves on");
      }
    }
  }

  /**
   * One first start on a new data directory, with settings standalone chooses given blank: the tests that only look at
   * the platform it started share it, a start (initdb, migrations) each cost 10 s.
   */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class AFirstStartWithBlankSettings {

    /** The class's: it is deleted once the last of its tests has run. */
    private Path shared;
    private OrgplaneProcess standalone;

    @BeforeAll
    void start(@TempDir Path shared) throws InterruptedException {
      this.shared = shared;
      standalone = OrgplaneProcess.standalone(shared.resolve("data"), shared.resolve("standalone.out"),
          "--set", "ORGPLANE_PUBLIC_URL=", "--set", "ORGPLANE_HOOKS_ALLOW_PRIVATE_URLS=");
      standalone.awaitOutput("Orgplane is up", 120);
    }

    @AfterAll
    void stop() throws InterruptedException {
      standalone.close();
      Postmaster.stopOrphan(shared.resolve("data/pg"), "a test left running");
    }

    /** Blank, as if unset: standalone used to keep them blank, and stop on "ORGPLANE_PUBLIC_URL is not set". */
    @Test
    void blankSettingsStandaloneChoosesAreChosen() throws Exception {
      var gateway = standalone.gatewayUrl();
      var discovery = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(gateway + "/.well-known/openid-configuration")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(gateway, new JsonObject(discovery.body()).getString("issuer"), discovery.body());
    }

    /**
     * Shown on a standalone of its own, as an operator runs it: zonky runs the binaries it extracted first in a JVM for
     * every later server of that JVM while they exist, so in the tests' JVM a server could run another test's.
     */
    @Test
    void theServerRunsBinariesOnlyThisUserCanChange() throws Exception {
      var dataDir = shared.resolve("data");
      var binaries = dataDir.resolve(EmbeddedDatabase.BINARIES);
      var postmaster = ProcessHandle.of(EmbeddedDatabaseTest.postmasterPid(dataDir)).orElseThrow().info().command()
          .orElseThrow();
      assertTrue(postmaster.startsWith(binaries + "/"), postmaster);
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(binaries)));
    }

    @Test
    void theGeneratedAdminPasswordIsWrittenToAPrivateFileAndNotPrinted() throws Exception {
      var file = shared.resolve("data").resolve(AdminPasswordFile.FILE);
      var password = Files.readString(file).trim();
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
      var output = standalone.output();
      assertFalse(output.contains(password), "the password is not in the output:\n" + output);
      assertTrue(output.contains("Orgplane platform admin: admin@orgplane.local, its password in "
          + file.toAbsolutePath().normalize()), output);
      var gateway = standalone.gatewayUrl();
      var signIn = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gateway + "/v1/auth/token"))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&username=admin%40orgplane.local&password="
              + URLEncoder.encode(password, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, signIn.statusCode(), "the file's password is the admin's: " + signIn.body());
    }
  }
}
