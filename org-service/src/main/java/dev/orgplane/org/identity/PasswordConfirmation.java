package dev.orgplane.org.identity;

import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.auth.RevokedToken;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.org.user.User;
import dev.orgplane.org.user.UserRepository;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import java.util.function.Function;

/**
 * A signed-in person's password asked again before what a token alone must not do (choose another password,
 * delete the account). Checked as a sign-in is, against the same throttle: a stolen token is no way to guess it.
 */
final class PasswordConfirmation {

  private final Pool pool;
  private final PasswordHasher hasher;
  private final SignInThrottle throttle;

  PasswordConfirmation(Pool pool, PasswordHasher hasher) {
    this.pool = pool;
    this.hasher = hasher;
    this.throttle = new SignInThrottle(pool);
  }

  /**
   * A password confirmed: the account as it was when the password was checked, and the second the token that asked
   * was issued ({@code iat}). The check runs before the change it allows, outside its transaction (hashing takes a
   * while), so that transaction first makes sure it {@link #stillHolds}.
   */
  record Confirmed(User user, long tokenIssuedAt) {

    /**
     * Locks the account's row in {@code tx} and fails unless the password is still the one confirmed (else 403
     * {@code wrong_password}) and the sessions have not ended since the token was issued (else 401
     * {@code invalid_token}): a reset or a sign-out everywhere that committed while the change waited for the row
     * shut out whoever held the old password or the token. Until session 28 the change went on after such a wait,
     * and a new password chosen with the old one outlived the reset that replaced it.
     */
    Future<Void> stillHolds(SqlClient tx) {
      return tx.preparedQuery("SELECT password_hash, " + StoredRevocations.SESSIONS_ENDED
              + " FROM org.users u WHERE id = $1 FOR UPDATE")
          .execute(Tuple.of(user.id()))
          .compose(rows -> {
            if (rows.size() == 0) {
              return Future.failedFuture(gone());
            }
            var row = rows.iterator().next();
            if (!user.passwordHash().equals(row.getString("password_hash"))) {
              return Future.failedFuture(wrongPassword());
            }
            return row.getLong("sessions_ended") > tokenIssuedAt
                ? Future.failedFuture(RevokedToken.sessionEnded())
                : Future.succeededFuture();
          });
    }
  }

  /** The account, once {@code password} is its own: else 403 {@code wrong_password} (or 429 when throttled). */
  Future<Confirmed> confirm(RoutingContext ctx, UUID userId, String password) {
    return confirm(ctx, userId, password, user -> Future.succeededFuture());
  }

  /**
   * {@link #confirm}, once {@code refuseFirst} has not failed for the account: what the caller refuses whatever the
   * password, and may say without it, refused before a hash is spent on it. A request refused only after its right
   * password was checked could be repeated for ever, each a bcrypt, the right password clearing the failures.
   */
  Future<Confirmed> confirm(RoutingContext ctx, UUID userId, String password,
      Function<User, Future<Void>> refuseFirst) {
    var issuedAt = BearerAuth.principal(ctx).claims().getLong("iat", 0L);
    return UserRepository.byId(pool, userId).compose(found -> {
      var user = found.orElseThrow(PasswordConfirmation::gone);
      if (user.email() == null) {
        throw ApiException.forbidden("no_password", "Service users sign in with client credentials, not a password.");
      }
      return refuseFirst.apply(user)
          // the hashing place first: a confirmation refused busy is not counted, its password never checked
          .compose(allowed -> hasher.withSlot(slot -> throttle.admit(user.email(), ctx)
              .compose(admitted -> slot.matches(password, user.passwordHash()))))
          .compose(matches -> matches ? throttle.succeeded(user.email()).map(new Confirmed(user, issuedAt))
              : Future.failedFuture(wrongPassword()));
    });
  }

  private static ApiException gone() {
    return RevokedToken.userGone();
  }

  private static ApiException wrongPassword() {
    return ApiException.forbidden("wrong_password", "That is not this account's password.");
  }
}
