package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.engine.EngineVerticle;
import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.db.PgUrl;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Whose job a claim takes when many are queued: groups take turns, then a group's batches, then the job queued first,
 * so that a big batch holds no engine's every slot while another group's work waits behind it.
 */
class ClaimTurnsTest {

  private final Vertx vertx = Vertx.vertx();
  private final PgUrl db = PgFixture.freshDatabase(EngineVerticle.MIGRATIONS);
  private final Pool pool = Database.open(vertx, db, 1, List.of()).await();

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void anotherGroupsJobGoesBeforeTheNextJobOfABigBatch() {
    var big = queueBatch(UUID.randomUUID(), 50, "2 hours");
    var single = queueAlone(UUID.randomUUID(), 1, "1 hour").get(0);

    assertEquals(big, claim().batchId(), "the oldest job, both groups running none");
    assertEquals(single, claim().id());
  }

  @Test
  void aGroupsSingleJobGoesBeforeTheNextOfAnotherGroupsManyOlderOnes() {
    var busy = UUID.randomUUID();
    queueAlone(busy, 20, "2 hours");
    var other = UUID.randomUUID();
    queueAlone(other, 1, "1 hour");

    assertEquals(List.of(busy, other), List.of(claim().groupId(), claim().groupId()));
  }

  @Test
  void aRetriedSingleJobQueuesBehindTheGroupsJobsQueuedBeforeItsRetry() {
    var group = UUID.randomUUID();
    var retried = queueAlone(group, 20, "3 hours");
    PgFixture.execute(db, "UPDATE provisioning.jobs SET status = 'failed', finished_at = now() WHERE group_id = '"
        + group + "'");
    var waiting = queueAlone(group, 1, "1 hour").get(0);
    for (var job : retried) {
      JobRepository.retry(pool, job, UUID.randomUUID(), null).await();
    }

    assertEquals(waiting, claim().id());
  }

  @Test
  void groupsTakeTurnsHoweverManyBatchesEachRuns() {
    var group = UUID.randomUUID();
    var first = queueBatch(group, 5, "3 hours");
    var second = queueBatch(group, 5, "2 hours");
    var otherGroups = queueBatch(UUID.randomUUID(), 5, "1 hour");

    assertEquals(List.of(first, otherGroups, second), List.of(claim().batchId(), claim().batchId(), claim().batchId()));
  }

  @Test
  void aGroupsBatchesTakeTurns() {
    var group = UUID.randomUUID();
    var big = queueBatch(group, 50, "2 hours");
    var small = queueBatch(group, 5, "1 hour");

    var claimed = new ArrayList<UUID>();
    for (int i = 0; i < 4; i++) {
      claimed.add(claim().batchId());
    }

    assertEquals(List.of(big, small, big, small), claimed);
  }

  @Test
  void aRetriedBatchQueuesBehindTheJobsQueuedBeforeItsRetry() {
    var retried = queueBatch(UUID.randomUUID(), 5, "2 hours");
    PgFixture.execute(db, "UPDATE provisioning.jobs SET status = 'failed', finished_at = now() "
        + "WHERE batch_id = '" + retried + "'");
    var waiting = queueBatch(UUID.randomUUID(), 5, "1 hour");
    JobRepository.retryBatch(pool, retried, UUID.randomUUID(), null).await();

    assertEquals(waiting, claim().batchId());
  }

  /** A batch of {@code jobs} of {@code group} (concurrency 4), queued {@code ago}. */
  private UUID queueBatch(UUID group, int jobs, String ago) {
    var batch = UUID.randomUUID();
    PgFixture.execute(db, "INSERT INTO provisioning.batches (id, requested_by, template_org, group_id, "
            + "concurrency, created_at) VALUES ('" + batch + "', gen_random_uuid(), gen_random_uuid(), '" + group
            + "', 4, now() - interval '" + ago + "')",
        "INSERT INTO provisioning.jobs (id, batch_id, requested_by, template_org, group_id, plugins, created_at) "
            + "SELECT gen_random_uuid(), '" + batch + "', gen_random_uuid(), gen_random_uuid(), '" + group + "', "
            + "'{roles}', now() - interval '" + ago + "' FROM generate_series(1, " + jobs + ")");
    return batch;
  }

  /** {@code jobs} jobs in no batch of {@code group}, queued {@code ago}, a millisecond apart in the order returned. */
  private List<UUID> queueAlone(UUID group, int jobs, String ago) {
    var ids = new ArrayList<UUID>();
    for (int i = 0; i < jobs; i++) {
      var job = UUID.randomUUID();
      PgFixture.execute(db, "INSERT INTO provisioning.jobs (id, requested_by, template_org, group_id, plugins, "
          + "created_at) VALUES ('" + job + "', gen_random_uuid(), gen_random_uuid(), '" + group + "', '{roles}', "
          + "now() - interval '" + ago + "' + " + i + " * interval '1 millisecond')");
      ids.add(job);
    }
    return ids;
  }

  private Job claim() {
    return JobRepository.claim(pool, "engine", 60_000).await().job().orElseThrow();
  }
}
