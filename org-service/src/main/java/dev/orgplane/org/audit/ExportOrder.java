package dev.orgplane.org.audit;

import dev.orgplane.kit.http.Ids;
import dev.orgplane.kit.http.PageRequest;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * The trail oldest first ({@code order=oldest}), for a client that exports it, or polls it, and must see every event
 * once. Events become visible as their transactions commit: in neither id order nor {@code created_at} order (the
 * transaction's start), so a cursor on either passed an event whose transaction began first and committed later, and
 * the client never saw it. This order is that of the transaction that wrote each event (V57; the events before V57
 * read as transaction 0) and then its id, and shows only the events of transactions older than every transaction
 * still running ({@link #VISIBLE}): an event that becomes visible later belongs to one of those, so it sorts after
 * every event already shown, and after every cursor handed out.
 *
 * <p>Its cursor is marked as this order's ({@value #MARK} and the event's public id): a newest-first cursor can name an
 * event not yet shown here, and paging on from it would pass the events of transactions older than that event's.
 */
final class ExportOrder {

  /** The sort key of an event after its organization, as V58's index holds it. */
  static final String KEY = "COALESCE(xact_id, '0'::xid8)";
  /**
   * The condition an event shown in this order meets: its transaction precedes the oldest one still running, as this
   * statement's snapshot sees them.
   */
  static final String VISIBLE = KEY + " < pg_snapshot_xmin(pg_current_snapshot())";

  private static final String MARK = "oldest:";

  private ExportOrder() {
  }

  /** Where the page after {@code page}'s cursor starts, in this order: after the event's sort key and id. */
  record Position(String xact, long id) {
    static final Position START = new Position("0", 0);
  }

  /**
   * The position of {@code page}'s cursor, an event looked up among {@code orgId}'s only; 400 {@code invalid_cursor}
   * for a cursor this order did not hand out or naming no event there.
   */
  static Future<Position> after(SqlClient client, UUID orgId, PageRequest page) {
    if (page.after() == null) {
      return Future.succeededFuture(Position.START);
    }
    var publicId = page.after().startsWith(MARK) ? Ids.orNull(page.after().substring(MARK.length())) : null;
    if (publicId == null) {
      return Future.failedFuture(PageRequest.invalidCursor());
    }
    return client.preparedQuery("SELECT " + KEY + "::text AS xact, id FROM org.audit_events "
            + "WHERE org_id = $1 AND public_id = $2")
        .execute(Tuple.of(orgId, publicId))
        .map(rows -> {
          if (rows.size() == 0) {
            throw PageRequest.invalidCursor();
          }
          var row = rows.iterator().next();
          return new Position(row.getString("xact"), row.getLong("id"));
        });
  }

  /** The cursor a page ending with {@code row} hands out. */
  static String of(Row row) {
    return MARK + LogCursor.of(row);
  }
}
