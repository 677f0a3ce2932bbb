package dev.orgplane.kit.auth;

import dev.orgplane.kit.http.ApiException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Predicate;

/**
 * Requires a valid bearer token and puts its {@link Principal} on the routing context. Every
 * service mounts this itself: a request that reaches a service port directly, bypassing the
 * gateway, is verified the same way.
 */
public final class BearerAuth implements Handler<RoutingContext> {

  private final TokenVerifier verifier;
  private final Predicate<Principal> revoked;

  public BearerAuth(TokenVerifier verifier) {
    this(verifier, principal -> false);
  }

  /** {@code revoked} refuses tokens that verify but were withdrawn before their expiry (a revoked credential's). */
  public BearerAuth(TokenVerifier verifier, Predicate<Principal> revoked) {
    this.verifier = verifier;
    this.revoked = revoked;
  }

  @Override
  public void handle(RoutingContext ctx) {
    var token = BearerToken.in(ctx.request().getHeader("Authorization"));
    if (token == null) {
      ctx.fail(ApiException.unauthorized("A bearer token is required."));
      return;
    }
    verifier.verify(token).onSuccess(principal -> {
      if (revoked.test(principal)) {
        ctx.fail(ApiException.unauthorized("The token was revoked."));
        return;
      }
      ctx.put(Principal.CONTEXT_KEY, principal);
      ctx.next();
    }).onFailure(ctx::fail);
  }

  public static Principal principal(RoutingContext ctx) {
    Principal principal = ctx.get(Principal.CONTEXT_KEY);
    if (principal == null) {
      throw ApiException.unauthorized("A bearer token is required.");
    }
    return principal;
  }
}
