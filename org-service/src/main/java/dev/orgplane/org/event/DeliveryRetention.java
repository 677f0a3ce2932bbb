package dev.orgplane.org.event;

import dev.orgplane.kit.config.Settings;
import dev.orgplane.kit.db.BatchedPurge;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * How long a hook's ended deliveries (delivered or failed), with their attempts, stay for {@code GET
 * .../deliveries} and redelivery: {@value #SETTING}. Each delivery and its attempts were kept for ever, every
 * organization's table growing with every event its hooks heard. A pending delivery stays however old it is: it is
 * still to be sent (an inactive hook's wait for it).
 */
public final class DeliveryRetention {

  static final String SETTING = "ORGPLANE_HOOK_DELIVERY_RETENTION_DAYS";
  /** The longest retention: ten years, far within what an interval holds. */
  static final int LONGEST_DAYS = 3650;

  private DeliveryRetention() {
  }

  /** {@value #SETTING}, a day to ten years, else the start stops naming it. */
  public static int days(Settings settings) {
    return settings.integer(SETTING, 1, LONGEST_DAYS);
  }

  /**
   * Drops ended deliveries made, and last attempted, more than {@code days} ago, their attempts with them (deleted on
   * cascade): one tried for days, or held while its hook was inactive, is kept as long from its end. Found by V43's
   * index (see {@link BatchedPurge#hourly}).
   */
  public static BatchedPurge endedPurge(Pool pool, int days) {
    return new BatchedPurge(pool, "ended hook deliveries", "DELETE FROM org.hook_deliveries WHERE id IN (SELECT d.id "
        + "FROM org.hook_deliveries d WHERE d.state <> 'pending' AND d.created_at < now() - make_interval(days => $1) "
        + "AND NOT EXISTS (SELECT 1 FROM org.hook_delivery_attempts a WHERE a.delivery_id = d.id "
        + "AND a.attempted_at >= now() - make_interval(days => $1)) LIMIT " + BatchedPurge.BATCH + ")", Tuple.of(days));
  }
}
