package dev.orgplane.org.event;

import dev.orgplane.kit.http.Ids;
import dev.orgplane.kit.http.PageRequest;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import java.util.function.Function;

/**
 * Where the next page of a hook's deliveries (newest first, by a platform-wide sequence) starts. The cursor names the
 * last delivery seen by its hook, its public id and when it was made: its sequence number would tell a tenant how many
 * deliveries every other tenant had between two of its pages. While that delivery is there the page goes on right
 * below it. Paging runs toward what the retention purge removes ({@link DeliveryRetention}), and a delivery it removed
 * no longer says where it lay: the page goes on with what the hook has left from before it was made, below the first
 * delivery made after it. A cursor of another hook, or naming a delivery that is gone but was made within the retention
 * (which the purge cannot have removed), is not one this API returned: 400 {@code invalid_cursor}.
 */
final class DeliveryCursor {

  private static final String SEPARATOR = "/";
  private static final Instant LAST_MADE = Instant.parse("9999-12-31T23:59:59.999999Z");
  private static final String SEEN = "SELECT id FROM org.hook_deliveries "
      + "WHERE org_id = $1 AND hook_id = $2 AND public_id = $3";
  /** Whether a delivery made at {@code $3} may have been purged, and the hook's first delivery made after it. */
  private static final String PURGED = "SELECT $3::timestamptz < now() - make_interval(days => $4::int) AS purgeable, "
      + "(SELECT id FROM org.hook_deliveries WHERE org_id = $1 AND hook_id = $2 AND created_at > $3::timestamptz "
      + "ORDER BY id LIMIT 1) AS made_after";

  private DeliveryCursor() {
  }

  /**
   * The sequence number the page of {@code hookId}'s deliveries after {@code page}'s cursor lies below; {@code
   * retentionDays} is how long the purge keeps a delivery that is not pending for an active hook.
   */
  static Future<Long> before(SqlClient client, UUID orgId, UUID hookId, int retentionDays, PageRequest page) {
    if (page.after() == null) {
      return Future.succeededFuture(Long.MAX_VALUE);
    }
    var parts = page.after().split(SEPARATOR, -1);
    if (parts.length != 3 || !hookId.equals(parse(parts[0], Ids::parse))) {
      throw PageRequest.invalidCursor();
    }
    var seen = parse(parts[1], Ids::parse);
    var madeAt = parse(parts[2], DeliveryCursor::madeAt);
    return client.preparedQuery(SEEN).execute(Tuple.of(orgId, hookId, seen)).compose(rows -> rows.size() > 0
        ? Future.succeededFuture(rows.iterator().next().getLong("id"))
        : client.preparedQuery(PURGED).execute(Tuple.of(orgId, hookId, madeAt, retentionDays)).map(purged -> {
          var row = purged.iterator().next();
          if (!row.getBoolean("purgeable")) {
            throw PageRequest.invalidCursor();
          }
          var madeAfter = row.getLong("made_after");
          return madeAfter == null ? Long.MAX_VALUE : madeAfter;
        }));
  }

  /** The cursor a page of {@code hookId}'s deliveries ending with a row of {@link DeliveryView#COLUMNS} hands out. */
  static Function<Row, String> of(UUID hookId) {
    return row -> String.join(SEPARATOR, hookId.toString(), row.getUUID("public_id").toString(),
        row.getOffsetDateTime("created_at").toInstant().toString());
  }

  /**
   * When the delivery a cursor names was made: no delivery was made before 1970 or after 9999, and PostgreSQL holds no
   * time from 294277 on, which a cursor could still say.
   */
  private static OffsetDateTime madeAt(String made) {
    var at = Instant.parse(made);
    if (at.isBefore(Instant.EPOCH) || at.isAfter(LAST_MADE)) {
      throw new IllegalArgumentException(made + " is no time a delivery was made");
    }
    return at.atOffset(ZoneOffset.UTC);
  }

  private static <T> T parse(String part, Function<String, T> parser) {
    try {
      return parser.apply(part);
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw PageRequest.invalidCursor();
    }
  }
}
