package dev.orgplane.org.event;

import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.Ids;
import dev.orgplane.kit.http.QueryParameters;
import dev.orgplane.kit.http.Replies;
import dev.orgplane.kit.http.Reply;
import dev.orgplane.org.access.AccessPolicy;
import dev.orgplane.org.audit.AuditLog;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Deliveries queued by hand rather than by an event: {@code POST .../hooks/{id}/pings} queues a {@code ping}, and
 * {@code POST .../hooks/{id}/deliveries/{did}/redeliver} the payload of an earlier delivery again under a new
 * delivery id. Both go out like any delivery (signed, retried, recorded), answer 202 with the new delivery, need
 * what editing the hook needs, and are refused for an inactive hook, which gets no deliveries. Each is one
 * statement (the lookup, the queued delivery and its audit event), committed with the answer its Idempotency-Key
 * keeps.
 *
 * <p>Both decide as every setup write does, in a transaction holding the organization's row
 * ({@link AccessPolicy#requireShared}): a deletion of the organization, or a removal or demotion of the caller, under
 * way is waited for and then applies, and one that comes after the decision waits for the delivery's commit. The
 * lookup holds the hook's row as the delivery's foreign key would ({@code FOR KEY SHARE}), so a deletion of the hook
 * under way is waited for there and leaves the lookup empty (404), where the foreign key refused the delivery after
 * the lookup had found the hook.
 */
public final class ManualDeliveryRoutes {

  static final String PING = "ping";

  private static final String PING_SQL = "WITH hook AS (SELECT org_id, id, active FROM org.hooks "
      + "WHERE org_id = $1 AND id = $2 FOR KEY SHARE), "
      + "payload AS (INSERT INTO org.hook_payloads (org_id, payload) SELECT org_id, jsonb_build_object('id', "
      + "gen_random_uuid(), 'event', '" + PING + "', 'organizationId', org_id, 'target', 'hook:' || id, 'details', "
      + "'{}'::jsonb, 'occurredAt', $3::text) FROM hook WHERE active RETURNING id), "
      + "d AS (INSERT INTO org.hook_deliveries AS q (org_id, hook_id, event, payload_id) SELECT hook.org_id, hook.id, '"
      + PING + "', payload.id FROM hook, payload RETURNING q.*), "
      + "audited AS (" + AuditLog.insertFor("d", 4) + ") "
      + "SELECT hook.active, NULL AS original_state, " + DeliveryView.COLUMNS + " FROM hook LEFT JOIN d ON true";

  /**
   * A pending delivery is not repeated: it is still being tried. The redelivery names the original's payload, so it
   * sends the same bytes; an original queued before V64 lends its own inline payload, copied. The original is held
   * (FOR KEY SHARE) to the commit, which the retention's purge skips: its payload keeps a delivery naming it until the
   * redelivery names it too (unheld, both could be purged meanwhile, and the redelivery fail 409 {@code reference_gone}).
   */
  private static final String REDELIVER_SQL = "WITH original AS (SELECT o.org_id, o.hook_id, o.event, o.payload, "
      + "o.payload_id, o.public_id, o.state, h.active FROM org.hook_deliveries o JOIN org.hooks h "
      + "ON h.org_id = o.org_id AND h.id = o.hook_id WHERE o.org_id = $1 AND o.hook_id = $2 AND o.public_id = $3 "
      + "FOR KEY SHARE OF h, o), "
      + "d AS (INSERT INTO org.hook_deliveries AS q (org_id, hook_id, event, payload, payload_id, redelivery_of) "
      + "SELECT org_id, hook_id, event, payload, payload_id, public_id FROM original "
      + "WHERE active AND state <> 'pending' "
      + "RETURNING q.*), "
      + "audited AS (" + AuditLog.insertFor("d", 4) + ") "
      + "SELECT original.active, original.state AS original_state, " + DeliveryView.COLUMNS
      + " FROM original LEFT JOIN d ON true";

  private final Pool pool;

  public ManualDeliveryRoutes(Pool pool) {
    this.pool = pool;
  }

  public void mount(Router router) {
    QueryParameters.NONE.on(router.post("/v1/organizations/:org/hooks/:id/pings")).handler(this::ping);
    QueryParameters.NONE.on(router.post("/v1/organizations/:org/hooks/:id/deliveries/:did/redeliver")).handler(this::redeliver);
  }

  private void ping(RoutingContext ctx) {
    var hookId = Ids.uuid(ctx.pathParam("id"), "id");
    queue(ctx, hookId, PING_SQL, Instant.now().toString(), "hook.pinged", new JsonObject(),
        () -> ApiException.notFound("hook_not_found", "No such hook in this organization."));
  }

  private void redeliver(RoutingContext ctx) {
    var hookId = Ids.uuid(ctx.pathParam("id"), "id");
    var deliveryId = Ids.uuid(ctx.pathParam("did"), "did");
    queue(ctx, hookId, REDELIVER_SQL, deliveryId, "hook.redelivered",
        new JsonObject().put("deliveryId", deliveryId.toString()), DeliveryRoutes::notFound);
  }

  /**
   * Runs {@code sql} with the organization, the hook, {@code third} and the audit event's values ($4 on), and
   * answers the delivery it queued, or why none was.
   */
  private void queue(RoutingContext ctx, UUID hookId, String sql, Object third, String action, JsonObject details,
      Supplier<ApiException> notFound) {
    var principal = BearerAuth.principal(ctx);
    pool.withTransaction(db -> AccessPolicy.requireShared(db, principal, ctx.pathParam("org"), "app_hook_update")
            .compose(access -> {
              var audit = AuditLog.values(ctx, access.orgId(), principal.subject(), action, "hook:" + hookId, details);
              var params = Tuple.of(access.orgId(), hookId, third);
              for (var value : audit) {
                params.addValue(value);
              }
              return db.preparedQuery(sql).execute(params).map(rows -> queued(rows, notFound))
                  .compose(row -> Replies.keep(db, ctx, Reply.of(202, DeliveryView.toJson(row))
                      .withHeader("Location", DeliveryView.location(access.orgId(), hookId, row))));
            }))
        .onSuccess(reply -> reply.send(ctx))
        .onFailure(ctx::fail);
  }

  /** The delivery the statement queued, or why it queued none. */
  private static Row queued(RowSet<Row> rows, Supplier<ApiException> notFound) {
    var row = rows.size() == 0 ? null : rows.iterator().next();
    if (row == null) {
      throw notFound.get();
    }
    if (!row.getBoolean("active")) {
      throw ApiException.conflict("hook_inactive", "The hook is inactive and gets no deliveries; "
          + "activate it first.");
    }
    if ("pending".equals(row.getString("original_state"))) {
      throw ApiException.conflict("delivery_pending", "The delivery is still being tried; "
          + "redeliver it once it is delivered or failed.");
    }
    return row;
  }
}
