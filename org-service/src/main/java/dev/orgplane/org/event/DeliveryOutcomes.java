package dev.orgplane.org.event;

import dev.orgplane.kit.db.DeadlockRetries;
import dev.orgplane.kit.outbox.AttemptLease;
import dev.orgplane.kit.outbox.Backoff;
import dev.orgplane.org.audit.AuditLog;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Records what a round of hook delivery attempts came to, in one statement: each attempt, and each delivery's state,
 * which only an outcome that counts sets ({@link AttemptLease}). A delivery another transaction holds meanwhile is
 * recorded once that one ends, by a statement of its own ({@link #record}).
 *
 * <p>A delivery that ends (delivered or failed) also counts for its hook: {@code disableAfter} failed ones in a row
 * while it is active ({@code 0}: never) deactivate the hook as an admin's {@code active: false} does, audited as {@code hook.updated}
 * by {@value AuditLog#PLATFORM} and delivered to the organization's other hooks subscribed to it; a delivered one
 * starts the count again. A round's deliveries of one hook end together: its delivered ones restart the count first
 * and its failed ones add to it after, so a hook that delivered in a round is deactivated only by that round's own
 * failures.
 */
record DeliveryOutcomes(SqlClient client, int maxAttempts, long retryBaseMillis, int disableAfter) {

  /**
   * Attempt number {@code attempt} of the delivery: its answer ({@code status} or {@code error}) after {@code ms}.
   * {@code made}: false for an attempt never made, its host's lookup still waiting for a thread at its deadline
   * ({@link HookResolver.Queued}), which gives the claim's attempt back ({@link #RECORD}).
   */
  record Outcome(long deliveryId, int attempt, boolean delivered, Integer status, String error, int ms, boolean made) {

    /** An attempt that was made. */
    Outcome(long deliveryId, int attempt, boolean delivered, Integer status, String error, int ms) {
      this(deliveryId, attempt, delivered, status, error, ms, true);
    }
  }

  /** Where the window in which an attempt never made is given back stops growing: a day. */
  private static final long GIVEN_BACK_AT_MOST_MILLIS = 86_400_000;

  /** The event a deactivation is audited and delivered as. */
  private static final String DEACTIVATION = "hook.updated";

  /**
   * One statement, so no explicit transaction: the attempts' insert, the deliveries' update and their hooks' counts
   * commit together, in one round trip a round. The hooks' rows are locked ({@code counts}) before they are counted,
   * so concurrent rounds ending deliveries of one hook wait for each other and each counts on the last one's result
   * (its conditions are checked again on that row): exactly one of them deactivates it. They are locked in their ids'
   * order, whatever order the plan finds them in (a hashed grouping of the round's deliveries gives each round its
   * own), so two rounds ending deliveries of the same hooks never wait for each other both ways: one lost to a
   * deadlock, and its deliveries went out again once their leases lapsed. They are locked FOR NO KEY UPDATE, what
   * the count's update takes anyway, which leaves them to FOR KEY SHARE: to another round's {@code listening} and to
   * the foreign keys of deliveries queued for them meanwhile (an admin's hook writes' events). Under FOR UPDATE, a
   * round counting a listener of a hook that another round deactivated waited for that hook, while the other, holding
   * the hook, waited for the listener to tell it. The count restarts at that
   * deactivation and gives a hook that is activated again the whole allowance: failures while it is inactive are not
   * counted. A round that delivers with the count at 0 writes nothing to the hook. The deliveries gone meanwhile
   * (their hook or organization deleted while they were sent) are left out: one such attempt would otherwise fail its
   * foreign key, and with it the whole round's outcomes, other tenants' included. The statement's snapshot may still
   * show one whose deletion committed since, while the foreign key looks at the latest rows, so the deliveries are
   * held first ({@code live}, FOR KEY SHARE, what the foreign key takes): one deleted since is not found, and one
   * whose deletion is under way is skipped rather than waited for (the deleting transaction may be waiting for this
   * one's hooks), and answered, to be recorded once that deletion ends ({@link #record}). Only {@code live}'s rows
   * are updated, each after it was held: held after the update, by the same statement, a row would be skipped as
   * already changed. A delivery to be retried whose hook was deactivated while it was sent waits, like the hook's
   * others, at 'infinity' (V39). Whether its hook is active is read from the hook as it is when recorded
   * ({@code hook}: the round's hooks locked, in their ids' order, as {@code counts} locks them later: an activation or
   * a deactivation under way is waited for, one committed since the snapshot is read), not from the statement's
   * snapshot: the trigger of either leaves a delivery alone for as long as it is being sent, so one recorded on a
   * snapshot from before an activation waited at 'infinity' under an active hook, never sent, until purged, and one
   * from before a deactivation was due under an inactive hook, never sent nor purged. Rounds ending deliveries of
   * one hook so wait for each other, for the moment of a statement. A hook's deletion under way while its
   * delivery is recorded may deadlock with the round (the hook, then its deliveries): whichever loses is made again
   * ({@link DeadlockRetries}; the deletion too, {@code SetupRoutes}). The event of a deactivation goes to the organization's hooks subscribed to it
   * ({@code listeners}): those this statement counted as the count leaves them (the ones it deactivates left out),
   * and the others held first ({@code listening}, FOR KEY SHARE again), so that one deleted since the snapshot is
   * left out rather than failing the deliveries' foreign key; the counted ones are not held there, being already
   * locked and, changed by this statement, they would be skipped. An attempt never made ({@link Outcome#made}) of a
   * delivery made within {@code $10} ms ({@link #givenBackWithin}) records nothing and counts for nothing: its
   * claim's attempt is given back and it is due again after its backoff, pending, so another tenant's hooks holding
   * the lookup threads neither fail it nor deactivate its hook; later, it counts as any failed attempt, so a
   * delivery whose lookups never get a thread is not retried for ever.
   */
  private static final String RECORD = "WITH o AS (SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[], "
      + "$4::float8[], $5::int[], $6::text[], $7::int[], $11::boolean[]) "
      + "AS o(id, attempt, state, backoff, status, error, ms, made)), "
      + "live AS (SELECT d.id, d.org_id, d.hook_id, d.created_at > now() - $10 * interval '1 millisecond' AS recent "
      + "FROM org.hook_deliveries d WHERE d.id = ANY ($1) FOR KEY SHARE SKIP LOCKED), "
      + "tried AS (SELECT o.*, o.made OR NOT live.recent AS counts FROM o JOIN live ON live.id = o.id), "
      + "attempt AS (INSERT INTO org.hook_delivery_attempts (delivery_id, attempt, status_code, error, duration_ms) "
      + "SELECT o.id, o.attempt, o.status, o.error, o.ms FROM tried o WHERE o.counts), "
      + "hook AS (SELECT h.org_id, h.id, h.active FROM org.hooks h WHERE (h.org_id, h.id) IN (SELECT "
      + "org_id, hook_id FROM live) ORDER BY h.id "
      + "FOR NO KEY UPDATE OF h), "
      + "d AS (UPDATE org.hook_deliveries d SET state = CASE WHEN o.counts THEN o.state ELSE 'pending' END, "
      + "attempts = CASE WHEN o.counts THEN d.attempts ELSE d.attempts - 1 END, next_attempt_at = CASE WHEN h.active "
      + "THEN now() + o.backoff * interval '1 millisecond' ELSE 'infinity' END FROM tried o, hook h "
      + "WHERE d.id = o.id AND h.org_id = d.org_id AND h.id = d.hook_id AND " + AttemptLease.outcomeCounts("d", "o.state = 'delivered'", "o.attempt")
      + " RETURNING d.org_id, d.hook_id, d.state), "
      + "ended AS (SELECT org_id, hook_id, count(*) FILTER (WHERE state = 'delivered') AS delivered, "
      + "count(*) FILTER (WHERE state = 'failed') AS failed FROM d GROUP BY org_id, hook_id), "
      + "counts AS (SELECT h.org_id, h.id AS hook_id, h.active, h.events, c.failures, "
      + "h.active AND e.failed > 0 AND $8 > 0 AND c.failures >= $8 AS disabling "
      + "FROM org.hooks h JOIN ended e ON h.org_id = e.org_id AND h.id = e.hook_id, LATERAL (SELECT "
      + "CASE WHEN e.delivered > 0 THEN 0 ELSE h.consecutive_failures END "
      + "+ CASE WHEN h.active THEN e.failed ELSE 0 END AS failures) c "
      + "WHERE h.active AND e.failed > 0 OR e.delivered > 0 AND h.consecutive_failures > 0 "
      + "ORDER BY h.id FOR NO KEY UPDATE OF h), "
      + "counted AS (UPDATE org.hooks h SET consecutive_failures = CASE WHEN c.disabling THEN 0 ELSE c.failures END, "
      + "active = h.active AND NOT c.disabling, updated_at = CASE WHEN c.disabling THEN now() ELSE h.updated_at END "
      + "FROM counts c WHERE h.org_id = c.org_id AND h.id = c.hook_id), "
      + "disabled AS (SELECT org_id, hook_id, 'hook:' || hook_id AS target, jsonb_build_object('fields', "
      + "jsonb_build_array('active'), 'reason', 'consecutive_failures', 'failures', $8::int) AS details FROM counts "
      + "WHERE disabling), "
      + "listening AS (SELECT h.org_id, h.id, h.events FROM org.hooks h WHERE h.active AND '" + DEACTIVATION
      + "' = ANY (h.events) "
      + "AND h.org_id IN (SELECT org_id FROM disabled) "
      + "AND NOT EXISTS (SELECT 1 FROM counts c WHERE c.org_id = h.org_id AND c.hook_id = h.id) FOR KEY SHARE OF h), "
      + "listeners AS (SELECT org_id, id, events FROM listening "
      + "UNION ALL SELECT org_id, hook_id, events FROM counts WHERE active AND NOT disabling), "
      + AuditLog.platformHookEventsOf("disabled", DEACTIVATION, "listeners", 9) + " SELECT o.id FROM o "
      + "WHERE NOT EXISTS (SELECT 1 FROM live WHERE live.id = o.id) "
      + "AND EXISTS (SELECT 1 FROM org.hook_deliveries x WHERE x.id = o.id)";

  /** Waits for whoever holds the delivery {@code $1}, holding it only for the moment of this statement. */
  private static final String AWAIT_FREE = "SELECT 1 FROM org.hook_deliveries WHERE id = $1 FOR KEY SHARE";

  /**
   * Records {@code outcomes}; those of deliveries held by another transaction (their hook's or organization's deletion
   * under way, mostly) once it has ended: a deletion that commits takes them with it, one rolled back leaves them to
   * be recorded. Left unrecorded, such a delivery stayed pending with its attempt unknown, and went to its receiver
   * again when its lease lapsed, delivered or not. Each is waited for in a statement of its own, holding no other row:
   * one statement waiting for them all would hold the first while waiting for the next, which the deletion holding
   * that one may be about to take.
   */
  Future<Void> record(List<Outcome> outcomes) {
    return recordFree(outcomes).compose(held -> {
      if (held.isEmpty()) {
        return Future.succeededFuture();
      }
      var waited = Future.<Void>succeededFuture();
      for (var id : held) {
        waited = waited.compose(v -> client.preparedQuery(AWAIT_FREE).execute(Tuple.of(id)).mapEmpty());
      }
      return waited.compose(v -> record(outcomes.stream().filter(o -> held.contains(o.deliveryId())).toList()));
    });
  }

  /**
   * Records the outcomes of the deliveries no other transaction holds, and answers the ids of those it held. A
   * statement PostgreSQL aborted as a deadlock's victim wrote nothing, and is made again (its locks gone, the other
   * transaction goes on): failed, it lost the outcomes of the whole round, other tenants' too, whose deliveries went
   * out again once their leases lapsed. A hook's deletion, and its deactivation (V39's trigger, another round's
   * included), take the hook and then its deliveries, the other way round from this statement's.
   */
  private Future<Set<Long>> recordFree(List<Outcome> outcomes) {
    return DeadlockRetries.retried(() -> recordOnce(outcomes));
  }

  private Future<Set<Long>> recordOnce(List<Outcome> outcomes) {
    return client.preparedQuery(RECORD).execute(Tuple.of(
            outcomes.stream().map(Outcome::deliveryId).toArray(Long[]::new),
            outcomes.stream().map(Outcome::attempt).toArray(Integer[]::new),
            outcomes.stream().map(this::state).toArray(String[]::new),
            outcomes.stream().map(o -> (double) Backoff.afterAttempt(retryBaseMillis, o.attempt()))
                .toArray(Double[]::new),
            outcomes.stream().map(Outcome::status).toArray(Integer[]::new),
            outcomes.stream().map(Outcome::error).toArray(String[]::new),
            outcomes.stream().map(Outcome::ms).toArray(Integer[]::new))
            .addValue(disableAfter).addValue(Instant.now().toString()).addValue((double) givenBackWithin())
            .addValue(outcomes.stream().map(Outcome::made).toArray(Boolean[]::new)))
        .map(rows -> {
          var held = new HashSet<Long>();
          rows.forEach(row -> held.add(row.getLong("id")));
          return held;
        });
  }

  /**
   * How long after a delivery is made an attempt of it never made is given back: the time its attempts would take,
   * every one failing, at most {@link #GIVEN_BACK_AT_MOST_MILLIS} (510 s with the defaults, 8 attempts from 2 s).
   */
  private long givenBackWithin() {
    long schedule = 0;
    for (int attempt = 1; attempt <= maxAttempts && schedule < GIVEN_BACK_AT_MOST_MILLIS; attempt++) {
      schedule += Backoff.afterAttempt(retryBaseMillis, attempt);
    }
    return Math.min(schedule, GIVEN_BACK_AT_MOST_MILLIS);
  }

  private String state(Outcome outcome) {
    return AttemptLease.stateAfter(outcome.delivered(), outcome.attempt(), maxAttempts, "delivered");
  }
}
