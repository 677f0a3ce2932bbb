package dev.orgplane.engine.batch;

import static dev.orgplane.engine.batch.BatchTotals.assertAgreeWithTheJobs;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.engine.EngineVerticle;
import dev.orgplane.kit.db.PgUrl;
import dev.orgplane.kit.testing.PgFixture;
import org.junit.jupiter.api.Test;

/**
 * V20 lets a job's owner be {@code made_owner} and its batch count them; V21 validates the jobs written before against
 * the wider check. A batch's totals from before stay as they were.
 */
class OwnersMadeOwnerMigrationTest {

  private static final String BATCH = "00000000-0000-7000-8000-000000000020";

  @Test
  void batchesBeforeKeepTheirTotalsAndCountMembersMadeOwnerAfter() {
    var db = PgFixture.databaseAt(EngineVerticle.MIGRATIONS, 19);
    PgFixture.execute(db,
        "INSERT INTO provisioning.batches (id, requested_by, template_org, group_id, concurrency) "
            + "VALUES ('" + BATCH + "', gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 2)",
        "INSERT INTO provisioning.jobs (id, batch_id, requested_by, template_org, group_id, plugins, status, "
            + "owner_invitation) SELECT gen_random_uuid(), '" + BATCH + "', gen_random_uuid(), gen_random_uuid(), "
            + "gen_random_uuid(), '{roles}', status, invitation FROM (VALUES ('succeeded', 'invited'), "
            + "('succeeded', 'already_member'), ('running', NULL)) AS j (status, invitation)");

    EngineVerticle.MIGRATIONS.applyTo(db);

    assertAgreeWithTheJobs(db, "after the migration");
    assertEquals(1, owners(db, "owners_invited = 1 AND owners_already_member = 1 AND owners_made_owner = 0"));
    PgFixture.execute(db, "UPDATE provisioning.jobs SET status = 'succeeded', owner_invitation = 'made_owner' "
        + "WHERE batch_id = '" + BATCH + "' AND status = 'running'");
    assertAgreeWithTheJobs(db, "after a member was made owner");
    assertEquals(1, owners(db, "owners_made_owner = 1 AND jobs_succeeded = 3"));
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM pg_constraint "
        + "WHERE conname = 'jobs_owner_invitation_check' AND convalidated"), "V21 validated V20's check");
  }

  private static long owners(PgUrl db, String condition) {
    return PgFixture.queryLong(db, "SELECT count(*) FROM provisioning.batches WHERE id = '" + BATCH + "' AND "
        + condition);
  }
}
