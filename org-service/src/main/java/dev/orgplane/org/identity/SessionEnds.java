package dev.orgplane.org.identity;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * Where the end of a user's sessions falls (a new password, a sign-out everywhere): on the first second whose tokens
 * are good again. Tokens carry their issue time in whole seconds ({@code iat}), so the end must be a second no token
 * issued before it carries. It holds the user's row, which sign-ins and refreshes hold shared while they issue and
 * stamp their tokens ({@link RefreshTokens}), takes the next whole second and waits for it before its transaction
 * goes on: every token issued before is stamped earlier and refused, every token issued after the commit is stamped
 * no earlier and good. Up to a second's wait, for something people do rarely: until session 18 the end was the
 * current second, taken before waiting for the row, and a sign-in with the old password racing a new one kept its
 * access token for up to its hour.
 */
final class SessionEnds {

  private SessionEnds() {
  }

  /** Locks {@code userId}'s row in {@code tx} and answers the second their sessions end, once it has begun. */
  static Future<Long> next(Vertx vertx, SqlClient tx, UUID userId) {
    return tx.preparedQuery("SELECT 1 FROM org.users WHERE id = $1 FOR UPDATE").execute(Tuple.of(userId))
        .compose(locked -> {
          long second = TokenIssuer.nowSecond() + 1;
          long wait = second * 1000 - System.currentTimeMillis();
          return (wait > 0 ? vertx.timer(wait) : Future.succeededFuture()).map(second);
        });
  }
}
