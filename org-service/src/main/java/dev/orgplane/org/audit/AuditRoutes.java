package dev.orgplane.org.audit;

import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.Ids;
import dev.orgplane.kit.http.PageRequest;
import dev.orgplane.kit.http.QueryParameters;
import dev.orgplane.kit.http.Timestamps;
import dev.orgplane.org.access.AccessPolicy;
import dev.orgplane.org.role.PermissionCatalog;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.function.Function;

/**
 * {@code GET /v1/organizations/{org}/audit-events}, newest first, optionally only the events of one
 * {@code action}, {@code actor}, {@code target} or {@code jobId}, and of a time window ({@code since}
 * inclusive, {@code until} exclusive, ISO-8601): a provisioned organization's trail holds thousands. Each event's
 * actor and details are those its reader is shown ({@link ShownEvent}); an {@code actor} finds no event whose actor
 * the reader is not shown. {@code order=oldest} reads it for an export instead ({@link ExportOrder}); newest first
 * stays the default, as it shows a reader's own events the moment they commit, which the export's order holds back
 * while any older transaction runs.
 */
public final class AuditRoutes {

  private static final QueryParameters FILTERS = QueryParameters.list("action", "actor", "target", "jobId", "since",
      "until", "order");
  /**
   * Planned per call: a filter left out (NULL) is then no condition and one given meets V44's index for it, where one
   * cached plan for every filter walked the organization's whole log newest first (a {@code since} nothing matched,
   * 200-650 ms at 400,000 events).
   */
  private static final String FILTERED = "AND ($4::text IS NULL OR action = $4) "
      + "AND ($5::text IS NULL OR actor = $5 AND action <> ALL ($10::text[])) "
      + "AND ($6::text IS NULL OR target = $6) AND ($7::uuid IS NULL OR job_id = $7) "
      + "AND ($8::timestamptz IS NULL OR created_at >= $8) AND ($9::timestamptz IS NULL OR created_at < $9) "
      + "AND " + ShownEvent.inviteesMembersShown(11);
  private static final String NEWEST_FIRST = Database.PLANNED_PER_CALL
      + "SELECT * FROM org.audit_events WHERE org_id = $1 AND id < $2 " + FILTERED + " ORDER BY id DESC LIMIT $3";
  /** {@link ExportOrder}: the page starts after the sort key $2 and the id $12. */
  private static final String OLDEST_FIRST = Database.PLANNED_PER_CALL
      + "SELECT * FROM org.audit_events WHERE org_id = $1 AND (" + ExportOrder.KEY + ", id) > ($2::text::xid8, $12) "
      + "AND " + ExportOrder.VISIBLE + " " + FILTERED + " ORDER BY " + ExportOrder.KEY + ", id LIMIT $3";

  private final Pool pool;

  public AuditRoutes(Pool pool) {
    this.pool = pool;
  }

  public void mount(Router router) {
    FILTERS.on(router.get("/v1/organizations/:org/audit-events")).handler(this::list);
  }

  private void list(RoutingContext ctx) {
    var page = PageRequest.of(ctx);
    var query = ctx.queryParams();
    var action = filter(query, "action");
    var actor = filter(query, "actor");
    var target = filter(query, "target");
    var jobId = query.get("jobId") == null ? null : Ids.uuid(query.get("jobId"), "jobId");
    var since = WindowBound.parse(query.get("since"), "since");
    var until = WindowBound.parse(query.get("until"), "until");
    var oldestFirst = oldestFirst(query.get("order"));
    AccessPolicy.require(pool, BearerAuth.principal(ctx), ctx.pathParam("org"), PermissionCatalog.AUDIT_LIST)
        .map(ShownEvent::new)
        .compose(shown -> {
          var orgId = shown.reader().orgId();
          Function<Object, Tuple> startingAfter = start -> Tuple.from(new Object[] {orgId, start, page.fetchSize(),
              action, actor, target, jobId, since, until, shown.hiddenActors().toArray(String[]::new),
              shown.showsInviteesMembers()});
          Future<RowSet<Row>> rows = oldestFirst
              ? ExportOrder.after(pool, orgId, page).compose(after -> pool.preparedQuery(OLDEST_FIRST)
                  .execute(startingAfter.apply(after.xact()).addLong(after.id())))
              : LogCursor.before(pool, "org.audit_events", orgId, page)
                  .compose(before -> pool.preparedQuery(NEWEST_FIRST).execute(startingAfter.apply(before)));
          return rows.map(found -> {
            var list = new ArrayList<Row>();
            found.forEach(list::add);
            return page.page(list, row -> toJson(row, shown), oldestFirst ? ExportOrder::of : LogCursor::of);
          });
        })
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  /** Whether {@code order} asks for the export's order, oldest first; 400 {@code invalid_order} for neither. */
  private static boolean oldestFirst(String order) {
    if (order == null || order.equals("newest")) {
      return false;
    }
    if (order.equals("oldest")) {
      return true;
    }
    throw ApiException.badRequest("invalid_order", "order is newest or oldest.");
  }

  /**
   * The value of the filter {@code name}; null if not given. No event has a blank action, actor or target, so a blank
   * one is refused (400 {@code invalid_filter}) as the other lists refuse theirs, rather than answered with nothing.
   */
  private static String filter(MultiMap query, String name) {
    var value = query.get(name);
    if (value != null && value.isBlank()) {
      throw ApiException.badRequest("invalid_filter", name + " names what the events must have: it is never blank.");
    }
    return value;
  }

  private static JsonObject toJson(Row row, ShownEvent shown) {
    var action = row.getString("action");
    return new JsonObject().put("id", row.getUUID("public_id").toString())
        .put("actor", shown.actor(action, row.getString("actor")))
        .put("action", action).put("target", row.getString("target"))
        .put("details", shown.details(action, row.getJsonObject("details")))
        .put("requestId", row.getString("request_id"))
        .put("jobId", row.getUUID("job_id") == null ? null : row.getUUID("job_id").toString())
        .put("createdAt", Timestamps.iso(row.getOffsetDateTime("created_at")));
  }
}
