package dev.orgplane.org.mail;

import dev.orgplane.kit.outbox.AttemptLease;
import dev.orgplane.kit.outbox.Backoff;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/**
 * Records what a round of mail sends came to, in one statement: a sent mail is done, a failed one waits its backoff
 * and is tried again until its {@code maxAttempts}-th attempt failed. Which outcomes count: {@link AttemptLease}.
 * A mail done (sent or failed for good) loses its body: the body of a password reset, verification or invitation
 * holds the raw token, which the database otherwise keeps only hashed.
 */
record MailOutcomes(SqlClient client, int maxAttempts, long retryBaseMillis) {

  /** Attempt number {@code attempt} of the mail {@code id}: sent, or failed with {@code error}. */
  record Outcome(long id, int attempt, boolean sent, String error) {
  }

  private static final String RECORD = "UPDATE org.mail_outbox m SET state = o.state, last_error = o.error, "
      + "body = CASE WHEN o.state = 'pending' THEN m.body ELSE '' END, "
      + "next_attempt_at = now() + o.backoff * interval '1 millisecond' "
      + "FROM unnest($1::bigint[], $2::int[], $3::text[], $4::text[], $5::float8[]) "
      + "AS o(id, attempt, state, error, backoff) "
      + "WHERE m.id = o.id AND " + AttemptLease.outcomeCounts("m", "o.state = 'sent'", "o.attempt");

  Future<Void> record(List<Outcome> outcomes) {
    return client.preparedQuery(RECORD).execute(Tuple.of(
            outcomes.stream().map(Outcome::id).toArray(Long[]::new),
            outcomes.stream().map(Outcome::attempt).toArray(Integer[]::new),
            outcomes.stream().map(this::state).toArray(String[]::new),
            outcomes.stream().map(Outcome::error).toArray(String[]::new),
            outcomes.stream().map(o -> (double) Backoff.afterAttempt(retryBaseMillis, o.attempt()))
                .toArray(Double[]::new)))
        .mapEmpty();
  }

  private String state(Outcome outcome) {
    return AttemptLease.stateAfter(outcome.sent(), outcome.attempt(), maxAttempts, "sent");
  }
}
