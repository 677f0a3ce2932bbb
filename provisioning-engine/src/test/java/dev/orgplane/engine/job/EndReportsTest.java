package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.engine.EngineVerticle;
import dev.orgplane.engine.orgapi.StandInOrgService;
import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class EndReportsTest {

  /**
   * org-service answering fewer outcomes than the round sent reports is an answer gone wrong, not a refusal: the
   * round's reports are tried again, as when it fails. Read as it came, the answer threw IndexOutOfBoundsException,
   * taken as permanent, and every report of the round was given up.
   */
  @Test
  void aShortAnswerKeepsTheRoundsReportsToTryAgain(Vertx vertx) throws InterruptedException {
    var db = PgFixture.freshDatabase(EngineVerticle.MIGRATIONS);
    var job = UUID.randomUUID();
    PgFixture.execute(db, "INSERT INTO provisioning.jobs (id, requested_by, template_org, target_org, group_id, "
            + "plugins, status) VALUES ('" + job + "', '" + UUID.randomUUID() + "', '" + UUID.randomUUID() + "', '"
            + UUID.randomUUID() + "', '" + UUID.randomUUID() + "', '{roles}', 'succeeded')",
        "INSERT INTO provisioning.job_end_reports (job_id, status) SELECT '" + job + "', 'succeeded' "
            + "FROM generate_series(1, 2) n");
    var oneOutcome = new JsonObject().put("items", new JsonArray().add(new JsonObject().put("outcome", "recorded")));
    var orgService = StandInOrgService.start(vertx, request -> request.response()
        .putHeader("Content-Type", "application/json").end(oneOutcome.encode()));
    var pool = Database.open(vertx, db, 2, List.of()).await();
    var http = WebClient.create(vertx);
    var reports = new EndReports(vertx, pool, http, orgService, StandInOrgService.tokenOf(http, orgService));

    reports.wake();
    // settled once no report is left as it was: given up (gone) or waiting to be tried again (its error kept)
    var deadline = System.nanoTime() + 10_000_000_000L;
    while (PgFixture.queryLong(db, "SELECT count(*) FROM provisioning.job_end_reports WHERE last_error IS NULL") > 0
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(2, PgFixture.queryLong(db, "SELECT count(*) FROM provisioning.job_end_reports "
        + "WHERE last_error LIKE '%malformed_answer%' AND next_attempt_at > now()"), "both wait to be tried again");
  }
}
