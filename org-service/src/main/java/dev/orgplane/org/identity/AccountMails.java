package dev.orgplane.org.identity;

import dev.orgplane.kit.db.BatchedPurge;
import dev.orgplane.org.mail.HourlyMailLimit;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * The mails of one kind of {@link MailedTokens} sent this hour ({@code org.account_mails}): at most {@code perHour}
 * to one account and to one address (matched without case). Not the tokens themselves: a new password, a sign-out
 * everywhere, a confirmed address change and the account's deletion delete those, and until session 32 counting them
 * let a caller start the hour over (three address changes to someone else's address, then a new password, again and
 * again; or registering an address, deleting the account and registering it again, each time mailing it).
 */
public final class AccountMails {

  private static final String TABLE = "org.account_mails";

  private final String kind;
  private final HourlyMailLimit perAccount;
  private final HourlyMailLimit perAddress;

  /** {@code kind} names the mails counted together (their tokens' table): a constant, never a caller's input. */
  AccountMails(String kind, int perHour) {
    this.kind = kind;
    var ofKind = "kind = '" + kind + "'";
    this.perAccount = new HourlyMailLimit(TABLE, ofKind, "user_id", perHour);
    this.perAddress = new HourlyMailLimit(TABLE, ofKind, "email", perHour);
  }

  /**
   * Counts a mail to {@code address} for {@code userId} in {@code tx} if neither had the hour's mails; answers
   * whether it did. Callers hold the account's row; the address is held here (mails for several accounts may go to
   * one address), so parallel requests count one after the other.
   */
  Future<Boolean> take(SqlClient tx, UUID userId, String address) {
    // the lock's statement tells the key too, so that counting takes no round trip more than it did
    return tx.preparedQuery("SELECT lower($1) FROM pg_advisory_xact_lock(hashtextextended('" + TABLE + ":' || "
            + "lower($1), 0))")
        .execute(Tuple.of(address))
        .compose(locked -> tx.preparedQuery("INSERT INTO " + TABLE + " (kind, user_id, email) SELECT $3, $1, $2 "
                + "WHERE " + perAccount.below(1) + " AND " + perAddress.below(2) + " RETURNING 1")
            .execute(Tuple.of(userId, locked.iterator().next().getString(0), kind)))
        .map(taken -> taken.size() > 0);
  }

  /**
   * Fails with 429 {@code code}, {@code Retry-After} saying when the next mail to {@code address} for {@code userId}
   * may go (the later of the two limits): what a signed-in caller hears when {@link #take} found the hour's mails sent.
   */
  <T> Future<T> reached(RoutingContext ctx, SqlClient client, UUID userId, String address, String code) {
    return perAccount.waitForNext(client, userId)
        .compose(account -> addressKey(client, address)
            .compose(email -> perAddress.waitForNext(client, email))
            .compose(byAddress -> perAccount.refuse(ctx, Math.max(account, byAddress), code)));
  }

  /**
   * What {@code address} is counted under ({@link #take} tells it with its lock): PostgreSQL's {@code lower()}, the
   * rule accounts are found and kept unique by ({@code lower(email)}). Until session 48 it was Java's lower-casing,
   * which differs from it past ASCII (a capital dotted I, a final sigma; and PostgreSQL's depends on the database's
   * collation): one account's address could be counted under two keys, each with its hour's mails, or two accounts'
   * addresses under one.
   */
  private static Future<String> addressKey(SqlClient client, String address) {
    return client.preparedQuery("SELECT lower($1)").execute(Tuple.of(address))
        .map(rows -> rows.iterator().next().getString(0));
  }

  /** Drops what is more than an hour old: it counts for nothing any more. */
  public static BatchedPurge oldPurge(Pool pool) {
    return new BatchedPurge(pool, "account mails counted", "DELETE FROM " + TABLE + " WHERE id IN (SELECT id FROM "
        + TABLE + " WHERE created_at < now() - interval '1 hour' LIMIT " + BatchedPurge.BATCH + ")", Tuple.tuple());
  }
}
