package dev.orgplane.org.identity;

import dev.orgplane.kit.auth.RevokedToken;
import dev.orgplane.kit.auth.TokenRevocations;
import dev.orgplane.kit.db.BatchedPurge;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The tokens to refuse as the database has them: ended sessions, deleted accounts and revoked client (or removed
 * federated) credentials younger than a token's lifetime (older ones have no live token left). What org-service
 * reloads, and what the other services read from it ({@code GET /v1/token-revocations}).
 */
public final class StoredRevocations {

  /**
   * The second a user's sessions last ended (0: never) as {@code sessions_ended}, for a query that names
   * {@code org.users u}: read with the user it stamps a token for, not in a round trip of its own.
   */
  public static final String SESSIONS_ENDED =
      "coalesce(floor(extract(epoch FROM u.sessions_ended_at))::bigint, 0) AS sessions_ended";

  private StoredRevocations() {
  }

  /**
   * How long a read of the list may take: half of what its readers wait for it ({@link TokenRevocations.Schedule}),
   * so that its connection is back in the pool, and the database has given up on it, before they ask again.
   */
  public static long readTimeoutMillis(TokenRevocations.Schedule schedule) {
    return Math.max(1, schedule.giveUpMillis() / 2);
  }

  /**
   * The list as it is now, read within {@code timeoutMillis} (else failing 503 {@code database_timeout}): a read stuck
   * behind a lock held its pooled connection as long as the pool's statement timeout allows, or for good where that is
   * off, though whoever asked had given up long before, and each period asked again.
   */
  public static Future<TokenRevocations.Snapshot> read(Pool pool, long tokenLifetimeSeconds, long timeoutMillis) {
    return pool.withTransaction(tx -> tx.query("SET LOCAL statement_timeout = " + timeoutMillis).execute()
        .compose(set -> read(tx, tokenLifetimeSeconds)));
  }

  private static Future<TokenRevocations.Snapshot> read(SqlClient client, long tokenLifetimeSeconds) {
    // a deleted account's tokens end with the second after its deletion: none can be issued after it
    return client.preparedQuery("SELECT id AS key, floor(extract(epoch FROM sessions_ended_at))::bigint AS second "
            + "FROM org.users WHERE sessions_ended_at > now() - make_interval(secs => $1) "
            + "UNION ALL SELECT user_id, floor(extract(epoch FROM deleted_at))::bigint + 1 FROM org.deleted_accounts "
            + "WHERE deleted_at > now() - make_interval(secs => $1) "
            + "UNION ALL SELECT client_id, NULL FROM org.service_credentials "
            + "WHERE revoked_at > now() - make_interval(secs => $1) "
            + "UNION ALL SELECT id, NULL FROM org.federated_credentials "
            + "WHERE removed_at > now() - make_interval(secs => $1)")
        .execute(Tuple.of((double) tokenLifetimeSeconds))
        .map(rows -> {
          var sessions = new HashMap<String, Long>();
          var credentials = new HashSet<String>();
          rows.forEach(row -> {
            var key = row.getUUID("key").toString();
            var second = row.getLong("second");
            if (second == null) {
              credentials.add(key);
            } else {
              sessions.put(key, second);
            }
          });
          return new TokenRevocations.Snapshot(Map.copyOf(sessions), Set.copyOf(credentials));
        });
  }

  /**
   * The second {@code userId}'s sessions last ended at (0: never), as their row has it: an end another instance made
   * within this second is not in this one's list until its next reload.
   */
  static Future<Long> sessionsEndedAt(SqlClient client, UUID userId) {
    return client.preparedQuery("SELECT " + SESSIONS_ENDED + " FROM org.users u WHERE id = $1")
        .execute(Tuple.of(userId))
        .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getLong("sessions_ended"));
  }

  /**
   * Holds {@code userId}'s row shared in {@code tx} and answers the second their sessions last ended (0: never), once
   * that is not after {@code tokenIssuedAt}, the issue of the token asking (else 401 {@code invalid_token}, as when
   * the user is gone): an end committed first is seen, and one waiting for the row falls after what {@code tx} stamps.
   */
  static Future<Long> sessionsEndedNotAfter(SqlClient tx, UUID userId, long tokenIssuedAt) {
    return tx.preparedQuery("SELECT " + SESSIONS_ENDED + " FROM org.users u WHERE id = $1 FOR SHARE")
        .execute(Tuple.of(userId))
        .map(rows -> {
          if (rows.size() == 0) {
            throw RevokedToken.userGone();
          }
          var ended = rows.iterator().next().getLong("sessions_ended");
          if (ended > tokenIssuedAt) {
            throw RevokedToken.sessionEnded();
          }
          return ended;
        });
  }

  /** Forgets deleted accounts older than a token's lifetime; every hour. Answers the timer, to cancel at stop. */
  public static long purgeDeletedAccounts(Vertx vertx, Pool pool, long tokenLifetimeSeconds) {
    return new BatchedPurge(pool, "deleted accounts past a token's lifetime", "DELETE FROM org.deleted_accounts WHERE "
        + "user_id IN (SELECT user_id FROM org.deleted_accounts WHERE deleted_at < now() - make_interval(secs => $1) "
        + "LIMIT " + BatchedPurge.BATCH + ")", Tuple.of((double) tokenLifetimeSeconds)).hourly(vertx);
  }

  /**
   * Ends {@code userId}'s sessions: their tokens issued before the second answered (see {@link SessionEnds}) are
   * refused once this has committed, and their refresh tokens are gone, as are a pending change of their address
   * (confirmed later, it would hand the account to whoever asked for it: signing out everywhere must shut them out)
   * and the password reset tokens mailed to them (a mailbox read by someone else is a way back in; a verification
   * token lets no one in, and stays). The deletion runs after the user's row is held: a refresh or sign-in holding it
   * share locked is waited for, and the deletion then sees the token it made (a deletion waiting on the token's own
   * row read the tokens as they were before the wait, and missed it).
   */
  public static Future<Long> endSessions(SqlClient tx, UUID userId) {
    return SessionEnds.next(tx, userId)
        .compose(second -> tx.preparedQuery("WITH address_changes AS (DELETE FROM org.email_changes WHERE user_id = $1), "
                + "resets AS (DELETE FROM org.password_resets WHERE user_id = $1) "
                + "UPDATE org.users u SET " + SessionEnds.endAt("$2") + " WHERE id = $1 RETURNING " + SESSIONS_ENDED)
            .execute(Tuple.of(userId, second)))
        .compose(ended -> RefreshTokens.withdrawAll(tx, userId)
            .map(ended.iterator().next().getLong("sessions_ended")));
  }
}
