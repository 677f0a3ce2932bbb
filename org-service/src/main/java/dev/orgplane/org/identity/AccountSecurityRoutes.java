package dev.orgplane.org.identity;

import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.auth.TokenRevocations;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.RequestBody;
import dev.orgplane.org.access.AccessPolicy;
import dev.orgplane.org.user.UserRepository;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.Set;
import java.util.UUID;

/**
 * What a signed-in user does about their own sign-in: choose a new password with the current one, and end every
 * session they have (a lost laptop, a token pasted where it should not be). Both end the tokens issued before;
 * a password change answers a fresh token, so the caller goes on where they were.
 */
public final class AccountSecurityRoutes {

  private final Pool pool;
  private final PasswordHasher hasher;
  private final TokenIssuer tokens;
  private final TokenRevocations revocations;
  private final SignInThrottle throttle;

  public AccountSecurityRoutes(Pool pool, PasswordHasher hasher, TokenIssuer tokens, TokenRevocations revocations) {
    this.pool = pool;
    this.hasher = hasher;
    this.tokens = tokens;
    this.revocations = revocations;
    this.throttle = new SignInThrottle(pool);
  }

  public void mount(Router router) {
    router.put("/v1/users/me/password").handler(this::changePassword);
    router.delete("/v1/users/me/sessions").handler(this::endSessions);
  }

  /**
   * The current password is checked as a sign-in is, and counts against the same throttle: a stolen token must
   * not be a way to guess the password it was issued for.
   */
  private void changePassword(RoutingContext ctx) {
    var body = RequestBody.of(ctx, Set.of("currentPassword", "password"));
    var current = body.requiredString("currentPassword", 1024);
    var password = IdentityRoutes.newPassword(body, "password");
    body.validate();
    var principal = BearerAuth.principal(ctx);
    var userId = AccessPolicy.userId(principal);
    UserRepository.byId(pool, userId)
        .compose(found -> {
          var user = found.orElseThrow(() -> ApiException.unauthorized("The token's user no longer exists."));
          if (user.email() == null) {
            throw ApiException.forbidden("no_password", "Service users sign in with client credentials, not a password.");
          }
          return throttle.admit(user.email(), ctx).compose(admitted -> hasher.matches(current, user.passwordHash()));
        })
        .compose(matches -> matches ? hasher.hash(password)
            : Future.failedFuture(ApiException.forbidden("wrong_password", "currentPassword is not this account's password.")))
        .compose(hash -> {
          var second = TokenIssuer.nowSecond();
          return pool.withTransaction(tx -> PasswordChange.apply(tx, userId, hash, second)).map(second);
        })
        .onSuccess(second -> {
          revocations.markEnded(userId.toString(), second);
          var scope = principal.orgScope();
          IdentityRoutes.sendToken(ctx, tokens.tokenResponse(userId.toString(), scope == null ? null : UUID.fromString(scope)));
        })
        .onFailure(ctx::fail);
  }

  /** Ends the caller's sessions, the one this request came with included; for a service user, all its tokens. */
  private void endSessions(RoutingContext ctx) {
    var userId = AccessPolicy.userId(BearerAuth.principal(ctx));
    var second = TokenIssuer.nowSecond();
    pool.withTransaction(tx -> StoredRevocations.endSessions(tx, userId, second))
        .onSuccess(v -> {
          revocations.markEnded(userId.toString(), second);
          ctx.response().setStatusCode(204).end();
        })
        .onFailure(ctx::fail);
  }
}
