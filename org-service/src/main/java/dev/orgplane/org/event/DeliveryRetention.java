package dev.orgplane.org.event;

import dev.orgplane.kit.config.Settings;
import dev.orgplane.kit.db.BatchedPurge;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/**
 * How long a hook's deliveries, with their attempts, stay for {@code GET .../deliveries}, redelivery and, parked for an
 * inactive hook, for its activation: {@value #SETTING}, and their events' payloads (V64) until no delivery kept names
 * them. Each delivery and its attempts were kept for ever, every organization's table growing with every event its
 * hooks heard. A pending delivery of an active hook stays however old it is: it is still to be sent.
 */
public final class DeliveryRetention {

  static final String SETTING = "ORGPLANE_HOOK_DELIVERY_RETENTION_DAYS";
  /** The longest retention: ten years, far within what an interval holds. */
  static final int LONGEST_DAYS = 3650;
  /** A delivery parked for an inactive hook: pending and due at 'infinity' (V39). */
  static final String PARKED = "state = 'pending' AND next_attempt_at = 'infinity'";

  private DeliveryRetention() {
  }

  /** {@value #SETTING}, a day to ten years, else the start stops naming it. */
  public static int days(Settings settings) {
    return settings.integer(SETTING, 1, LONGEST_DAYS);
  }

  /** The purges of {@link #endedPurge}, {@link #parkedPurge} and {@link #unreferencedPurge}, to run hourly. */
  public static List<BatchedPurge> purges(Pool pool, int days) {
    return List.of(endedPurge(pool, days), parkedPurge(pool, days), unreferencedPurge(pool, days));
  }

  /**
   * Drops ended deliveries made, and last attempted, more than {@code days} ago, their attempts with them (deleted on
   * cascade): one tried for days, or held while its hook was inactive, is kept as long from its end. Found by V43's
   * index (see {@link BatchedPurge#hourly}).
   */
  static BatchedPurge endedPurge(Pool pool, int days) {
    return purge(pool, "ended hook deliveries", "state <> 'pending'", days);
  }

  /**
   * Drops deliveries parked for an inactive hook (pending, due at 'infinity': V39) made, and last attempted, more than
   * {@code days} ago, as an ended one goes: a hook paused for good kept what was queued before its pause for ever (it
   * gets no new events while paused), and one activated again gets what is within the retention. Found by V62's index.
   */
  static BatchedPurge parkedPurge(Pool pool, int days) {
    return purge(pool, "parked hook deliveries", PARKED, days);
  }

  /**
   * Drops event payloads (V64) made more than {@code days} ago that no delivery names any more: its last one purged, or
   * deleted with its hook. A payload is stored in the statement that queues its deliveries and only a redelivery of
   * one of them names it again, holding that delivery to its commit, so one no delivery names stays so. Only those
   * past the retention are read (V64's index, from the oldest), each looked up among the deliveries by V65's index:
   * not the whole table every hour, and no payload a delivery of it still to be purged names. One a deleted hook's
   * deliveries named waits out the retention like the rest.
   */
  static BatchedPurge unreferencedPurge(Pool pool, int days) {
    return new BatchedPurge(pool, "unreferenced hook payloads", UNREFERENCED, Tuple.of(days));
  }

  /**
   * Up to a batch of payloads past the retention of {@code $1} days that no delivery names. Rows another transaction
   * holds (a redelivery naming one, whose foreign key holds it) are skipped, left to the next run.
   */
  static final String UNREFERENCED = "DELETE FROM org.hook_payloads WHERE id IN (SELECT p.id FROM org.hook_payloads p "
      + "WHERE p.created_at < now() - make_interval(days => $1) AND NOT EXISTS (SELECT 1 FROM org.hook_deliveries d "
      + "WHERE d.payload_id = p.id) LIMIT " + BatchedPurge.BATCH + " FOR UPDATE SKIP LOCKED)";

  private static BatchedPurge purge(Pool pool, String what, String state, int days) {
    return new BatchedPurge(pool, what, delete(state), Tuple.of(days));
  }

  /**
   * Deletes up to a batch of deliveries in {@code state} (a condition on the delivery's row alone, its columns
   * unqualified, so that it reads the subquery's row there and the deleted row after) past the retention of {@code $1}
   * days. The condition is checked again on the row deleted: a hook activated meanwhile makes its parked deliveries
   * due, and a delete that waited for that activation sees the row as it left it, where the batch's subquery saw it
   * parked. Rows another transaction holds are skipped, left to the next run, not waited for: a hook's activation or
   * deletion takes its deliveries in another order than a batch does, and the two deadlocked, the hook's change
   * failing (409) when it lost.
   */
  static String delete(String state) {
    return "DELETE FROM org.hook_deliveries WHERE id IN (SELECT d.id FROM org.hook_deliveries d WHERE " + state
        + " AND d.created_at < now() - make_interval(days => $1) AND NOT EXISTS (SELECT 1 FROM "
        + "org.hook_delivery_attempts a WHERE a.delivery_id = d.id AND a.attempted_at >= now() - make_interval(days "
        + "=> $1)) LIMIT " + BatchedPurge.BATCH + " FOR UPDATE SKIP LOCKED) AND " + state;
  }
}
