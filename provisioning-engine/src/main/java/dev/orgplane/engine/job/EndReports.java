package dev.orgplane.engine.job;

import dev.orgplane.copy.api.OrgApiException;
import dev.orgplane.engine.orgapi.OrgApiClient;
import dev.orgplane.engine.orgapi.ServiceToken;
import dev.orgplane.kit.http.ImportBatch;
import dev.orgplane.kit.outbox.Backoff;
import dev.orgplane.kit.outbox.OutboxPoller;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox of jobs' end reports ({@link FinishedJobReport}): {@link #QUEUE_ENDED} writes a report in the
 * statement that ends its job, and this delivers it, at least once, retrying with backoff while
 * org-service is down or failing. Several engines share the outbox (claimed {@code FOR UPDATE SKIP
 * LOCKED}, with a lease). A round is sent in one request ({@code POST /v1/provisioning-events:batch}), not one a
 * report and organization, and its outcomes are recorded together ({@link EndReportOutcomes}): ending thousands of
 * jobs at once (a cancelled rollout, a backlog while org-service was down) costs a request a round.
 */
public final class EndReports {

  private static final Logger LOG = LoggerFactory.getLogger(EndReports.class);
  /** A report goes to two organizations at most, each an item of org-service's batch. */
  private static final int BATCH = ImportBatch.MAX / 2;
  private static final String ORGANIZATION_GONE = "organization_not_found";
  private static final String MALFORMED_ANSWER = "malformed_answer";
  /**
   * org-service's answer to a round that lost a race with a request deleting something it named at the same moment,
   * saying to look again and retry: taken for a refusal, a round lost every report in it to one rival transaction. A
   * race lost to a serialization failure or deadlock ({@code concurrent_update}) is retried as any passing failure
   * ({@link Retries#transientFailure}).
   */
  private static final String REFERENCE_GONE = "reference_gone";
  private static final long LEASE_MILLIS = 30_000;
  private static final long RETRY_BASE_MILLIS = 1_000;
  /** org-service remembers a report it recorded for two days: a delivery after that would record it again. */
  private static final Duration GIVE_UP_AFTER = Duration.ofHours(24);

  private final Pool pool;
  private final WebClient http;
  private final String orgServiceUrl;
  private final ServiceToken token;
  private final OutboxPoller poller;

  public EndReports(Vertx vertx, Pool pool, WebClient http, String orgServiceUrl, ServiceToken token) {
    this.pool = pool;
    this.http = http;
    this.orgServiceUrl = orgServiceUrl;
    this.token = token;
    this.poller = OutboxPoller.sendingTogether(vertx, "job_end_reports", this::claim, this::deliver,
        EndReports::undelivered, LEASE_MILLIS / 2,
        outcomes -> EndReportOutcomes.record(pool, outcomes),
        OutboxPoller.count(pool, "SELECT count(*) FROM provisioning.job_end_reports"));
  }

  /**
   * The part of a statement ending jobs that queues the reports of their ends: a data-modifying CTE reading
   * {@code ended} (id, status, error and dry_run of each job the statement ended), which the statement defines
   * before it. Written by the statement that ends the jobs, a report exists exactly when its end does (dry runs
   * write nothing, so report nothing).
   */
  static final String QUEUE_ENDED = """
      reported AS (
        INSERT INTO provisioning.job_end_reports (job_id, status, error)
        SELECT id, status, error FROM ended WHERE NOT dry_run)""";

  public void start(long pollMillis) {
    poller.start(pollMillis);
  }

  public void stop() {
    poller.stop();
  }

  /** Delivers what is due now, e.g. right after a job ended. */
  public void wake() {
    poller.poll();
  }

  /**
   * Claims nothing while the engine cannot get its token (org-service refusing its secret, or unreachable): each claim
   * raised the deliveries of every report due, which set their backoff, and a round a second asked for a token again.
   */
  private Future<RowSet<Row>> claim() {
    return token.get().transform(signedIn -> pool.preparedQuery("WITH due AS (SELECT id FROM provisioning.job_end_reports WHERE next_attempt_at <= now() "
            + "ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED) UPDATE provisioning.job_end_reports r "
            + "SET deliveries = r.deliveries + 1, next_attempt_at = now() + $2 * interval '1 millisecond' "
            + "FROM due, provisioning.jobs j WHERE r.id = due.id AND j.id = r.job_id "
            + "RETURNING r.id, r.job_id, r.status, r.error, r.deliveries, r.created_at, j.batch_id, j.template_org, "
            + "j.target_org")
        .execute(Tuple.of(signedIn.succeeded() ? BATCH : 0, (double) LEASE_MILLIS)));
  }

