package dev.orgplane.org.serviceuser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.MigrationRows;
import dev.orgplane.org.OrgServiceVerticle;
import org.junit.jupiter.api.Test;

/**
 * V54 records who made each credential, as far as the audit trail still tells: the actor of its creation's event,
 * if that is an account. The rest are made by no one known, and the next change raising their service user revokes
 * them.
 */
class CredentialMakersMigrationTest {

  private static final String ORG = MigrationRows.ORG;
  private static final String MAKER = "00000000-0000-7000-8000-000000000003";
  private static final String BOT = "'00000000-0000-7000-8000-000000000004'";
  private static final String AUDITED = "00000000-0000-7000-8000-000000000005";
  private static final String FORGOTTEN = "00000000-0000-7000-8000-000000000006";
  private static final String BY_THE_SYSTEM = "00000000-0000-7000-8000-000000000007";
  private static final String FEDERATED = "00000000-0000-7000-8000-000000000008";

  @Test
  void credentialsTakeTheMakerTheirCreationsEventNames() {
    var db = PgFixture.databaseAt(OrgServiceVerticle.MIGRATIONS, 53);
    MigrationRows.anOrganization(db);
    PgFixture.execute(db,
        "INSERT INTO org.users (id, email, name) VALUES ('" + MAKER + "', 'maker@test.local', 'maker')",
        "INSERT INTO org.users (id, name, service_org_id) VALUES (" + BOT + ", 'bot', " + ORG + ")",
        "INSERT INTO org.memberships (org_id, user_id, roles) VALUES (" + ORG + ", " + BOT + ", '{viewer}')",
        "INSERT INTO org.service_credentials (client_id, service_user_id, secret_hash) VALUES ('" + AUDITED + "', "
            + BOT + ", 'h'), ('" + FORGOTTEN + "', " + BOT + ", 'h'), ('" + BY_THE_SYSTEM + "', " + BOT + ", 'h')",
        "INSERT INTO org.federated_credentials (id, service_user_id, issuer, subject) VALUES ('" + FEDERATED + "', "
            + BOT + ", 'https://issuer.test', 'ci')",
        "INSERT INTO org.audit_events (org_id, actor, action, target, details) VALUES "
            + "(" + ORG + ", '" + MAKER + "', 'service_user.credential_created', 'x', '{\"clientId\": \"" + AUDITED
            + "\"}'), (" + ORG + ", 'system', 'service_user.credential_created', 'x', '{\"clientId\": \""
            + BY_THE_SYSTEM + "\"}'), (" + ORG + ", '" + MAKER + "', 'service_user.federated_credential_added', 'x', "
            + "'{\"federatedCredentialId\": \"" + FEDERATED + "\"}')");

    OrgServiceVerticle.MIGRATIONS.applyTo(db);

    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.service_credentials WHERE client_id = '"
        + AUDITED + "' AND made_by = '" + MAKER + "'"));
    assertEquals(2, PgFixture.queryLong(db, "SELECT count(*) FROM org.service_credentials WHERE made_by IS NULL"));
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.federated_credentials WHERE made_by = '"
        + MAKER + "'"));
  }
}
