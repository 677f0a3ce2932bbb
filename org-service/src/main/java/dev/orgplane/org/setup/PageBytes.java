package dev.orgplane.org.setup;

import dev.orgplane.kit.http.PageRequest;
import io.vertx.sqlclient.Row;
import java.util.List;
import java.util.UUID;

/**
 * The bound in bytes, besides the count, of a page of setup objects, a list's or a copy's. An object's free-form data
 * may be as large as a request body (a megabyte by default), so a list's page of 500 objects, or a copy's of 5,000,
 * could hold gigabytes, all decoded in the service at once for one request of any member: enough to exhaust its heap
 * for every tenant. A page ends early once its rows pass {@link #MAX_BYTES}, with a cursor to the rest as a full page
 * has; its first row comes whatever its size, so that no object is out of reach.
 */
final class PageBytes {

  /** What a page's rows may hold, as JSON text: about what the service receives and decodes of them. */
  static final int MAX_BYTES = 4 * 1024 * 1024;

  private PageBytes() {
  }

  /**
   * One statement for a page: {@code rows}, a query of the rows after the cursor in id order (without a LIMIT), read
   * up to {@code $3} of them, and no more than fit in {@code $4} bytes unless it is the first. The running total
   * is summed by PostgreSQL over the rows as JSON, so that rows past the bound never leave the database. Each row comes
   * with the id of the one after it, {@code page_next_id}, for the cursor ({@link #nextCursor}).
   */
  static String bounded(String rows) {
    return "SELECT p.* FROM (SELECT t.*, row_number() OVER w AS page_n,"
        + " sum(octet_length(row_to_json(t)::text)) OVER w AS page_bytes, lead(t.id) OVER w AS page_next_id"
        + " FROM (" + rows + " LIMIT $3 + 1) t WINDOW w AS (ORDER BY t.id)) p"
        + " WHERE p.page_n <= $3 AND (p.page_n = 1 OR p.page_bytes <= $4) ORDER BY p.page_n";
  }

  /** The cursor of the page after {@code rows}, a page {@link #bounded} read; {@code null} if no row follows them. */
  static String nextCursor(List<Row> rows) {
    if (rows.isEmpty() || rows.get(rows.size() - 1).getUUID("page_next_id") == null) {
      return null;
    }
    var last = rows.get(rows.size() - 1);
    // a page of the last row, with the next one read: the cursor PageRequest writes after it
    return new PageRequest(1, null).nextCursor(List.of(last.getUUID("id"), last.getUUID("page_next_id")),
        UUID::toString);
  }
}
