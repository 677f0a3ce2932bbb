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
   * Sets the password and answers the second from which {@code userId}'s tokens are good again (see
   * {@link SessionEnds}); tokens issued before it are refused once this has committed. The deletions run after the
   * user's row is held: a sign-in or refresh holding it share locked is waited for, and the deletions then see the
   * refresh token it made (see {@link StoredRevocations#endSessions}).
   */
  static Future<Long> apply(SqlClient tx, UUID userId, String passwordHash) {
    return SessionEnds.next(tx, userId).compose(second -> tx.preparedQuery("UPDATE org.users u "
            + "SET password_hash = $2, " + SessionEnds.endAt("$3") + " WHERE id = $1 RETURNING email, "
            + StoredRevocations.SESSIONS_ENDED)
        .execute(Tuple.of(userId, passwordHash, second)))
        // a pending change of address goes too: confirmed later, it would hand the account to whoever asked for it
        .compose(chosen -> tx.preparedQuery("WITH other_resets AS (DELETE FROM org.password_resets WHERE user_id = $1), "
                + "refresh AS (DELETE FROM org.refresh_tokens WHERE user_id = $1), "
                + "address_changes AS (DELETE FROM org.email_changes WHERE user_id = $1) "
                + "DELETE FROM org.sign_in_failures WHERE email = lower($2)")
            .execute(Tuple.of(userId, chosen.iterator().next().getString("email")))
            .map(chosen.iterator().next().getLong("sessions_ended")));
  }
}
