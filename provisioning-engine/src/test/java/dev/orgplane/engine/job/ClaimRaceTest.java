package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.engine.EngineVerticle;
import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.db.TimeOrderedIds;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.Vertx;
import java.sql.DriverManager;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Claims that race for one target: the second waits for the first's lock, then sees its job running and takes none. */
class ClaimRaceTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  /**
   * A claim picks the later of two jobs into one target while the earlier is being taken (its row and the target's
   * lock held, not yet committed, so the claim's first statement saw no one copying into the target); once that
   * commits, the claim finds the earlier job running there and takes nothing.
   */
  @Test
  void aClaimWaitingForATargetTakesNothingOnceAnotherJobRunsThere() throws Exception {
    var db = PgFixture.freshDatabase(EngineVerticle.MIGRATIONS);
    var target = UUID.randomUUID();
    var first = TimeOrderedIds.next();
    var second = TimeOrderedIds.next();
    PgFixture.execute(db, "INSERT INTO provisioning.jobs (id, requested_by, template_org, group_id, target_org, "
        + "plugins) SELECT id, gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), '" + target + "', '{roles}' "
        + "FROM unnest(ARRAY['" + first + "', '" + second + "']::uuid[]) id");
    var pool = Database.open(vertx, db, 1, List.of()).await();
    try (var other = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
         var st = other.createStatement()) {
      other.setAutoCommit(false);
      st.execute("SELECT pg_advisory_xact_lock(hashtextextended('provisioning.target:' || '" + target
          + "'::uuid, 0))");
      st.execute("UPDATE provisioning.jobs SET status = 'running', lease_owner = 'other', "
          + "lease_until = now() + interval '1 day', attempts = 1 WHERE id = '" + first + "'");
      var claim = JobRepository.claim(pool, "this", 60_000);
      PgFixture.awaitLockWaits(db, 1);
      other.commit();

      assertTrue(claim.await().job().isEmpty(), "the target is copied into by the first job");
    }
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM provisioning.jobs WHERE status = 'queued' AND id = '"
        + second + "'"));
  }
}
