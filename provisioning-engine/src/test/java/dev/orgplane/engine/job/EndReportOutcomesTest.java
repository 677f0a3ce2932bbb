package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.engine.EngineVerticle;
import dev.orgplane.engine.job.EndReportOutcomes.Outcome;
import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class EndReportOutcomesTest {

  /** A round's outcomes, written together: the reports that are done go, the others wait their backoff. */
  @Test
  void aRoundsOutcomesAreRecordedTogetherEachOnItsReport(Vertx vertx) {
    var db = PgFixture.freshDatabase(EngineVerticle.MIGRATIONS);
    var job = UUID.randomUUID();
    PgFixture.execute(db, "INSERT INTO provisioning.jobs (id, requested_by, template_org, group_id, plugins, status) "
            + "VALUES ('" + job + "', '" + UUID.randomUUID() + "', '" + UUID.randomUUID() + "', '" + UUID.randomUUID()
            + "', '{roles}', 'succeeded')",
        "INSERT INTO provisioning.job_end_reports (id, job_id, status, deliveries) SELECT n, '" + job
            + "', 'succeeded', 1 FROM generate_series(1, 5) n");
    var pool = Database.open(vertx, db, 1, List.of()).await();

    EndReportOutcomes.record(pool, List.of(Outcome.done(1), new Outcome(2, "503 unavailable", 1_000),
        Outcome.done(3), new Outcome(4, "connection refused", 60_000))).await();

    var rows = pool.query("SELECT id, coalesce(last_error, '-') AS error FROM provisioning.job_end_reports").execute()
        .await();
    var left = new TreeMap<Long, String>();
    rows.forEach(row -> left.put(row.getLong("id"), row.getString("error")));
    assertEquals(Map.of(2L, "503 unavailable", 4L, "connection refused", 5L, "-"), left,
        "the done ones are forgotten, one not in the round is untouched");
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM provisioning.job_end_reports WHERE id = 4 "
        + "AND next_attempt_at BETWEEN now() + interval '50 seconds' AND now() + interval '70 seconds'"),
        "a report to try again waits its backoff");
  }
}
