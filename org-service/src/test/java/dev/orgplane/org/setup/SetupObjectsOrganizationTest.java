package dev.orgplane.org.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.orgplane.kit.db.PgUrl;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceVerticle;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Setup objects check their organization once per statement instead of by a row-level foreign key
 * (migration V12); the database must still refuse, lock and cascade as the foreign key did.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SetupObjectsOrganizationTest {

  private PgUrl db;

  @BeforeAll
  void database() {
    db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
  }

  @Test
  void aStatementNamingAMissingOrganizationFailsAsTheForeignKeyDid() throws SQLException {
    var org = organization();
    try (var conn = connect()) {
      var refused = assertThrows(SQLException.class, () -> conn.createStatement().execute(
          "INSERT INTO org.queues (org_id, id, name, workspace_id, schema_id) VALUES ('" + org + "', gen_random_uuid(), "
              + "'q', gen_random_uuid(), gen_random_uuid()), ('" + UUID.randomUUID() + "', gen_random_uuid(), 'q', "
              + "gen_random_uuid(), gen_random_uuid())"));
      assertEquals("23503", refused.getSQLState());
      assertEquals("queues_org_id_fkey", ((org.postgresql.util.PSQLException) refused).getServerErrorMessage()
          .getConstraint());
      assertEquals(0, count(conn, "SELECT count(*) FROM org.queues WHERE org_id = '" + org + "'"),
          "the whole statement is refused, not only the row of the missing organization");
    }
  }

  @Test
  void anObjectNeverMovesToAnotherOrganization() throws SQLException {
    var org = organization();
    var other = organization();
    try (var conn = connect()) {
      conn.createStatement().execute("INSERT INTO org.workspaces (org_id, id, name) VALUES ('" + org + "', gen_random_uuid(), 'w')");
      var refused = assertThrows(SQLException.class, () -> conn.createStatement().execute(
          "UPDATE org.workspaces SET org_id = '" + other + "' WHERE org_id = '" + org + "'"));
      assertEquals("23503", refused.getSQLState());
      conn.createStatement().execute("UPDATE org.workspaces SET name = 'renamed' WHERE org_id = '" + org + "'");
    }
  }

  @Test
  void deletingAnOrganizationDeletesItsSetupObjectsAndNoOneElses() throws SQLException {
    var doomed = organization();
    var kept = organization();
    try (var conn = connect()) {
      for (var org : new UUID[] {doomed, kept}) {
        fill(conn, org);
      }
      conn.createStatement().execute("DELETE FROM org.organizations WHERE id = '" + doomed + "'");
      for (var table : new String[] {"workspaces", "schemas", "queues", "hooks"}) {
        assertEquals(0, count(conn, "SELECT count(*) FROM org." + table + " WHERE org_id = '" + doomed + "'"), table);
        assertEquals(1, count(conn, "SELECT count(*) FROM org." + table + " WHERE org_id = '" + kept + "'"), table);
      }
    }
  }

  /** The check's lock: a deletion waits for a transaction writing into the organization, then deletes what it wrote. */
  @Test
  void aDeletionWaitsForAWriterAndTakesItsObjectsAlong() throws Exception {
    var org = organization();
    try (var writer = connect(); var deleter = connect()) {
      writer.setAutoCommit(false);
      writer.createStatement().execute("INSERT INTO org.schemas (org_id, id, name, content) VALUES ('" + org
          + "', gen_random_uuid(), 's', '{}')");
      var deletion = CompletableFuture.runAsync(() -> {
        try {
          deleter.createStatement().execute("DELETE FROM org.organizations WHERE id = '" + org + "'");
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      assertThrows(TimeoutException.class, () -> deletion.get(500, TimeUnit.MILLISECONDS));
      assertFalse(deletion.isDone());
      writer.commit();
      deletion.get(10, TimeUnit.SECONDS);
      assertEquals(0, count(writer, "SELECT count(*) FROM org.schemas WHERE org_id = '" + org + "'"));
    }
  }

  private UUID organization() {
    var group = UUID.randomUUID();
    var org = UUID.randomUUID();
    PgFixture.execute(db, "INSERT INTO org.organization_groups (id, name) VALUES ('" + group + "', 'g-" + group + "')",
        "INSERT INTO org.organizations (id, name, title, group_id) VALUES ('" + org + "', 'o-" + org + "', 'O', '"
            + group + "')");
    return org;
  }

  private static void fill(Connection conn, UUID org) throws SQLException {
    var ws = UUID.randomUUID();
    var schema = UUID.randomUUID();
    var queue = UUID.randomUUID();
    var st = conn.createStatement();
    st.execute("INSERT INTO org.workspaces (org_id, id, name) VALUES ('" + org + "', '" + ws + "', 'w')");
    st.execute("INSERT INTO org.schemas (org_id, id, name, content) VALUES ('" + org + "', '" + schema + "', 's', '{}')");
    st.execute("INSERT INTO org.queues (org_id, id, name, workspace_id, schema_id) VALUES ('" + org + "', '" + queue
        + "', 'q', '" + ws + "', '" + schema + "')");
    st.execute("INSERT INTO org.hooks (org_id, id, name, url, queue_ids, secret) VALUES ('" + org + "', gen_random_uuid(), "
        + "'h', 'https://example.com', '{" + queue + "}', 'x')");
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
  }

  private static long count(Connection conn, String sql) throws SQLException {
    try (var rows = conn.createStatement().executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
