package dev.orgplane.org.mail;

import dev.orgplane.kit.http.ApiException;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * At most {@code perHour} mails an hour for one key (an account, an organization), counted in the rows {@code table}
 * keeps of them ({@code keyColumn}, {@code created_at}). Callers write a mail's row only where {@link #below} holds,
 * under a lock of the key's row, so parallel requests count one after the other and none slips past the limit.
 */
public record HourlyMailLimit(String table, String keyColumn, int perHour) {

  /** SQL that holds while the key in parameter {@code $keyParam} had fewer than {@code perHour} mails this hour. */
  public String below(int keyParam) {
    return "(SELECT count(*) FROM " + table + " WHERE " + keyColumn + " = $" + keyParam
        + " AND created_at > now() - interval '1 hour') < " + perHour;
  }

  /**
   * Fails with 429 {@code code}, {@code Retry-After} saying when the key's next mail may go: what a caller hears when
   * {@link #below} found the hour's mails sent.
   */
  public <T> Future<T> reached(RoutingContext ctx, SqlClient client, UUID key, String code) {
    return waitForNext(client, key).compose(wait -> {
      ctx.response().putHeader("Retry-After", Long.toString(Math.max(1, wait)));
      return Future.failedFuture(new ApiException(429, code,
          perHour + " such mails an hour at most; retry after " + wait + " s."));
    });
  }

  /** Seconds until {@code key} may have another mail (0: now): when the oldest of its last {@code perHour} is an hour old. */
  private Future<Long> waitForNext(SqlClient client, UUID key) {
    return client.preparedQuery("SELECT greatest(0, ceil(extract(epoch FROM min(created_at) + interval '1 hour' - now())))"
            + "::bigint FROM (SELECT created_at FROM " + table + " WHERE " + keyColumn + " = $1 AND created_at > now() - "
            + "interval '1 hour' ORDER BY created_at DESC LIMIT " + perHour + ") recent")
        .execute(Tuple.of(key))
        .map(rows -> {
          var wait = rows.iterator().next().getLong(0);
          return wait == null ? 0L : wait;
        });
  }
}
