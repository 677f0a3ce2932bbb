package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.copy.api.Counts;
import dev.orgplane.copy.api.PageResult;
import dev.orgplane.engine.EngineHarness;
import dev.orgplane.engine.TemplateFixture;
import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A run of a job writes only while it holds the job: a page of an earlier run (a step still copying when a
 * sibling failed the job, which was then retried and claimed again by the same engine) neither checkpoints into
 * the later run, nor records its copies, nor renews its lease, nor ends it.
 */
class LeaseTest {

  private static final String ENGINE = "engine-under-test";
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  /** An engine that runs no job (the test claims it) and one job queued on it, with a pool of the test's own. */
  private record Queued(EngineHarness engine, String jobId, Pool pool) {
  }

  private Queued queued(String name) {
    // no delivery of end reports either: they stay in the outbox, where a test counts them
    var engine = EngineHarness.start(vertx, new JsonObject().put("ORGPLANE_ENGINE_WORKERS", "0")
        .put("ORGPLANE_ENGINE_POLL_MILLIS", "3600000"));
    var template = TemplateFixture.build(engine.org, name + "-template");
    var jobId = engine.post("/v1/provisioning/jobs", template.groupAdmin().token(), new JsonObject()
        .put("templateOrganization", template.templateId()).put("target", new JsonObject().put("name", name)))
        .bodyAsJsonObject().getString("id");
    return new Queued(engine, jobId, Database.open(vertx, engine.db, 1, List.of()).await());
  }

  @Test
  void anEarlierRunOfTheSameEngineWritesNothingIntoALaterOne() {
    var queued = queued("leased");
    var engine = queued.engine();
    var jobId = queued.jobId();
    var pool = queued.pool();

    var first = Lease.of(JobRepository.claim(pool, ENGINE, 60_000).await().job().orElseThrow(), ENGINE);
    JobRepository.finish(pool, first, "failed", new JsonObject().put("code", "x"), null, null).await();
    PgFixture.execute(engine.db, "UPDATE provisioning.jobs SET status = 'queued' WHERE id = '" + jobId + "'");
    var second = Lease.of(JobRepository.claim(pool, ENGINE, 60_000).await().job().orElseThrow(), ENGINE);
    assertEquals(first.attempt() + 1, second.attempt());

    var copy = new CopiedObjects.NewCopies(UUID.randomUUID(), List.of(UUID.randomUUID()), List.of(UUID.randomUUID()));
    var copiesRecorded = "SELECT count(*) FROM provisioning.copied_objects WHERE copy_id = '" + copy.copyIds().get(0)
        + "'";
    var stale = JobRepository.checkpoint(pool, first, 60_000, 0, null, new PageResult("stale-cursor", new Counts(5, 0, 0),
        List.of()), copy).await();
    assertEquals(Optional.empty(), stale, "the earlier run's page is told it lost the job");
    assertEquals(0, PgFixture.queryLong(engine.db, "SELECT created FROM provisioning.job_steps WHERE job_id = '"
        + jobId + "' AND position = 0"), "and counted nothing");
    assertEquals(0, PgFixture.queryLong(engine.db, copiesRecorded), "nor recorded its copies");
    assertEquals(Map.of(), JobRepository.heartbeat(pool, ENGINE, List.of(first), 60_000).await());
    assertEquals(Map.of(UUID.fromString(jobId), false), JobRepository.heartbeat(pool, ENGINE, List.of(second), 60_000)
        .await());
    JobRepository.finish(pool, first, "failed", new JsonObject().put("code", "x"), 0, null).await();
    assertEquals(1, PgFixture.queryLong(engine.db, "SELECT count(*) FROM provisioning.jobs WHERE id = '" + jobId
        + "' AND status = 'running'"), "nor does it end the later run");
    assertEquals(0, PgFixture.queryLong(engine.db, "SELECT failed FROM provisioning.job_steps WHERE job_id = '"
        + jobId + "' AND position = 0"), "nor fail its step");
    assertEquals(1, PgFixture.queryLong(engine.db, "SELECT count(*) FROM provisioning.job_end_reports WHERE job_id = '"
        + jobId + "'"), "nor report an end: only the earlier run's own end was");
    assertTrue(JobRepository.checkpoint(pool, second, 60_000, 0, null, new PageResult("next", Counts.ZERO, List.of()), copy)
        .await().isPresent());
    assertEquals(1, PgFixture.queryLong(engine.db, copiesRecorded), "the run holding the job records them");
  }

