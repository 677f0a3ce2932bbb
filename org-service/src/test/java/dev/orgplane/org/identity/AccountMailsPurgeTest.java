package dev.orgplane.org.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceVerticle;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class AccountMailsPurgeTest {

  @Test
  void mailsSentMoreThanAnHourAgoAreForgotten(Vertx vertx) {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    PgFixture.execute(db, "INSERT INTO org.account_mails (kind, user_id, email, created_at) VALUES "
        + "('org.password_resets', gen_random_uuid(), 'old@test.local', now() - interval '61 minutes'), "
        + "('org.email_changes', gen_random_uuid(), 'older@test.local', now() - interval '2 days'), "
        + "('org.email_verifications', gen_random_uuid(), 'recent@test.local', now() - interval '59 minutes')");
    var purge = AccountMails.oldPurge(Database.open(vertx, db, 1, List.of()).await());
    assertEquals(2, purge.run().await());
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.account_mails WHERE email = 'recent@test.local'"));
  }
}
