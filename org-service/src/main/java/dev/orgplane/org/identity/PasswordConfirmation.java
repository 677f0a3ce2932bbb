package dev.orgplane.org.identity;

import dev.orgplane.kit.http.ApiException;
import dev.orgplane.org.user.User;
import dev.orgplane.org.user.UserRepository;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.UUID;

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

  /** The account, once {@code password} is its own: else 403 {@code wrong_password} (or 429 when throttled). */
  Future<User> confirm(RoutingContext ctx, UUID userId, String password) {
    return UserRepository.byId(pool, userId).compose(found -> {
      var user = found.orElseThrow(() -> ApiException.unauthorized("The token's user no longer exists."));
      if (user.email() == null) {
        throw ApiException.forbidden("no_password", "Service users sign in with client credentials, not a password.");
      }
      return throttle.admit(user.email(), ctx)
          .compose(admitted -> hasher.matches(password, user.passwordHash()))
          .compose(matches -> matches ? throttle.succeeded(user.email()).map(user)
              : Future.failedFuture(ApiException.forbidden("wrong_password", "That is not this account's password.")));
    });
  }
}
