package dev.orgplane.org.identity;

import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.auth.TokenRevocations;
import dev.orgplane.kit.http.QueryParameters;
import dev.orgplane.kit.http.RequestBody;
import dev.orgplane.org.access.AccessPolicy;
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

  /** A password changed: where the sessions before it end, and the new session's refresh token (if it has one). */
  private record Changed(long second, String refresh) {
  }

  /** The current password first (see {@link PasswordConfirmation}), still the account's once its row is held. */
  private void changePassword(RoutingContext ctx) {
    var body = RequestBody.of(ctx, Set.of("currentPassword", "password"));
    var current = body.requiredString("currentPassword", 1024);
    var password = IdentityRoutes.newPassword(body, "password");
    body.validate();
    var principal = BearerAuth.principal(ctx);
    var userId = AccessPolicy.userId(principal);
    passwords.confirm(ctx, userId, current)
        .compose(confirmed -> hasher.hash(password).compose(hash -> {
          var scope = principal.orgScope();
          // the new session's refresh token commits with the password: unscoped, so a session scoped to one
          // organization gets none, as at its start
          return pool.withTransaction(tx -> confirmed.stillHolds(tx)
                  .compose(held -> PasswordChange.apply(tx, userId, hash))
                  .compose(second -> (scope == null ? refreshTokens.issue(tx, userId) : Future.<String>succeededFuture())
                      .map(refresh -> new Changed(second, refresh))))
              .map(changed -> {
                revocations.markEnded(userId.toString(), changed.second());
                var response = tokens.tokenResponse(userId.toString(), scope == null ? null : UUID.fromString(scope));
                return changed.refresh() == null ? response : response.put("refresh_token", changed.refresh());
              });
        }))
        .onSuccess(response -> IdentityRoutes.sendToken(ctx, response))
        .onFailure(ctx::fail);
  }

  /** Ends the caller's sessions, the one this request came with included; for a service user, all its tokens. */
  private void endSessions(RoutingContext ctx) {
    var userId = AccessPolicy.userId(BearerAuth.principal(ctx));
    pool.withTransaction(tx -> StoredRevocations.endSessions(tx, userId))
        .onSuccess(second -> {
          revocations.markEnded(userId.toString(), second);
          ctx.response().setStatusCode(204).end();
        })
        .onFailure(ctx::fail);
  }
}
