package dev.orgplane.org.invitation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.MigrationRows;
import dev.orgplane.org.OrgServiceVerticle;
import org.junit.jupiter.api.Test;

/**
 * V51 links each invitation mail not yet sent to the invitation its body names, so that it goes with the invitation,
 * and drops those whose invitation ended before: they asked to accept one that no longer existed.
 */
class InvitationMailsMigrationTest {

  private static final String ORG = MigrationRows.ORG;
  private static final String PENDING = "00000000-0000-7000-8000-000000000003";
  private static final String ENDED = "00000000-0000-7000-8000-000000000004";

  @Test
  void aMailNotYetSentFollowsItsInvitationAndOneOfAnEndedInvitationGoes() {
    var db = PgFixture.databaseAt(OrgServiceVerticle.MIGRATIONS, 47);
    MigrationRows.anOrganization(db);
    PgFixture.execute(db,
        "INSERT INTO org.invitations (id, org_id, email, roles, expires_at) VALUES ('" + PENDING + "', " + ORG
            + ", 'pending@test.local', '{member}', now() + interval '1 day')",
        "INSERT INTO org.mail_outbox (id, org_id, to_address, subject, body, state) VALUES "
            + "(1, " + ORG + ", 'pending@test.local', 's', 'accept invitation " + PENDING + ".', 'pending'), "
            + "(2, " + ORG + ", 'ended@test.local', 's', 'accept invitation " + ENDED + ".', 'pending'), "
            + "(3, " + ORG + ", 'ended@test.local', 's', '', 'sent'), "
            + "(4, NULL, 'account@test.local', 's', 'verify', 'pending')");

    OrgServiceVerticle.MIGRATIONS.applyTo(db);

    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.mail_outbox WHERE id = 1 AND invitation_id = '"
        + PENDING + "'"));
    assertEquals(0, PgFixture.queryLong(db, "SELECT count(*) FROM org.mail_outbox WHERE id = 2"),
        "the ended invitation's mail is not sent");
    assertEquals(2, PgFixture.queryLong(db, "SELECT count(*) FROM org.mail_outbox WHERE id IN (3, 4) "
        + "AND invitation_id IS NULL"), "a mail sent and an account's stay as they were");

    PgFixture.execute(db, "DELETE FROM org.invitations WHERE id = '" + PENDING + "'");
    assertEquals(0, PgFixture.queryLong(db, "SELECT count(*) FROM org.mail_outbox WHERE id = 1"));
  }
}
