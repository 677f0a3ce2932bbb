package dev.orgplane.org.identity;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * A new password, however it was chosen (by mail or with the old one): it ends the sessions before it (refresh
 * tokens included), leaves no other mailed token usable and forgives the address's failed sign-ins, in one statement.
 */
final class PasswordChange {

  private PasswordChange() {
  }

  /**
   * Tokens issued before {@code second} ({@link TokenIssuer#nowSecond()}) are refused once this has committed. The
   * user's row is changed by a statement of its own, before the deletions: a sign-in or refresh holding it share
   * locked is waited for, and the deletions then see the refresh token it made (see
   * {@link StoredRevocations#endSessions}).
   */
  static Future<Void> apply(SqlClient tx, UUID userId, String passwordHash, long second) {
    return tx.preparedQuery("UPDATE org.users SET password_hash = $2, sessions_ended_at = to_timestamp($3) "
            + "WHERE id = $1 RETURNING email")
        .execute(Tuple.of(userId, passwordHash, second))
        .compose(chosen -> tx.preparedQuery("WITH other_resets AS (DELETE FROM org.password_resets WHERE user_id = $1), "
                + "refresh AS (DELETE FROM org.refresh_tokens WHERE user_id = $1) "
                + "DELETE FROM org.sign_in_failures WHERE email = lower($2)")
            .execute(Tuple.of(userId, chosen.iterator().next().getString("email"))))
        .mapEmpty();
  }
}
