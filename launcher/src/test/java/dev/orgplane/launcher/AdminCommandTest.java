package dev.orgplane.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.db.PgUrl;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceVerticle;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code orgplane admin} on databases the platform has migrated, or not: operator commands leave the schema be. */
class AdminCommandTest {

  private static final String SCHEMA_OBJECTS = "SELECT (SELECT count(*) FROM information_schema.schemata "
      + "WHERE schema_name = 'org') + (SELECT count(*) FROM information_schema.tables WHERE table_schema = 'org')";

  @RegisterExtension
  final CapturedOutput output = new CapturedOutput();

  @TempDir
  Path temp;

  private int rotateSigningKey(PgUrl database) {
    return Orgplane.commandLine().execute("admin", "--set", "ORGPLANE_PG_URL=" + database, "rotate-signing-key");
  }

  @Test
  void aDatabaseThePlatformHasNotSetUpIsRefusedAndLeftAsItWas() {
    var empty = PgFixture.freshDatabase();

    assertEquals(AdminCommand.NOT_MIGRATED, rotateSigningKey(empty), output.err());

    var printed = output.err();
    // the password left out
    assertTrue(printed.contains("orgplane: the database " + empty.redacted() + " lacks "), printed);
    assertTrue(printed.contains("start the platform"), printed);
    assertEquals(0, PgFixture.queryLong(empty, SCHEMA_OBJECTS), "no schema, no table made");
  }

  @Test
  void aDatabaseAnOlderPlatformMigratedIsRefusedUntilThisOneHas() {
    var older = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    // the newest migration not applied yet, as an older version left the database
    PgFixture.execute(older, "DELETE FROM org.flyway_schema_history WHERE installed_rank = "
        + "(SELECT max(installed_rank) FROM org.flyway_schema_history WHERE version IS NOT NULL)");
    long tables = PgFixture.queryLong(older, SCHEMA_OBJECTS);

    assertEquals(AdminCommand.NOT_MIGRATED, rotateSigningKey(older));

    assertTrue(output.err().contains(" lacks 1 of org-service's migrations"),
        output.err());
    assertEquals(tables, PgFixture.queryLong(older, SCHEMA_OBJECTS));
    assertEquals(0, PgFixture.queryLong(older, "SELECT count(*) FROM org.signing_keys"), "nothing done");
  }

  @Test
  void aDatabaseThePlatformMigratedIsWorkedOn() {
    var migrated = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);

    assertEquals(0, rotateSigningKey(migrated), output.err());

