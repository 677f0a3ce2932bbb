package dev.orgplane.org.audit;

import dev.orgplane.kit.http.PageRequest;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * Where the next page of an organization's log (audit events, newest first) starts. Logs are ordered by a
 * platform-wide sequence, but their cursor is the public id of the last row seen: a cursor holding the sequence number
 * told every tenant how many rows the whole platform wrote between two of its pages. A hook's deliveries, which the
 * retention purge thins under a client's paging, say more in their cursor (see {@code event.DeliveryCursor}).
 */
public final class LogCursor {

  private LogCursor() {
  }

  /**
   * The sequence number the page after {@code page}'s cursor lies below, looked up in {@code table} among
   * {@code orgId}'s rows only; 400 {@code invalid_cursor} for a cursor naming no row there.
   */
  public static Future<Long> before(SqlClient client, String table, UUID orgId, PageRequest page) {
    if (page.after() == null) {
      return Future.succeededFuture(Long.MAX_VALUE);
    }
    return client.preparedQuery("SELECT id FROM " + table + " WHERE org_id = $1 AND public_id = $2")
        .execute(Tuple.of(orgId, page.afterId()))
        .map(rows -> {
          if (rows.size() == 0) {
            throw PageRequest.invalidCursor();
          }
          return rows.iterator().next().getLong("id");
        });
  }

  /** The cursor a page ending with {@code row} hands out. */
  public static String of(Row row) {
    return row.getUUID("public_id").toString();
  }
}
