package dev.orgplane.org.audit;

import dev.orgplane.kit.http.PageRequest;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * Where the next page of an organization's log (audit events, hook deliveries: newest first) starts. Logs are
 * ordered by a platform-wide sequence, but their cursor is the public id of the last row seen: a cursor holding the
 * sequence number told every tenant how many rows the whole platform wrote between two of its pages.
 */
public final class LogCursor {

  private LogCursor() {
  }

  /**
   * The sequence number the page after {@code page}'s cursor lies below, looked up in {@code table} among
   * {@code orgId}'s rows only; 400 {@code invalid_cursor} for a cursor naming no row there.
   */
  public static Future<Long> before(SqlClient client, String table, UUID orgId, PageRequest page) {
    return before(client, table, orgId, null, null, page);
  }

  /**
   * {@link #before(SqlClient, String, UUID, PageRequest)} for a log within the organization's (a hook's deliveries):
   * the cursor must name a row whose {@code column} is {@code value} too. A cursor of another hook's deliveries would
   * otherwise start this hook's page wherever that row lies in the sequence, skipping or repeating its deliveries.
   */
  public static Future<Long> before(SqlClient client, String table, UUID orgId, String column, UUID value,
      PageRequest page) {
    if (page.after() == null) {
      return Future.succeededFuture(Long.MAX_VALUE);
    }
    var scoped = column == null ? "" : " AND " + column + " = $3";
    var parameters = column == null ? Tuple.of(orgId, page.afterId()) : Tuple.of(orgId, page.afterId(), value);
    return client.preparedQuery("SELECT id FROM " + table + " WHERE org_id = $1 AND public_id = $2" + scoped)
        .execute(parameters)
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