    assertTrue(output.out().startsWith("new signing key "), output.out());
    assertEquals(1, PgFixture.queryLong(migrated, "SELECT count(*) FROM org.signing_keys"));
  }

  /**
   * Picocli subcommands inherit nothing unless told: without admin's scope, the operations' --help listed no code.
   * Admin's list has them all, saying which operations refuse an unverified address; every operation listed that 77
   * too (session 49), though only the two appointing an admin can return it.
   */
  @Test
  void theHelpOfAdminAndOfEachOperationListsTheCodesItExitsWith() {
    var codes = List.of(0, 1, Orgplane.USAGE_ERROR, AdminCommand.PLATFORM_NOT_RUNNING, AdminCommand.NOT_MIGRATED);
    var withUnverified = new ArrayList<>(codes);
    withUnverified.add(AdminCommand.EMAIL_NOT_VERIFIED);

    var admin = HelpedExitCodes.of("admin");
    assertEquals(withUnverified, List.copyOf(admin.meanings().keySet()), admin.toString());
    assertEquals(AdminCommand.EMAIL_NOT_VERIFIED, admin.code("make-platform-admin and grant-group-admin only: "
        + "the account's address is not verified"), admin.toString());

    for (var appointment : List.of("make-platform-admin", "grant-group-admin")) {
      var listed = HelpedExitCodes.of("admin", appointment);
      assertEquals(withUnverified, List.copyOf(listed.meanings().keySet()), listed.toString());
      assertEquals(AdminCommand.EMAIL_NOT_VERIFIED, listed.code("the account's address is not verified"));
      // the footer that follows the list is no part of its last code's meaning
      assertTrue(listed.meanings().get(AdminCommand.EMAIL_NOT_VERIFIED).endsWith("nothing was done (EX_NOPERM)"),
          listed.toString());
      assertEquals(0, listed.code("done, or nothing to change"), listed.toString());
    }
    for (var operation : List.of("rotate-signing-key", "revoke-group-admin", "end-sessions")) {
      var listed = HelpedExitCodes.of("admin", operation);
      assertEquals(codes, List.copyOf(listed.meanings().keySet()), listed.toString());
      assertEquals(0, listed.code("done, said on stdout"), listed.toString());
    }
  }

  /** An operation's help shows its own options only: admin's --set, taken before the operation's name, was nowhere. */
  @Test
  void theHelpOfEachOperationSaysAdminsOptionsGoBeforeIt() {
    for (var operation : List.of("rotate-signing-key", "grant-group-admin", "revoke-group-admin",
        "make-platform-admin", "end-sessions")) {
      var help = HelpedExitCodes.of("admin", operation).toString();

      assertTrue(help.contains("Admin's options (-s, --set"), help);
      assertTrue(help.contains("  orgplane admin --set KEY=VALUE " + operation + " ..."), help);
    }
  }

  /** A script tells the failures apart by the codes the help states: the platform not running, the schema missing. */
  @Test
  void theCodesTheHelpStatesAreTheOnesAFailureExitsWith() {
    var listed = HelpedExitCodes.of("admin", "rotate-signing-key");

    int exit = Orgplane.commandLine().execute("admin", "--set", "ORGPLANE_DATA_DIR=" + temp, "rotate-signing-key");
    assertEquals(listed.code("no standalone platform or orgplane database runs"), exit, output.err());

    assertEquals(listed.code("the database lacks org-service's migrations"),
        rotateSigningKey(PgFixture.freshDatabase()), output.err());
  }

  /** Whoever registered someone's address, never confirming it, is not made a platform admin under that address. */
  @Test
  void anAccountWhoseAddressIsNotVerifiedIsNotMadeAPlatformAdmin() {
    var migrated = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    PgFixture.execute(migrated, "INSERT INTO org.users (id, email, name, password_hash) "
        + "VALUES (gen_random_uuid(), 'owner@test.local', 'Not the owner', 'x')");

    assertRefusedUntilVerified(migrated, "SELECT count(*) FROM org.users WHERE platform_admin",
        "owner@test.local is now a platform admin", "owner@test.local is already a platform admin; nothing changed",
        "make-platform-admin", "--email", "owner@test.local");
  }

  /** Whoever registered someone's address, never confirming it, is not made a group admin under that address. */
  @Test
  void anAccountWhoseAddressIsNotVerifiedIsNotMadeAGroupAdmin() {
    var migrated = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var group = "00000000-0000-7000-8000-0000000000a2";
    PgFixture.execute(migrated, "INSERT INTO org.organization_groups (id, name) VALUES ('" + group + "', 'G')",
        "INSERT INTO org.users (id, email) VALUES ('00000000-0000-7000-8000-0000000000b2', 'owner@test.local')");

    assertRefusedUntilVerified(migrated, "SELECT count(*) FROM org.group_admins",
        "owner@test.local is now an admin of group " + group,
        "owner@test.local is already an admin of group " + group + "; nothing changed",
        "grant-group-admin", "--group", group, "--email", "owner@test.local");
  }

  /**
   * Runs {@code command} (an appointment of owner@test.local, the one account in {@code migrated}) three times: refused
   * (exit 77, saying why, {@code appointed} counting none) while the address is unverified, done once it is, and
   * then, the rights held, saying nothing changed ({@code held}: it said it had made the admin again).
   */
  private void assertRefusedUntilVerified(PgUrl migrated, String appointed, String done, String held,
      String... command) {
    var args = new ArrayList<>(List.of("admin", "--set", "ORGPLANE_PG_URL=" + migrated));
    args.addAll(List.of(command));

    int exit = Orgplane.commandLine().execute(args.toArray(new String[0]));

    assertEquals(AdminCommand.EMAIL_NOT_VERIFIED, exit, output.err());
    assertTrue(output.err().startsWith("orgplane: owner@test.local's address is not verified: "), output.err());
    assertTrue(output.err().strip().endsWith("run this again once it is"), output.err());
    assertEquals("", output.out());
    assertEquals(0, PgFixture.queryLong(migrated, appointed));

    PgFixture.execute(migrated, "UPDATE org.users SET email_verified_at = now()");
    output.reset();
    assertEquals(0, Orgplane.commandLine().execute(args.toArray(new String[0])), output.err());
    assertEquals(done, output.out().strip());
    assertEquals(1, PgFixture.queryLong(migrated, appointed));

    output.reset();
    assertEquals(0, Orgplane.commandLine().execute(args.toArray(new String[0])), output.err());
    assertEquals(held, output.out().strip());
    assertEquals(1, PgFixture.queryLong(migrated, appointed));
  }

  /** As the API answers 404 {@code admin_not_found}: told it was done, the operator would miss a mistyped group. */
  @Test
  void revokingAGroupAdminWhoIsNoneSaysSoAndFails() {
    var migrated = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var group = "00000000-0000-7000-8000-0000000000a1";
    PgFixture.execute(migrated, "INSERT INTO org.organization_groups (id, name) VALUES ('" + group + "', 'G')",
        "INSERT INTO org.users (id, email) VALUES ('00000000-0000-7000-8000-0000000000b1', 'bob@test.local')");

    int exit = Orgplane.commandLine().execute("admin", "--set", "ORGPLANE_PG_URL=" + migrated, "revoke-group-admin",
        "--group", group, "--email", "bob@test.local");

    assertEquals(1, exit, output.out());
    assertTrue(output.err().contains("orgplane: bob@test.local is not an admin of group " + group
        + "; nothing changed"), output.err());
    assertFalse(output.out().contains("no longer an admin"), output.out());
  }

  /**
   * A group is named as written: picocli's {@link java.util.UUID#fromString} read {@code 1-1-1-1-1} as the group
   * {@code 00000001-0001-0001-0001-000000000001}, and the operator appointed or removed an admin of a group they had
   * not named.
   */
  @Test
  void aGroupIsNamedByItsIdAsWritten() {
    var migrated = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    PgFixture.execute(migrated, "INSERT INTO org.organization_groups (id, name) "
            + "VALUES ('00000001-0001-0001-0001-000000000001', 'G')",
        "INSERT INTO org.users (id, email, email_verified_at) "
            + "VALUES ('00000000-0000-7000-8000-0000000000b3', 'ann@test.local', now())",
        "INSERT INTO org.users (id, email, email_verified_at) "
            + "VALUES ('00000000-0000-7000-8000-0000000000b4', 'bob@test.local', now())",
        "INSERT INTO org.group_admins (group_id, user_id) "
            + "VALUES ('00000001-0001-0001-0001-000000000001', '00000000-0000-7000-8000-0000000000b4')");
    var admins = "SELECT string_agg(user_id::text, ',') FROM org.group_admins";

    for (var command : List.of(List.of("grant-group-admin", "--email", "ann@test.local"),
        List.of("revoke-group-admin", "--email", "bob@test.local"))) {
      var args = new ArrayList<>(List.of("admin", "--set", "ORGPLANE_PG_URL=" + migrated));
      args.addAll(command);
      args.addAll(List.of("--group", "1-1-1-1-1"));
      output.reset();

      assertEquals(Orgplane.USAGE_ERROR, Orgplane.commandLine().execute(args.toArray(new String[0])), output.out());

      assertTrue(output.err().contains("'1-1-1-1-1' is not an id"), output.err());
      assertEquals("00000000-0000-7000-8000-0000000000b4", PgFixture.queryString(migrated, admins), "nothing changed");
    }
  }

  /**
   * The provisioning engine's identity has no address to name: its sessions (a token of a leaked secret) end by its
   * id, which is read as written, and one naming no account says so and fails.
   */
  @Test
  void sessionsEndByTheAccountsIdAsWritten() {
    var migrated = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var engine = "00000000-0000-7000-8000-0000000000e1";
    PgFixture.execute(migrated,
        "INSERT INTO org.users (id, name, provisioner) VALUES ('" + engine + "', 'engine', true)");
    var ended = "SELECT count(*) FROM org.users WHERE sessions_ended_at IS NOT NULL";

    assertEquals(Orgplane.USAGE_ERROR, endSessions(migrated, "--user-id", "1-1-1-1-1"), output.err());
    assertTrue(output.err().contains("'1-1-1-1-1' is not an id"), output.err());
    assertEquals(Orgplane.USAGE_ERROR,
        endSessions(migrated, "--user-id", engine, "--email", "someone@test.local"), output.err());
    output.reset();
    assertEquals(1, endSessions(migrated, "--user-id", "00000000-0000-7000-8000-0000000000e2"), output.out());
    assertEquals("orgplane: no user with id 00000000-0000-7000-8000-0000000000e2", output.err().strip());
    assertEquals(0, PgFixture.queryLong(migrated, ended), "nothing done");

    assertEquals(0, endSessions(migrated, "--user-id", engine.toUpperCase()), output.err());

    assertEquals(engine + "'s sessions are ended (every service refuses their tokens within "
        + "ORGPLANE_REVOCATION_RELOAD_MILLIS)", output.out().strip());
    assertEquals(1, PgFixture.queryLong(migrated, ended));
  }

  private int endSessions(PgUrl database, String... owner) {
    var args = new ArrayList<>(List.of("admin", "--set", "ORGPLANE_PG_URL=" + database, "end-sessions"));
    args.addAll(List.of(owner));
    return Orgplane.commandLine().execute(args.toArray(new String[0]));
  }

  /**
   * The refusal names {@code orgplane database} beside standalone, as either holds the data directory and records its
   * database's address: until session 46 it named standalone alone.
   */
  @Test
  void theAddressAStoppedPlatformRecordedIsNotConnectedTo() throws Exception {
    try (var listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      // as a stopped standalone may have left it (a kill -9): its lock file, unlocked, and its address, now anyone's
      Files.writeString(temp.resolve("orgplane.lock"), "");
      Files.writeString(EmbeddedDatabase.recordedUrl(temp),
          new PgUrl("127.0.0.1", listener.getLocalPort(), "postgres", "postgres", "secret") + "\n");

      int exit = Orgplane.commandLine().execute("admin", "--set", "ORGPLANE_DATA_DIR=" + temp, "rotate-signing-key");

      assertEquals(AdminCommand.PLATFORM_NOT_RUNNING, exit, output.err());
      assertEquals("orgplane: neither a standalone platform nor orgplane database runs on " + temp
          + " (ORGPLANE_DATA_DIR): start one, or set ORGPLANE_PG_URL, then run this again", output.err().strip());
      assertFalse(output.err().contains("secret"), output.err());
      listener.setSoTimeout(200);
      assertThrows(SocketTimeoutException.class, listener::accept, "nothing connected to the recorded address");
    }
  }

  /** It used to say to start the platform, which runs. */
  @Test
  void aRunningStandaloneThatRecordedNoDatabaseHasTheOperatorNameIt() throws Exception {
    try (var claimed = DataDirectory.claim(temp)) {
      int exit = Orgplane.commandLine().execute("admin", "--set", "ORGPLANE_DATA_DIR=" + temp, "rotate-signing-key");

      assertEquals(1, exit, output.err());
      assertEquals("orgplane: the standalone platform or orgplane database running on " + temp + " (ORGPLANE_DATA_DIR) "
          + "has recorded no database: a platform given ORGPLANE_PG_URL uses the one it names (set ORGPLANE_PG_URL "
          + "here too), or the embedded PostgreSQL has not started yet (run this again once it is up)",
          output.err().strip());
    }
  }

  @Test
  void aRunningStandalonesDatabaseIsWorkedOnAndItsAddressGoesWhenItStops() throws Exception {
    DataDirectoryTemplate.copyTo(temp);
    try (var claimed = DataDirectory.claim(temp)) {
      var database = EmbeddedDatabaseTest.started(claimed);
      try {
        int exit = Orgplane.commandLine().execute("admin", "--set", "ORGPLANE_DATA_DIR=" + temp, "rotate-signing-key");

        assertEquals(AdminCommand.NOT_MIGRATED, exit, "found, and refused only for its schema: " + output.err());
      } finally {
        database.close();
      }
      assertFalse(Files.exists(EmbeddedDatabase.recordedUrl(temp)), "a clean stop leaves no address behind");
    }
  }
}
