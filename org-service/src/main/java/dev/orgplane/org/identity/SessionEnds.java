package dev.orgplane.org.identity;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * Where the end of a user's sessions falls (a new password, a sign-out everywhere): on the first second whose tokens
 * are good again. Tokens carry their issue time in whole seconds ({@code iat}), so the end must be a second no token
 * issued before it carries. It holds the user's row, which sign-ins and refreshes hold shared while they issue and
 * stamp their tokens ({@link RefreshTokens}), and takes the next whole second: every token issued before is stamped
 * earlier and refused. A token issued after the commit, still within the second, is stamped with the end instead of
 * the clock, read from the row its issue holds shared ({@link TokenIssuer#issuedAt}), so it is good. Until session 20
 * the end waited for its second, holding the row and a pooled connection for up to a second: a few sign-outs at once
 * stalled the service.
 */
public final class SessionEnds {

  private SessionEnds() {
  }

  /**
   * The assignment, in an update of {@code org.users}, that ends the sessions at the second the {@code parameter}
   * ({@code $n}) holds, unless an end already stored is later (one made by an instance whose clock runs ahead): the
   * tokens that end refused would be good again.
   */
  static String endAt(String parameter) {
    return "sessions_ended_at = greatest(sessions_ended_at, to_timestamp(" + parameter + "))";
  }

  /** Locks {@code userId}'s row in {@code tx} and answers the second their sessions end: the next one. */
  public static Future<Long> next(SqlClient tx, UUID userId) {
    return tx.preparedQuery("SELECT 1 FROM org.users WHERE id = $1 FOR UPDATE").execute(Tuple.of(userId))
        .map(locked -> TokenIssuer.nowSecond() + 1);
  }

  /**
   * Locks the rows of {@code orgId}'s service users in {@code tx}, all in one statement, and answers the second their
   * sessions end: the next one (an organization's deletion takes them with it).
   */
  public static Future<Long> nextForServiceUsersOf(SqlClient tx, UUID orgId) {
    return tx.preparedQuery("SELECT 1 FROM org.users WHERE service_org_id = $1 ORDER BY id FOR UPDATE")
        .execute(Tuple.of(orgId))
        .map(locked -> TokenIssuer.nowSecond() + 1);
  }
}
