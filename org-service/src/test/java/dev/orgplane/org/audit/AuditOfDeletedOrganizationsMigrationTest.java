package dev.orgplane.org.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.MigrationRows;
import dev.orgplane.org.OrgServiceVerticle;
import org.junit.jupiter.api.Test;

/**
 * V53 deletes the events left behind in the trail of organizations deleted before session 35, and keeps those of
 * organizations that exist and those of none (an {@code organization.deleted}).
 */
class AuditOfDeletedOrganizationsMigrationTest {

  @Test
  void eventsOfDeletedOrganizationsGoAndTheRestStay() {
    var db = PgFixture.databaseAt(OrgServiceVerticle.MIGRATIONS, 52);
    MigrationRows.anOrganization(db);
    PgFixture.execute(db, "INSERT INTO org.audit_events (org_id, actor, action, target) VALUES "
        + "(" + MigrationRows.ORG + ", 'a', 'workspace.created', 'workspace:1'), "
        + "('00000000-0000-7000-8000-000000000009', 'a', 'invitation.declined', 'invitation:2'), "
        + "(NULL, 'a', 'organization.deleted', 'organization:00000000-0000-7000-8000-000000000009')");

    OrgServiceVerticle.MIGRATIONS.applyTo(db);

    assertEquals(0, PgFixture.queryLong(db, "SELECT count(*) FROM org.audit_events "
        + "WHERE org_id = '00000000-0000-7000-8000-000000000009'"));
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.audit_events WHERE org_id = " + MigrationRows.ORG));
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.audit_events WHERE org_id IS NULL"));
  }
}
