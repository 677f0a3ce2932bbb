package dev.orgplane.engine.job;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/**
 * Records what a round of end report deliveries came to ({@link EndReports}), in one statement: a report that is done
 * (delivered, or given up) is forgotten, one to try again waits its backoff.
 */
final class EndReportOutcomes {

  /** What delivering the report {@code id} came to: done ({@code error} null), or to be tried again after a wait. */
  record Outcome(long id, String error, long retryInMillis) {

    static Outcome done(long id) {
      return new Outcome(id, null, 0);
    }
  }

  private static final String RECORD = "WITH o AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::float8[]) "
      + "AS o(id, error, retry_in)), "
      + "forgotten AS (DELETE FROM provisioning.job_end_reports r USING o WHERE r.id = o.id AND o.error IS NULL) "
      + "UPDATE provisioning.job_end_reports r SET last_error = o.error, "
      + "next_attempt_at = now() + o.retry_in * interval '1 millisecond' "
      + "FROM o WHERE r.id = o.id AND o.error IS NOT NULL";

  private EndReportOutcomes() {
  }

  static Future<Void> record(SqlClient client, List<Outcome> outcomes) {
    return client.preparedQuery(RECORD).execute(Tuple.of(outcomes.stream().map(Outcome::id).toArray(Long[]::new),
            outcomes.stream().map(Outcome::error).toArray(String[]::new),
            outcomes.stream().map(o -> (double) o.retryInMillis()).toArray(Double[]::new)))
        .mapEmpty();
  }
}
