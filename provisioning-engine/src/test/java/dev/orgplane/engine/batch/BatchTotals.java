package dev.orgplane.engine.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.db.PgUrl;
import dev.orgplane.kit.testing.PgFixture;

/** Checks the totals batch rows keep against their jobs and steps, summed anew as the list once summed them. */
final class BatchTotals {

  private static final String DISAGREEING = """
      SELECT count(*) FROM provisioning.batches b
      WHERE ROW(b.jobs_queued, b.jobs_running, b.jobs_succeeded, b.jobs_failed, b.jobs_cancelled, b.owners_invited,
                b.owners_already_invited, b.owners_already_member, b.owners_made_owner, b.owners_planned, b.dry_run)
            IS DISTINCT FROM (SELECT ROW(count(*) FILTER (WHERE status = 'queued'),
                count(*) FILTER (WHERE status = 'running'), count(*) FILTER (WHERE status = 'succeeded'),
                count(*) FILTER (WHERE status = 'failed'), count(*) FILTER (WHERE status = 'cancelled'),
                count(*) FILTER (WHERE owner_invitation = 'invited'),
                count(*) FILTER (WHERE owner_invitation = 'already_invited'),
                count(*) FILTER (WHERE owner_invitation = 'already_member'),
                count(*) FILTER (WHERE owner_invitation = 'made_owner'),
                count(*) FILTER (WHERE owner_invitation = 'planned'), coalesce(bool_or(dry_run), false))
              FROM provisioning.jobs j WHERE j.batch_id = b.id)
         OR ROW(b.objects_created, b.objects_updated, b.objects_unchanged)
            IS DISTINCT FROM (SELECT ROW(coalesce(sum(s.created), 0)::bigint, coalesce(sum(s.updated), 0)::bigint,
                coalesce(sum(s.unchanged), 0)::bigint)
              FROM provisioning.jobs j JOIN provisioning.job_steps s ON s.job_id = j.id WHERE j.batch_id = b.id)""";

  private BatchTotals() {
  }

  /** Asserts that every batch of {@code db} keeps the totals its jobs and steps add up to now. */
  static void assertAgreeWithTheJobs(PgUrl db, String when) {
    assertEquals(0, PgFixture.queryLong(db, DISAGREEING), "batches whose totals disagree with their jobs " + when);
  }
}
