package dev.orgplane.org.event;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.UUID;

/**
 * Queues an organization event for every active hook of that organization that subscribes to it,
 * in one statement, inside the caller's transaction: the event goes out if and only if the change
 * that caused it commits.
 */
public final class HookOutbox {

  private HookOutbox() {
  }

  public static Future<Void> emit(SqlClient tx, UUID orgId, String event, String target, JsonObject details) {
    return tx.preparedQuery("WITH events AS (SELECT $1::uuid AS org_id, gen_random_uuid() AS id) " + DELIVERIES)
        .execute(Tuple.of(orgId, event, target, details, Instant.now().toString()))
        .mapEmpty();
  }

  /**
   * The event in every organization {@code member} belongs to, for each of their subscribed hooks, in one statement
   * whatever their number (one event id per organization): what the end of an account queues.
   */
  public static Future<Void> emitInOrganizationsOf(SqlClient tx, UUID member, String event, String target,
      JsonObject details) {
    return tx.preparedQuery("WITH events AS (SELECT org_id, gen_random_uuid() AS id FROM org.memberships "
            + "WHERE user_id = $1) " + DELIVERIES)
        .execute(Tuple.of(member, event, target, details, Instant.now().toString()))
        .mapEmpty();
  }

  /**
   * A delivery of event {@code $2} ({@code $3} its target, {@code $4} its details, {@code $5} when) for each
   * subscribed active hook of each organization in {@code events} (its {@code org_id} and the event's {@code id}).
   */
  private static final String DELIVERIES = "INSERT INTO org.hook_deliveries (org_id, hook_id, event, payload) "
      + "SELECT h.org_id, h.id, $2, jsonb_build_object('id', e.id, 'event', $2::text, 'organizationId', e.org_id, "
      + "'target', $3::text, 'details', $4::jsonb, 'occurredAt', $5::text) "
      + "FROM events e JOIN org.hooks h ON h.org_id = e.org_id WHERE h.active AND $2 = ANY (h.events)";
}
