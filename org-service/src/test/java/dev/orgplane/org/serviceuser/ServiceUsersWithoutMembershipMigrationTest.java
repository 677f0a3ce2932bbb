package dev.orgplane.org.serviceuser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.MigrationRows;
import dev.orgplane.org.OrgServiceVerticle;
import org.junit.jupiter.api.Test;

/** V34 deletes the service users whose membership the members' API took, and their credentials with them. */
class ServiceUsersWithoutMembershipMigrationTest {

  private static final String ORG = MigrationRows.ORG;
  private static final String KEPT = "'00000000-0000-7000-8000-000000000003'";
  private static final String ORPHAN = "'00000000-0000-7000-8000-000000000004'";

  @Test
  void aServiceUserWithoutItsMembershipGoesWithItsCredentials() {
    var db = PgFixture.databaseAt(OrgServiceVerticle.MIGRATIONS, 33);
    MigrationRows.anOrganization(db);
    PgFixture.execute(db,
        "INSERT INTO org.users (id, name, service_org_id) VALUES (" + KEPT + ", 'kept', " + ORG + "), (" + ORPHAN
            + ", 'orphan', " + ORG + ")",
        "INSERT INTO org.memberships (org_id, user_id, roles) VALUES (" + ORG + ", " + KEPT + ", '{viewer}')",
        "INSERT INTO org.service_credentials (client_id, service_user_id, secret_hash) VALUES "
            + "('00000000-0000-7000-8000-000000000005', " + KEPT + ", 'h'), "
            + "('00000000-0000-7000-8000-000000000006', " + ORPHAN + ", 'h')");

    OrgServiceVerticle.MIGRATIONS.applyTo(db);

    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.users WHERE service_org_id = " + ORG));
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.users WHERE id = " + KEPT));
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.service_credentials"));
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.service_credentials WHERE service_user_id = "
        + KEPT));
  }
}
