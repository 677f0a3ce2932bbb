package dev.orgplane.org.event;

import dev.orgplane.kit.db.SqlTimestamps;
import dev.orgplane.kit.http.Timestamps;
import dev.orgplane.org.organization.OrganizationPaths;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.UUID;

/** How the API shows a hook delivery: the columns to select and the JSON made of them, for every route alike. */
final class DeliveryView {

  /** The columns of {@link #toJson}, of the delivery aliased {@code d}, its attempts as {@code tries}. */
  static final String COLUMNS = "d.id, d.public_id, d.event, d.state, d.created_at, "
      + "nullif(d.next_attempt_at, 'infinity') AS next_attempt_at, "
      + "d.redelivery_of, COALESCE((SELECT jsonb_agg(jsonb_build_object('attempt', a.attempt, 'statusCode', "
      + "a.status_code, 'error', a.error, 'durationMs', a.duration_ms, 'at', " + SqlTimestamps.iso("a.attempted_at")
      + ") ORDER BY a.attempt) FROM org.hook_delivery_attempts a WHERE a.delivery_id = d.id), '[]'::jsonb) AS tries";

  private DeliveryView() {
  }

  /**
   * {@code nextAttemptAt} only while the delivery is pending: a delivered or failed one is not tried again, and one of
   * an inactive hook waits for the hook (due at 'infinity', V39), once an attempt under way at its pause has ended
   * (that one keeps its claim, V52).
   */
  static JsonObject toJson(Row row) {
    var pending = "pending".equals(row.getString("state"));
    var original = row.getUUID("redelivery_of");
    return new JsonObject().put("id", row.getUUID("public_id").toString()).put("event", row.getString("event"))
        .put("state", row.getString("state")).put("attempts", (JsonArray) row.getValue("tries"))
        .put("nextAttemptAt", pending ? Timestamps.iso(row.getOffsetDateTime("next_attempt_at")) : null)
        .put("redeliveryOf", original == null ? null : original.toString())
        .put("createdAt", Timestamps.iso(row.getOffsetDateTime("created_at")));
  }

  /** Where the API shows one delivery. */
  static String location(UUID orgId, UUID hookId, Row row) {
    return OrganizationPaths.of(orgId, "hooks", hookId, "deliveries", row.getUUID("public_id"));
  }
}
