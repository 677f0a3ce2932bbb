package dev.orgplane.org.provisioner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.MigrationRows;
import dev.orgplane.org.OrgServiceVerticle;
import org.junit.jupiter.api.Test;

/**
 * V55 registers the ids of every kind's objects in one table. An id two kinds shared before it is the oldest
 * object's: the migration keeps the others as they are, and deleting one of them frees nothing.
 */
class ObjectIdsMigrationTest {

  private static final String ORG = MigrationRows.ORG;
  private static final String SHARED = "'00000000-0000-7000-8000-000000000003'";
  private static final String SCHEMA = "'00000000-0000-7000-8000-000000000004'";
  private static final String TEAM = "'00000000-0000-7000-8000-000000000005'";

  @Test
  void existingIdsAreRegisteredTheOldestObjectKeepingAnIdKindsShared() {
    var db = PgFixture.databaseAt(OrgServiceVerticle.MIGRATIONS, 54);
    MigrationRows.anOrganization(db);
    PgFixture.execute(db,
        "INSERT INTO org.roles (id, org_id, name, permissions, created_at) VALUES (" + SHARED + ", " + ORG
            + ", 'newer', '{}', '2021-01-01')",
        "INSERT INTO org.workspaces (org_id, id, name, created_at) VALUES (" + ORG + ", " + SHARED
            + ", 'older', '2020-01-01')",
        "INSERT INTO org.schemas (org_id, id, name, content) VALUES (" + ORG + ", " + SCHEMA + ", 's', '{}')",
        "INSERT INTO org.teams (org_id, id, name) VALUES (" + ORG + ", " + TEAM + ", 't')");

    OrgServiceVerticle.MIGRATIONS.applyTo(db);

    assertEquals(3, PgFixture.queryLong(db, "SELECT count(*) FROM org.object_ids"));
    assertEquals("workspaces", PgFixture.queryString(db, "SELECT kind FROM org.object_ids WHERE id = " + SHARED));
    assertEquals("teams", PgFixture.queryString(db, "SELECT kind FROM org.object_ids WHERE id = " + TEAM));
    var refused = assertThrows(IllegalStateException.class, () -> PgFixture.execute(db,
        "INSERT INTO org.queues (org_id, id, name, workspace_id, schema_id) VALUES (" + ORG + ", " + TEAM + ", 'q', "
            + SHARED + ", " + SCHEMA + ")"));
    assertTrue(refused.getMessage().contains("object_ids_pkey"), refused.getMessage());

    PgFixture.execute(db, "DELETE FROM org.roles WHERE id = " + SHARED);
    assertEquals("workspaces", PgFixture.queryString(db, "SELECT kind FROM org.object_ids WHERE id = " + SHARED),
        "the newer object's deletion leaves the id the oldest's");
    PgFixture.execute(db, "DELETE FROM org.workspaces WHERE id = " + SHARED);
    assertEquals(0, PgFixture.queryLong(db, "SELECT count(*) FROM org.object_ids WHERE id = " + SHARED));
  }
}
