package dev.orgplane.org.identity;

import dev.orgplane.kit.db.BatchedPurge;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;
import java.util.UUID;

/**
 * One-time tokens mailed to an address (to choose a password, to verify the address, to move an account to it),
 * kept in {@code table} as SHA-256 only: a token proves its holder reads that mail. At most {@value #MAILS_PER_HOUR}
 * of a kind are mailed an hour to one account and to one address, whoever asks ({@link AccountMails}).
 */
final class MailedTokens {

  static final int MAILS_PER_HOUR = 3;

  /** A used token: the account it was mailed for, and what it was mailed about (null for none). */
  record Redeemed(UUID userId, String detail) {
  }

  private final String table;
  private final String prefix;
  private final long ttlSeconds;
  private final String detailColumn;
  private final AccountMails mails;

  /** {@code prefix} tells a reader what the token is for ({@code opr_}, {@code opv_}). */
  MailedTokens(String table, String prefix, long ttlSeconds) {
    this(table, prefix, ttlSeconds, null);
  }

  /** Tokens that keep the address they are mailed to in {@code detailColumn} (the address an email change goes to). */
  MailedTokens(String table, String prefix, long ttlSeconds, String detailColumn) {
    this.table = table;
    this.prefix = prefix;
    this.ttlSeconds = ttlSeconds;
    this.detailColumn = detailColumn;
    this.mails = new AccountMails(table, MAILS_PER_HOUR);
  }

  /**
   * A new token for {@code userId}, mailed to {@code address}, in {@code tx}; empty when the account or the address had
   * its mails for the hour.
   */
  Future<Optional<String>> issue(SqlClient tx, UUID userId, String address) {
    var token = Secrets.newSecret(prefix);
    var detailed = detailColumn != null;
    // the account's row locked first: parallel requests count one after the other (each statement sees what
    // committed before it), so none slips past the limit
    return tx.preparedQuery("SELECT 1 FROM org.users WHERE id = $1 FOR UPDATE").execute(Tuple.of(userId))
        .compose(locked -> mails.take(tx, userId, address))
        .compose(taken -> !taken ? Future.succeededFuture(Optional.<String>empty())
            : tx.preparedQuery("INSERT INTO " + table + " (token_hash, user_id, expires_at"
                    + (detailed ? ", " + detailColumn : "") + ") VALUES ($1, $2, now() + make_interval(secs => $3)"
                    + (detailed ? ", $4" : "") + ")")
                .execute(detailed ? Tuple.of(Secrets.hash(token), userId, (double) ttlSeconds, address)
                    : Tuple.of(Secrets.hash(token), userId, (double) ttlSeconds))
                .map(Optional.of(token)));
  }

  /**
   * Fails with 429 {@code code}, {@code Retry-After} saying when the next mail to {@code address} for {@code userId}
   * may go: what a signed-in caller hears when {@link #issue} found the hour's mails sent.
   */
  <T> Future<T> limitReached(RoutingContext ctx, SqlClient client, UUID userId, String address, String code) {
    return mails.reached(ctx, client, userId, address, code);
  }

  /**
   * Whether {@code token} is one mailed, unused and unexpired: a cheap look before costly work a request would do for
   * nothing with an unknown one. Only {@link #redeem} says it is still good then.
   */
  Future<Boolean> usable(SqlClient client, String token) {
    return client.preparedQuery("SELECT 1 FROM " + table + " WHERE token_hash = $1 AND expires_at > now()")
        .execute(Tuple.of(Secrets.hash(token)))
        .map(rows -> rows.size() > 0);
  }

  /**
   * Uses up {@code token} in {@code tx}: what it was mailed for, or empty when unknown, used or expired. Its account's
   * row is locked first, as everything else that deletes an account's tokens locks it first (a confirmation of
   * another kind, a new password, a sign-out everywhere, the account's deletion); the deletion, a statement of its own
   * after the lock, finds the token gone if one of those committed meanwhile. Until session 33 the token's row was
   * locked first: a new password and an address change confirmed at once each held its own token and waited for the
   * row the other held, to delete the other's token, and one failed as a deadlock.
   */
  Future<Optional<Redeemed>> redeem(SqlClient tx, String token) {
    var hash = Secrets.hash(token);
    return tx.preparedQuery("SELECT FROM org.users WHERE id = (SELECT user_id FROM " + table
            + " WHERE token_hash = $1) FOR UPDATE").execute(Tuple.of(hash))
        .compose(locked -> tx.preparedQuery("DELETE FROM " + table + " WHERE token_hash = $1 AND expires_at > now() "
                + "RETURNING user_id, " + (detailColumn != null ? detailColumn : "NULL::text") + " AS detail")
            .execute(Tuple.of(hash)))
        .map(used -> {
          if (used.size() == 0) {
            return Optional.empty();
          }
          var row = used.iterator().next();
          return Optional.of(new Redeemed(row.getUUID("user_id"), row.getString("detail")));
        });
  }

  /** Drops tokens an hour past their expiry; every hour. Answers the timer, to cancel at stop. */
  long purgeExpired(Vertx vertx, Pool pool, String what) {
    return new BatchedPurge(pool, what, "DELETE FROM " + table + " WHERE token_hash IN (SELECT token_hash FROM " + table
        + " WHERE expires_at < now() - interval '1 hour' LIMIT " + BatchedPurge.BATCH + ")", Tuple.tuple()).hourly(vertx);
  }
}