  /**
   * Sends the round's reports in one request; org-service answers each organization's report of it in their order. A
   * report one of whose organizations is gone is given up as a refused delivery is. A request longer than
   * org-service takes (its {@code ORGPLANE_BODY_LIMIT_BYTES}: a report's error may hold every field error of an
   * import) is sent again as two halves, down to a report alone.
   */
  private Future<List<EndReportOutcomes.Outcome>> deliver(List<Row> reports) {
    var items = reports.stream().map(row -> FinishedJobReport.of(row).items()).toList();
    var all = new JsonArray();
    items.forEach(all::addAll);
    return new OrgApiClient(http, orgServiceUrl, token, null).reportJobsFinished(all)
        .map(answers -> outcomes(reports, items, answers))
        .recover(failure -> tooLong(failure) && reports.size() > 1 ? halves(reports)
            : Future.succeededFuture(reports.stream().map(row -> undelivered(row, failure)).toList()));
  }

  private Future<List<EndReportOutcomes.Outcome>> halves(List<Row> reports) {
    var half = reports.size() / 2;
    var first = deliver(reports.subList(0, half));
    var second = deliver(reports.subList(half, reports.size()));
    return Future.all(first, second).map(both -> Stream.concat(first.result().stream(), second.result().stream())
        .toList());
  }

  private static boolean referenceGone(Throwable failure) {
    return failure instanceof OrgApiException refused && refused.status() == 409
        && REFERENCE_GONE.equals(refused.code());
  }

  private static boolean tooLong(Throwable failure) {
    return failure instanceof OrgApiException refused && refused.status() == 413;
  }

  /**
   * Each report's outcome from org-service's {@code answers}, one for each of its {@code items}, in their order. An
   * answer that is not one outcome for each item tells no report's outcome: it fails as org-service failing would
   * (502 {@code malformed_answer}), so the round is tried again, not given up (its index out of bounds was taken for
   * a refusal).
   */
  private static List<EndReportOutcomes.Outcome> outcomes(List<Row> reports, List<JsonArray> items,
      JsonArray answers) {
    var sent = items.stream().mapToInt(JsonArray::size).sum();
    if (answers == null || answers.size() != sent || !answers.stream().allMatch(JsonObject.class::isInstance)) {
      throw new OrgApiException(502, MALFORMED_ANSWER, "org-service answered " + (answers == null ? "no"
          : answers.size()) + " outcomes for " + sent + " reports sent.", null);
    }
    var outcomes = new ArrayList<EndReportOutcomes.Outcome>();
    var first = 0;
    for (int i = 0; i < reports.size(); i++) {
      var last = first + items.get(i).size();
      var gone = IntStream.range(first, last)
          .anyMatch(n -> ORGANIZATION_GONE.equals(answers.getJsonObject(n).getString("outcome")));
      outcomes.add(gone ? undelivered(reports.get(i), new OrgApiException(404, ORGANIZATION_GONE,
          "An organization the report goes to no longer exists.", null))
          : EndReportOutcomes.Outcome.done(reports.get(i).getLong("id")));
      first = last;
    }
    return outcomes;
  }

  /**
   * A delivery org-service refused or did not answer in time: tried again with backoff while it may yet succeed (a
   * race lost included, {@link #REFERENCE_GONE}), for a day at most. One that found the engine's own sign-in refused
   * ({@link ServiceToken.SignInRefused}) is the engine's to fix, not the report's: tried again a second later, without
   * the backoff growing (no report is claimed while the refusal lasts, {@link #claim}), so the reports go once the
   * engine has the secret org-service has. Until session 44 they were
   * given up, and the jobs' {@code provisioning.job.finished} never sent.
   */
  private static EndReportOutcomes.Outcome undelivered(Row report, Throwable failure) {
    var id = report.getLong("id");
    var jobId = report.getUUID("job_id");
    var signInRefused = failure instanceof ServiceToken.SignInRefused;
    var mayYetSucceed = signInRefused || Retries.transientFailure(failure) || referenceGone(failure);
    if (!mayYetSucceed || report.getOffsetDateTime("created_at").plus(GIVE_UP_AFTER).isBefore(OffsetDateTime.now())) {
      LOG.warn("job {}: its end could not be reported to the organizations' hooks, giving up: {}", jobId,
          failure.toString());
      return EndReportOutcomes.Outcome.done(id);
    }
    if (signInRefused) {
      return new EndReportOutcomes.Outcome(id, failure.getMessage(), RETRY_BASE_MILLIS);
    }
    LOG.info("job {}: reporting its end failed ({}), will retry", jobId, failure.toString());
    return new EndReportOutcomes.Outcome(id, failure.toString(),
        Backoff.afterAttempt(RETRY_BASE_MILLIS, report.getInteger("deliveries")));
  }
}
