package dev.orgplane.org.event;

import dev.orgplane.kit.outbox.Backoff;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * Records what a hook delivery's attempt came to: the attempt, and the delivery's state. A success always counts (a
 * delivered event is never sent again); a failure only from the latest claim of a delivery still pending. An attempt
 * that outlived its lease, while another instance claimed the delivery again and got it through, used to set it
 * pending again (or failed).
 */
record DeliveryOutcomes(Pool pool, int maxAttempts, long retryBaseMillis) {

  /**
   * One statement, so no explicit transaction: the attempt's insert and the delivery's update commit together, and a
   * round of deliveries costs one round trip each rather than four (BEGIN, INSERT, UPDATE, COMMIT).
   */
  private static final String RECORD = "WITH attempt AS (INSERT INTO org.hook_delivery_attempts "
      + "(delivery_id, attempt, status_code, error, duration_ms) VALUES ($1, $4, $5, $6, $7)) "
      + "UPDATE org.hook_deliveries SET state = $2, next_attempt_at = now() + $3 * interval '1 millisecond' "
      + "WHERE id = $1 AND state = 'pending' AND ($2 = 'delivered' OR attempts = $4)";

  /** Attempt number {@code attempt} of the delivery: its answer ({@code status} or {@code error}) after {@code ms}. */
  Future<Void> record(long deliveryId, int attempt, boolean delivered, Integer status, String error, int ms) {
    var exhausted = !delivered && attempt >= maxAttempts;
    var backoff = (double) Backoff.afterAttempt(retryBaseMillis, attempt);
    var state = delivered ? "delivered" : exhausted ? "failed" : "pending";
    return pool.preparedQuery(RECORD).execute(Tuple.of(deliveryId, state, backoff, attempt, status, error, ms))
        .mapEmpty();
  }
}
