package dev.orgplane.kit.auth;

import dev.orgplane.kit.http.ApiException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Requires a valid bearer token and puts its {@link Principal} on the routing context. Every
 * service mounts this itself: a request that reaches a service port directly, bypassing the
 * gateway, is verified the same way.
 */
public final class BearerAuth implements Handler<RoutingContext> {

  /** Where a request keeps whether its token is still good ({@link #stillValid}). */
  private static final String STANDING_KEY = "orgplane.tokenStanding";

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
      ctx.put(STANDING_KEY, (BooleanSupplier) () -> principal.expiresAt() > System.currentTimeMillis() / 1000
          && !revoked.test(principal));
      ctx.next();
    }).onFailure(ctx::fail);
  }

  /**
   * Whether the request's token is still good now: unexpired, and not revoked since it was verified. A response that
   * outlives its request's check (an event stream) asks again, as each new request is checked; false for a request
   * that came through no BearerAuth.
   */
  public static boolean stillValid(RoutingContext ctx) {
    BooleanSupplier standing = ctx.get(STANDING_KEY);
    return standing != null && standing.getAsBoolean();
  }

  public static Principal principal(RoutingContext ctx) {
    Principal principal = ctx.get(Principal.CONTEXT_KEY);
    if (principal == null) {
      throw ApiException.unauthorized("A bearer token is required.");
    }
    return principal;
  }
}
