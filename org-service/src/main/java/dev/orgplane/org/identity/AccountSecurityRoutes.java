package dev.orgplane.org.identity;

import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.auth.TokenRevocations;
import dev.orgplane.kit.http.QueryParameters;
import dev.orgplane.kit.http.RequestBody;
import dev.orgplane.org.access.AccessPolicy;
import dev.orgplane.org.user.OwnAccountAccess;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.Set;

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
  private final PasswordConfirmation passwords;
  private final RefreshTokens refreshTokens;

  public AccountSecurityRoutes(Pool pool, PasswordHasher hasher, TokenIssuer tokens, TokenRevocations revocations,
      RefreshTokens refreshTokens) {
    this.pool = pool;
    this.hasher = hasher;
    this.tokens = tokens;
    this.revocations = revocations;
    this.passwords = new PasswordConfirmation(pool, hasher);
    this.refreshTokens = refreshTokens;
  }

  public void mount(Router router) {
    QueryParameters.NONE.on(router.put("/v1/users/me/password")).handler(this::changePassword);
    QueryParameters.NONE.on(router.delete("/v1/users/me/sessions")).handler(this::endSessions);
  }

  /** A password changed: where the sessions before it end, and the new session. */
  private record Changed(long second, RefreshTokens.Session session) {
  }

  /**
   * With the caller's own token ({@link OwnAccountAccess}), the current password first (see
   * {@link PasswordConfirmation}), still the account's once its row is held. The new session is a whole one: no token
   * scoped to one organization gets here (until session 35 one did, and was answered one scoped as it was).
   */
  private void changePassword(RoutingContext ctx) {
    var body = RequestBody.of(ctx, Set.of("currentPassword", "password"));
    var current = body.requiredString("currentPassword", 1024);
    var password = IdentityRoutes.newPassword(body, "password");
    body.validate();
    var principal = BearerAuth.principal(ctx);
    var userId = AccessPolicy.userId(principal);
    OwnAccountAccess.require(pool, principal)
        .compose(allowed -> passwords.confirm(ctx, userId, current))
        .compose(confirmed -> hasher.hash(password).compose(hash -> pool.withTransaction(tx -> confirmed.stillHolds(tx)
                // the new session's refresh token commits with the password
                .compose(held -> PasswordChange.apply(tx, userId, hash))
                .compose(second -> refreshTokens.open(tx, userId, second)
                    .map(session -> new Changed(second, session))))
            .map(changed -> {
              revocations.markEnded(userId.toString(), changed.second());
              return tokens.tokenResponse(changed.session());
            })))
        .onSuccess(response -> IdentityRoutes.sendToken(ctx, response))
        .onFailure(ctx::fail);
  }

  /**
   * Ends the caller's sessions, the one this request came with included, with their own token
   * ({@link OwnAccountAccess}); for a service user, all its tokens.
   */
  private void endSessions(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var userId = AccessPolicy.userId(principal);
    OwnAccountAccess.require(pool, principal)
        .compose(allowed -> pool.withTransaction(tx -> StoredRevocations.endSessions(tx, userId)))
        .onSuccess(second -> {
          revocations.markEnded(userId.toString(), second);
          ctx.response().setStatusCode(204).end();
        })
        .onFailure(ctx::fail);
  }
}
