package dev.orgplane.org.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.MigrationRows;
import dev.orgplane.org.OrgServiceVerticle;
import org.junit.jupiter.api.Test;

/** V31 dates the roles of members from before it to when they joined, the last change it can know of. */
class MemberTimesMigrationTest {

  @Test
  void membersFromBeforeHaveTheirRolesSinceTheyJoined() {
    var db = PgFixture.databaseAt(OrgServiceVerticle.MIGRATIONS, 30);
    MigrationRows.anOrganization(db);
    PgFixture.execute(db,
        "INSERT INTO org.users (id, email) VALUES ('00000000-0000-7000-8000-000000000003', 'm@test.local')",
        "INSERT INTO org.memberships (org_id, user_id, roles, created_at) VALUES ("
            + "'00000000-0000-7000-8000-000000000002', '00000000-0000-7000-8000-000000000003', '{member}', "
            + "'2026-03-01T00:00:00Z')");

    OrgServiceVerticle.MIGRATIONS.applyTo(db);

    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.memberships "
        + "WHERE updated_at = '2026-03-01T00:00:00Z'"));
  }
}
