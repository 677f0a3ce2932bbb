package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.engine.EngineVerticle;
import dev.orgplane.kit.testing.PgFixture;
import org.junit.jupiter.api.Test;

/**
 * V22 lets a dry run's job know whether the owner it names is its requester's address; a job queued before knows
 * nothing of it, and plans as it did.
 */
class OwnerIsRequesterMigrationTest {

  private static final String JOB = "00000000-0000-7000-8000-000000000022";

  @Test
  void aJobQueuedBeforeKnowsNoOwnerToBeItsRequester() {
    var db = PgFixture.databaseAt(EngineVerticle.MIGRATIONS, 21);
    PgFixture.execute(db, "INSERT INTO provisioning.jobs (id, requested_by, template_org, group_id, plugins, dry_run, "
        + "owner_email) VALUES ('" + JOB + "', gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), '{roles}', "
        + "true, 'ceo@customer.example')");

    EngineVerticle.MIGRATIONS.applyTo(db);

    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM provisioning.jobs WHERE id = '" + JOB
        + "' AND NOT owner_is_requester"));
  }
}
