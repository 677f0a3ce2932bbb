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
class SignInThrottlePurgeTest {

  @Test
  void addressesQuietForAnHourAreForgotten(Vertx vertx) {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    PgFixture.execute(db, "INSERT INTO org.sign_in_failures (email, failures, last_failure_at) VALUES "
        + "('old@test.local', 9, now() - interval '61 minutes'), ('older@test.local', 2, now() - interval '2 days'), "
        + "('recent@test.local', 9, now() - interval '59 minutes')");
    var purge = SignInThrottle.stalePurge(Database.open(vertx, db, 1, List.of()).await());
    assertEquals(2, purge.run().await());
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.sign_in_failures WHERE email = 'recent@test.local'"));
  }
}
