package dev.orgplane.engine.batch;

import static dev.orgplane.engine.batch.BatchTotals.assertAgreeWithTheJobs;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.engine.EngineVerticle;
import dev.orgplane.kit.db.PgUrl;
import dev.orgplane.kit.testing.PgFixture;
import org.junit.jupiter.api.Test;

/** V10 gives the batches before it the totals of their jobs and steps, the status these make and the dry run. */
class BatchTotalsMigrationTest {

  private static final String RUNNING = "00000000-0000-7000-8000-000000000001";
  private static final String FAILED = "00000000-0000-7000-8000-000000000002";
  private static final String EMPTY = "00000000-0000-7000-8000-000000000003";

  @Test
  void batchesBeforeTheTotalsAddUpTheirJobsAndSteps() {
    var db = PgFixture.databaseAt(EngineVerticle.MIGRATIONS, 9);
    PgFixture.execute(db,
        "INSERT INTO provisioning.batches (id, requested_by, template_org, group_id, concurrency) "
            + "SELECT b::uuid, gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 2 "
            + "FROM unnest(ARRAY['" + RUNNING + "', '" + FAILED + "', '" + EMPTY + "']) b",
        "INSERT INTO provisioning.jobs (id, batch_id, requested_by, template_org, group_id, plugins, status, dry_run, "
            + "owner_invitation) SELECT gen_random_uuid(), batch_id::uuid, gen_random_uuid(), gen_random_uuid(), "
            + "gen_random_uuid(), '{roles,queues}', status, dry_run, invitation FROM (VALUES "
            + "('" + RUNNING + "', 'succeeded', true, 'planned'), ('" + RUNNING + "', 'queued', true, NULL), "
            + "('" + FAILED + "', 'failed', false, NULL), ('" + FAILED + "', 'succeeded', false, 'invited'), "
            + "('" + FAILED + "', 'cancelled', false, NULL)) AS j (batch_id, status, dry_run, invitation)",
        "INSERT INTO provisioning.job_steps (job_id, position, plugin, created, updated, unchanged) "
            + "SELECT id, p, plugins[p + 1], 3, 2, 1 FROM provisioning.jobs, generate_series(0, 1) p");

    EngineVerticle.MIGRATIONS.applyTo(db);

    assertAgreeWithTheJobs(db, "after the migration");
    assertEquals(1, count(db, RUNNING, "status = 'running' AND dry_run AND objects_created = 12 AND owners_planned = 1"));
    assertEquals(1, count(db, FAILED, "status = 'failed' AND NOT dry_run AND objects_unchanged = 6 "
        + "AND jobs_cancelled = 1 AND owners_invited = 1"));
    assertEquals(1, count(db, EMPTY, "status = 'succeeded' AND jobs_queued + jobs_succeeded = 0"));
  }

  private static long count(PgUrl db, String batch, String condition) {
    return PgFixture.queryLong(db, "SELECT count(*) FROM provisioning.batches WHERE id = '" + batch + "' AND "
        + condition);
  }
}
