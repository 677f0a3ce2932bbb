package dev.orgplane.org.mail;

import dev.orgplane.kit.http.ApiException;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * At most {@code perHour} mails an hour for one key (an organization, an account, an address), counted in the rows
 * {@code table} keeps of them ({@code keyColumn}, {@code created_at}) that meet {@code only} (a fixed condition, such
 * as the kind of mail). Callers write a mail's row only where {@link #below} holds, under a lock of the key, so
 * parallel requests count one after the other and none slips past the limit.
 */
public record HourlyMailLimit(String table, String only, String keyColumn, int perHour) {

  /** Counting every row of {@code table}. */
  public HourlyMailLimit(String table, String keyColumn, int perHour) {
    this(table, "true", keyColumn, perHour);
  }

  /** SQL that holds while the key in parameter {@code $keyParam} had fewer than {@code perHour} mails this hour. */
  public String below(int keyParam) {
    return "(SELECT count(*) FROM " + thisHour("$" + keyParam) + ") < " + perHour;
  }

  private String thisHour(String key) {
    return table + " WHERE " + only + " AND " + keyColumn + " = " + key + " AND created_at > now() - interval '1 hour'";
  }

  /**
   * Fails with 429 {@code code}, {@code Retry-After} saying when the key's next mail may go: what a caller hears when
   * {@link #below} found the hour's mails sent.
   */
  public <T> Future<T> reached(RoutingContext ctx, SqlClient client, Object key, String code) {
    return waitForNext(client, key).compose(wait -> refuse(ctx, wait, code));
  }

  /** Fails with 429 {@code code}, {@code Retry-After} saying the next mail may go in {@code wait} seconds. */
  public <T> Future<T> refuse(RoutingContext ctx, long wait, String code) {
    ctx.response().putHeader("Retry-After", Long.toString(Math.max(1, wait)));
    return Future.failedFuture(new ApiException(429, code,
        perHour + " such mails an hour at most; retry after " + wait + " s."));
  }

  /**
   * Seconds until {@code key} may have another mail: 0 while it had fewer than {@code perHour} this hour, else when
   * the oldest of its last {@code perHour} is an hour old.
   */
  public Future<Long> waitForNext(SqlClient client, Object key) {
    return client.preparedQuery("SELECT CASE WHEN count(*) < " + perHour + " THEN 0 ELSE greatest(0, "
            + "ceil(extract(epoch FROM min(created_at) + interval '1 hour' - now())))::bigint END FROM (SELECT "
            + "created_at FROM " + thisHour("$1") + " ORDER BY created_at DESC LIMIT " + perHour + ") recent")
        .execute(Tuple.of(key))
        .map(rows -> rows.iterator().next().getLong(0));
  }
}
