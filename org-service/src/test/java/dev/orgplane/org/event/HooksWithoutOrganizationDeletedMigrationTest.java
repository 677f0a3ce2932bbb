package dev.orgplane.org.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.MigrationRows;
import dev.orgplane.org.OrgServiceVerticle;
import org.junit.jupiter.api.Test;

/** V36 takes organization.deleted, never delivered and no longer in the catalog, from the hooks subscribed to it. */
class HooksWithoutOrganizationDeletedMigrationTest {

  private static final String ORG = MigrationRows.ORG;

  @Test
  void storedSubscriptionsLoseTheEventAndKeepTheRest() {
    var db = PgFixture.databaseAt(OrgServiceVerticle.MIGRATIONS, 34);
    MigrationRows.anOrganization(db);
    PgFixture.execute(db,
        "INSERT INTO org.hooks (org_id, id, name, url, events, secret) VALUES "
            + "(" + ORG + ", '00000000-0000-7000-8000-000000000003', 'a', 'https://x.example/a', "
            + "'{organization.updated,organization.deleted}', 's'), "
            + "(" + ORG + ", '00000000-0000-7000-8000-000000000004', 'b', 'https://x.example/b', "
            + "'{member.added}', 's')");

    OrgServiceVerticle.MIGRATIONS.applyTo(db);

    assertEquals(0, PgFixture.queryLong(db,
        "SELECT count(*) FROM org.hooks WHERE 'organization.deleted' = ANY (events)"));
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.hooks WHERE events = '{organization.updated}'"));
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.hooks WHERE events = '{member.added}'"));
  }
}
