package dev.orgplane.org.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.MigrationRows;
import dev.orgplane.org.OrgServiceVerticle;
import org.junit.jupiter.api.Test;

/**
 * V57 records the transaction that writes each audit event from then on, without rewriting the table (the events
 * before it keep none), and V58 indexes an organization's trail in that order.
 */
class AuditTransactionMigrationTest {

  @Test
  void newEventsNameTheirTransactionAndOldOnesStayAsTheyAre() {
    var db = PgFixture.databaseAt(OrgServiceVerticle.MIGRATIONS, 56);
    MigrationRows.anOrganization(db);
    PgFixture.execute(db, "INSERT INTO org.audit_events (org_id, actor, action, target) VALUES "
        + "(" + MigrationRows.ORG + ", 'a', 'workspace.created', 'workspace:1')");
    var file = PgFixture.queryLong(db, "SELECT pg_relation_filenode('org.audit_events')");

    OrgServiceVerticle.MIGRATIONS.applyTo(db);
    PgFixture.execute(db, "INSERT INTO org.audit_events (org_id, actor, action, target) VALUES "
        + "(" + MigrationRows.ORG + ", 'a', 'workspace.created', 'workspace:2')");

    assertEquals(file, PgFixture.queryLong(db, "SELECT pg_relation_filenode('org.audit_events')"), "not rewritten");
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.audit_events "
        + "WHERE target = 'workspace:1' AND xact_id IS NULL"));
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.audit_events "
        + "WHERE target = 'workspace:2' AND xact_id < pg_current_xact_id()"));
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        + "WHERE c.relname = 'audit_events_xact_idx' AND i.indisvalid"));
  }
}
