package dev.orgplane.org.identity;

import dev.orgplane.kit.db.BatchedPurge;
import dev.orgplane.kit.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * Refresh tokens, rotated on every use: a refresh uses its token up and issues the next of the same family. A used
 * token presented again (past {@link #REPEAT_GRACE_SECONDS}) means someone else holds the family (a copy was taken),
 * so the whole family is withdrawn and both parties have to sign in again. Only people signed in with a password get
 * them, unscoped.
 */
public final class RefreshTokens {

  private static final String PREFIX = "ort_";

  /**
   * How soon after a token's use its repeat is taken for its own client's, not a copy's: two tabs refreshing at once,
   * or a retry whose answer was lost, present one token twice within moments, and withdrawing the family then would
   * sign out the one that got the next token. Such a repeat is refused and withdraws nothing; a later one does.
   */
  static final int REPEAT_GRACE_SECONDS = 10;

  /**
   * A session's next tokens: whose they are, the refresh token, and the second its access token is stamped with
   * ({@link TokenIssuer#issuedAt}), taken while the user's row was held shared: an end of their sessions made
   * meanwhile waits, and falls after it.
   */
  record Session(UUID userId, String refreshToken, long issuedAt) {
  }

  private final Pool pool;
  private final long ttlSeconds;

  public RefreshTokens(Pool pool, long ttlSeconds) {
    this.pool = pool;
    this.ttlSeconds = ttlSeconds;
  }

  /**
   * A new session for {@code userId} in {@code tx}, which holds their row shared (at least) and read there that their
   * sessions last ended at {@code sessionsEndedAt}: a refresh token of a new family, and its access token's stamp.
   */
  Future<Session> open(SqlClient tx, UUID userId, long sessionsEndedAt) {
    return insert(tx, userId, UUID.randomUUID())
        .map(refresh -> new Session(userId, refresh, TokenIssuer.issuedAt(sessionsEndedAt)));
  }

  /**
   * A new session for {@code userId}, who has just proved the password whose hash is {@code verifiedHash}, opened
   * only if it is still theirs, checked under a share lock of their row: a password change racing the sign-in either
   * commits first (the sign-in is refused) or waits for this (and then ends the session with the rest). Until
   * session 17 a sign-in with the old password during a change kept a session past it.
   */
  Future<Session> open(UUID userId, String verifiedHash) {
    return pool.withTransaction(tx -> tx.preparedQuery("SELECT " + StoredRevocations.SESSIONS_ENDED + " FROM org.users u WHERE id = $1 "
            + "AND password_hash = $2 FOR SHARE")
        .execute(Tuple.of(userId, verifiedHash))
        .compose(still -> still.size() == 0
            ? Future.failedFuture(new ApiException(400, "invalid_grant", "The email or password is wrong."))
            : open(tx, userId, endedIn(still))));
  }

  private static long endedIn(RowSet<Row> userRow) {
    return userRow.iterator().next().getLong("sessions_ended");
  }

  private Future<String> insert(SqlClient client, UUID userId, UUID family) {
    var token = Secrets.newSecret(PREFIX);
    return client.preparedQuery("INSERT INTO org.refresh_tokens (token_hash, user_id, family_id, expires_at) "
            + "VALUES ($1, $2, $3, now() + make_interval(secs => $4))")
        .execute(Tuple.of(Secrets.hash(token), userId, family, (double) ttlSeconds))
        .map(token);
  }

  /** The refusal of a refresh token that cannot be used, whichever the reason (the caller is not told which). */
  static ApiException unusable() {
    return new ApiException(400, "invalid_grant", "The refresh token is unknown, expired or used; sign in again.");
  }

  /**
   * Uses up {@code token} and issues the next of its family, in one transaction (the row lock serialises two uses
   * of the same token); 400 {@code invalid_grant} for a token unknown, expired or used, the last also withdrawing
   * its family unless it was used within {@link #REPEAT_GRACE_SECONDS}. The owner's row is share-locked first, so an
   * end of their sessions (a password change) either commits first, withdrawing this token, or waits and withdraws
   * the next one too: until session 17 a change's deletion, waiting on this token's row, missed the next one, which
   * went on minting tokens.
   */
  Future<Session> rotate(String token) {
    var hash = Secrets.hash(token);
    return pool.withTransaction(tx -> tx.preparedQuery("SELECT " + StoredRevocations.SESSIONS_ENDED
            + " FROM org.users u JOIN org.refresh_tokens r ON r.user_id = u.id WHERE r.token_hash = $1 FOR SHARE OF u")
        .execute(Tuple.of(hash))
        .compose(locked -> tx.preparedQuery("UPDATE org.refresh_tokens SET used_at = now() "
            + "WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING user_id, family_id")
        .execute(Tuple.of(hash))
        .compose(used -> {
          if (used.size() == 0) {
            return Future.succeededFuture((Session) null);
          }
          var row = used.iterator().next();
          var userId = row.getUUID("user_id");
          return insert(tx, userId, row.getUUID("family_id"))
              .map(next -> new Session(userId, next, TokenIssuer.issuedAt(endedIn(locked))));
        })))
        .compose(rotated -> rotated != null ? Future.succeededFuture(rotated)
            // a used token came back: its family is in two hands, so none of it works any more
            : withdrawFamily(hash, REPEAT_GRACE_SECONDS).compose(v -> Future.failedFuture(unusable())));
  }

  /** Signs one device out: {@code token}'s family, whatever it is (nothing for a token we do not know). */
  Future<Void> revoke(String token) {
    return withdrawFamily(Secrets.hash(token), 0);
  }

  /**
   * Withdraws the family of the token whose hash is {@code hash}, unless that token was used less than
   * {@code sparedSeconds} ago, holding its owner's row: a refresh of the family holds it shared while it issues the
   * next token, so it is waited for, and the deletion, a statement of its own after the lock, sees the token it made.
   * Until session 28 the deletion waited on the used token's row instead and, reading the family as it was before the
   * wait, left the refresh's new token working. The use is measured by the clock, not the transaction's start: a use
   * committed while this waited may have begun after it.
   */
  private Future<Void> withdrawFamily(String hash, int sparedSeconds) {
    return pool.withTransaction(tx -> tx.preparedQuery("SELECT FROM org.users WHERE id = (SELECT user_id FROM "
            + "org.refresh_tokens WHERE token_hash = $1) FOR UPDATE")
        .execute(Tuple.of(hash))
        .compose(locked -> tx.preparedQuery("DELETE FROM org.refresh_tokens WHERE family_id = (SELECT family_id FROM "
                + "org.refresh_tokens WHERE token_hash = $1 AND (used_at IS NULL "
                + "OR used_at < clock_timestamp() - make_interval(secs => $2)))")
            .execute(Tuple.of(hash, (double) sparedSeconds)))
        .mapEmpty());
  }

  /** Every family of {@code userId}, in {@code tx}: what ending their sessions does to refresh tokens. */
  static Future<Void> withdrawAll(SqlClient tx, UUID userId) {
    return tx.preparedQuery("DELETE FROM org.refresh_tokens WHERE user_id = $1").execute(Tuple.of(userId)).mapEmpty();
  }

  /** Drops tokens past their expiry; every hour. Answers the timer, to cancel at stop. */
  public static long purgeExpired(Vertx vertx, Pool pool) {
    return new BatchedPurge(pool, "expired refresh tokens", "DELETE FROM org.refresh_tokens WHERE token_hash IN "
        + "(SELECT token_hash FROM org.refresh_tokens WHERE expires_at < now() LIMIT " + BatchedPurge.BATCH + ")",
        Tuple.tuple()).hourly(vertx);
  }
}
