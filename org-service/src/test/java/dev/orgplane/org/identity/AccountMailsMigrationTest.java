package dev.orgplane.org.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceVerticle;
import org.junit.jupiter.api.Test;

/** V50 counts the tokens mailed in the hour before it, so an upgrade does not start the hour's limits over. */
class AccountMailsMigrationTest {

  private static final String USER = "'00000000-0000-7000-8000-000000000001'";

  @Test
  void theTokensOfTheLastHourCountAsMailsSent() {
    var db = PgFixture.databaseAt(OrgServiceVerticle.MIGRATIONS, 47);
    PgFixture.execute(db,
        "INSERT INTO org.users (id, email, name) VALUES (" + USER + ", 'Someone@test.local', 's')",
        "INSERT INTO org.password_resets (token_hash, user_id, expires_at) VALUES ('a', " + USER + ", now())",
        "INSERT INTO org.email_verifications (token_hash, user_id, expires_at, created_at) VALUES "
            + "('b', " + USER + ", now(), now()), ('c', " + USER + ", now(), now() - interval '2 hours')",
        "INSERT INTO org.email_changes (token_hash, user_id, expires_at, new_email) VALUES "
            + "('d', " + USER + ", now(), 'Elsewhere@test.local')");

    OrgServiceVerticle.MIGRATIONS.applyTo(db);

    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.account_mails WHERE kind = "
        + "'org.password_resets' AND email = 'someone@test.local' AND user_id = " + USER));
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.account_mails WHERE kind = "
        + "'org.email_verifications' AND email = 'someone@test.local'"), "the one of the last hour");
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.account_mails WHERE kind = "
        + "'org.email_changes' AND email = 'elsewhere@test.local'"));
  }
}
