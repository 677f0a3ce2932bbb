package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.engine.EngineVerticle;
import dev.orgplane.engine.orgapi.StandInOrgService;
import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.db.PgUrl;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(VertxExtension.class)
class EndReportsTest {

  /**
   * A report kept to be tried again a backoff (1 s after a first delivery) after it was written. Compared with
   * {@code now()}, a test that looked a second late, on a busy machine, found it due already.
   */
  private static final String BACKED_OFF = "next_attempt_at >= created_at + interval '1 second'";

  /**
   * org-service answering fewer outcomes than the round sent reports is an answer gone wrong, not a refusal: the
   * round's reports are tried again, as when it fails. Read as it came, the answer threw IndexOutOfBoundsException,
   * taken as permanent, and every report of the round was given up.
   */
  @Test
  void aShortAnswerKeepsTheRoundsReportsToTryAgain(Vertx vertx) throws InterruptedException {
    var oneOutcome = new JsonObject().put("items", new JsonArray().add(new JsonObject().put("outcome", "recorded")));
    var db = deliverTwoReports(vertx, request -> request.response()
        .putHeader("Content-Type", "application/json").end(oneOutcome.encode()));

    assertEquals(2, PgFixture.queryLong(db, "SELECT count(*) FROM provisioning.job_end_reports "
        + "WHERE last_error LIKE '%malformed_answer%' AND " + BACKED_OFF), "both wait to be tried again");
  }

  /**
   * A round that lost a race in org-service (409 with a code that says to retry) is tried again: given up as a
   * refusal, the round's every report was lost to one transaction running at the same moment.
   */
  @ParameterizedTest
  @ValueSource(strings = {"concurrent_update", "reference_gone"})
  void aRoundThatLostARaceIsTriedAgain(String code, Vertx vertx) throws InterruptedException {
    var problem = new JsonObject().put("status", 409).put("code", code).put("detail", "retry the request");
    var db = deliverTwoReports(vertx, request -> request.response().setStatusCode(409)
        .putHeader("Content-Type", "application/problem+json").end(problem.encode()));

    assertEquals(2, PgFixture.queryLong(db, "SELECT count(*) FROM provisioning.job_end_reports "
        + "WHERE last_error LIKE '%" + code + "%' AND " + BACKED_OFF), "both wait to be tried again");
  }

  /**
   * Two reports of a job in a fresh database's outbox, delivered once to an org-service that answers as
   * {@code orgService} does; answers the database once no report is left as it was: given up (gone) or waiting to
   * be tried again (its error kept).
   */
  private static PgUrl deliverTwoReports(Vertx vertx, Handler<HttpServerRequest> orgService)
      throws InterruptedException {
    var db = PgFixture.freshDatabase(EngineVerticle.MIGRATIONS);
    var job = UUID.randomUUID();
    PgFixture.execute(db, "INSERT INTO provisioning.jobs (id, requested_by, template_org, target_org, group_id, "
            + "plugins, status) VALUES ('" + job + "', '" + UUID.randomUUID() + "', '" + UUID.randomUUID() + "', '"
            + UUID.randomUUID() + "', '" + UUID.randomUUID() + "', '{roles}', 'succeeded')",
        "INSERT INTO provisioning.job_end_reports (job_id, status) SELECT '" + job + "', 'succeeded' "
            + "FROM generate_series(1, 2) n");
    var url = StandInOrgService.start(vertx, orgService);
    var pool = Database.open(vertx, db, 2, List.of()).await();
    var http = WebClient.create(vertx);
    new EndReports(vertx, pool, http, url, StandInOrgService.tokenOf(http, url)).wake();
    var deadline = System.nanoTime() + 10_000_000_000L;
    while (PgFixture.queryLong(db, "SELECT count(*) FROM provisioning.job_end_reports WHERE last_error IS NULL") > 0
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    return db;
  }
}