  /**
   * A checkpoint sent again, as after a database that went away once it had committed the first (its answer lost),
   * counts its page once and records its copies once (one named twice too); and the end of a job that took the last
   * checkpoint for failed fails no step it completed.
   */
  @Test
  void aCheckpointSentAgainCountsItsPageOnce() {
    var queued = queued("resent");
    var engine = queued.engine();
    var jobId = queued.jobId();
    var pool = queued.pool();
    var lease = Lease.of(JobRepository.claim(pool, ENGINE, 60_000).await().job().orElseThrow(), ENGINE);
    var none = new CopiedObjects.NewCopies(UUID.randomUUID(), List.of(), List.of());
    var copy = UUID.randomUUID();
    var namedTwice = new CopiedObjects.NewCopies(UUID.randomUUID(), List.of(copy, copy), List.of(copy, copy));
    var step = "SELECT %s FROM provisioning.job_steps WHERE job_id = '" + jobId + "' AND position = 0";

    for (int sent = 0; sent < 2; sent++) {
      JobRepository.checkpoint(pool, lease, 60_000, 0, null, new PageResult("page-2", new Counts(5, 0, 0), List.of()),
          namedTwice).await();
    }
    for (int sent = 0; sent < 2; sent++) {
      JobRepository.checkpoint(pool, lease, 60_000, 0, "page-2", new PageResult(null, new Counts(3, 0, 1), List.of()),
          none).await();
    }

    assertEquals(8, PgFixture.queryLong(engine.db, step.formatted("created")));
    assertEquals(1, PgFixture.queryLong(engine.db, step.formatted("unchanged")));
    assertEquals(1, PgFixture.queryLong(engine.db, "SELECT count(*) FROM provisioning.copied_objects c "
        + "JOIN provisioning.jobs j ON j.template_org = c.template_org WHERE j.id = '" + jobId + "' AND c.copy_id = '"
        + copy + "'"), "the copy named twice is recorded once, with the job's template");
    JobRepository.finish(pool, lease, "failed", new JsonObject().put("code", "x"), 0, null).await();
    assertEquals(1, PgFixture.queryLong(engine.db, step.formatted("count(*)") + " AND status = 'succeeded'"));
  }

  /**
   * A checkpoint sent again leaves the copies already on record with the job's template as they are, neither written
   * nor locked: two checkpoints naming the same copies do not wait on each other. A copy recorded before the engine
   * kept templates (V18) is given the job's.
   */
  @Test
  void aCheckpointSentAgainLeavesTheCopiesOnRecordUnlocked() {
    var queued = queued("rerecorded");
    var engine = queued.engine();
    var pool = queued.pool();
    var lease = Lease.of(JobRepository.claim(pool, ENGINE, 60_000).await().job().orElseThrow(), ENGINE);
    var target = UUID.randomUUID();
    var kept = List.of(UUID.randomUUID(), UUID.randomUUID());
    var old = UUID.randomUUID();
    var copies = new CopiedObjects.NewCopies(target, List.of(kept.get(0), kept.get(1), old),
        List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID()));
    var page = new PageResult("page-2", new Counts(3, 0, 0), List.of());
    JobRepository.checkpoint(pool, lease, 60_000, 0, null, page, copies).await();
    PgFixture.execute(engine.db, "UPDATE provisioning.copied_objects SET template_org = NULL WHERE copy_id = '" + old
        + "'");
    var versions = "SELECT string_agg(copy_id || ' ' || xmin || ' ' || xmax, ', ' ORDER BY copy_id) "
        + "FROM provisioning.copied_objects WHERE target_org = '" + target + "' AND copy_id IN ('" + kept.get(0)
        + "', '" + kept.get(1) + "')";
    var before = PgFixture.queryString(engine.db, versions);

    JobRepository.checkpoint(pool, lease, 60_000, 0, null, page, copies).await();

    assertEquals(before, PgFixture.queryString(engine.db, versions),
        "the copies on record are neither written nor locked");
    assertEquals(1, PgFixture.queryLong(engine.db, "SELECT count(*) FROM provisioning.copied_objects c "
        + "JOIN provisioning.jobs j ON j.template_org = c.template_org WHERE j.id = '" + queued.jobId()
        + "' AND c.copy_id = '" + old + "'"), "the copy recorded before V18 is given the job's template");
  }
}
