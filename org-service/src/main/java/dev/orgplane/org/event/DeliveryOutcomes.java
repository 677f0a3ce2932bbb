package dev.orgplane.org.event;

import dev.orgplane.kit.outbox.AttemptLease;
import dev.orgplane.kit.outbox.Backoff;
import dev.orgplane.org.audit.AuditLog;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;

/**
 * Records what a hook delivery's attempt came to: the attempt, and the delivery's state, which only an outcome that
 * counts sets ({@link AttemptLease}).
 *
 * <p>A delivery that ends (delivered or failed) also counts for its hook: {@code disableAfter} failed ones in a row
 * while it is active ({@code 0}: never) deactivate the hook as an admin's {@code active: false} does, audited as {@code hook.updated}
 * by {@value AuditLog#PLATFORM} and delivered to the organization's other hooks subscribed to it; a delivered one
 * starts the count again.
 */
record DeliveryOutcomes(Pool pool, int maxAttempts, long retryBaseMillis, int disableAfter) {

  /** The failure, of a delivery that ended now ({@code d}), that deactivates its hook {@code h}. */
  private static final String DISABLING =
      "(d.state = 'failed' AND h.active AND $8 > 0 AND h.consecutive_failures + 1 >= $8)";

  /**
   * One statement, so no explicit transaction: the attempt's insert and the delivery's update commit together, and a
   * round of deliveries costs one round trip each rather than four (BEGIN, INSERT, UPDATE, COMMIT). The hook's count
   * is updated in place, so concurrent outcomes of one hook's deliveries wait for each other's row lock and each
   * counts on the last one's result (its conditions are checked again on that row): exactly one of them deactivates
   * it. The count restarts at that deactivation, which is how the statement tells it happened (a failure leaves any
   * other count at 1 or more), and gives a hook that is activated again the whole allowance: failures while it is
   * inactive are not counted. A success with the count at 0 writes nothing to the hook.
   */
  private static final String RECORD = "WITH attempt AS (INSERT INTO org.hook_delivery_attempts "
      + "(delivery_id, attempt, status_code, error, duration_ms) VALUES ($1, $4, $5, $6, $7)), "
      + "d AS (UPDATE org.hook_deliveries d SET state = $2, next_attempt_at = now() + $3 * interval '1 millisecond' "
      + "WHERE d.id = $1 AND " + AttemptLease.outcomeCounts("d", "$2 = 'delivered'", "$4")
      + " RETURNING d.org_id, d.hook_id, d.state), "
      + "counted AS (UPDATE org.hooks h SET consecutive_failures = CASE WHEN d.state = 'delivered' OR " + DISABLING
      + " THEN 0 ELSE h.consecutive_failures + 1 END, active = h.active AND NOT " + DISABLING + ", "
      + "updated_at = CASE WHEN " + DISABLING + " THEN now() ELSE h.updated_at END FROM d "
      + "WHERE h.org_id = d.org_id AND h.id = d.hook_id "
      + "AND (d.state = 'failed' AND h.active OR d.state = 'delivered' AND h.consecutive_failures > 0) "
      + "RETURNING h.org_id, h.id AS hook_id, d.state, h.consecutive_failures), "
      + "disabled AS (SELECT org_id, hook_id, 'hook:' || hook_id AS target, jsonb_build_object('fields', "
      + "jsonb_build_array('active'), 'reason', 'consecutive_failures', 'failures', $8::int) AS details FROM counted "
      + "WHERE state = 'failed' AND consecutive_failures = 0), "
      + AuditLog.platformHookEventsOf("disabled", "hook.updated", 9) + " SELECT 1";

  /** Attempt number {@code attempt} of the delivery: its answer ({@code status} or {@code error}) after {@code ms}. */
  Future<Void> record(long deliveryId, int attempt, boolean delivered, Integer status, String error, int ms) {
    var exhausted = !delivered && attempt >= maxAttempts;
    var backoff = (double) Backoff.afterAttempt(retryBaseMillis, attempt);
    var state = delivered ? "delivered" : exhausted ? "failed" : "pending";
    return pool.preparedQuery(RECORD).execute(Tuple.of(deliveryId, state, backoff, attempt, status, error, ms)
            .addValue(disableAfter).addValue(Instant.now().toString()))
        .mapEmpty();
  }
}
