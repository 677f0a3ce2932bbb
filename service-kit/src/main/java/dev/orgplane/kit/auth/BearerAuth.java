package dev.orgplane.kit.auth;

import dev.orgplane.kit.http.ApiException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BooleanSupplier;

/**
 * Requires a valid bearer token and puts its {@link Principal} on the routing context. Every
 * service mounts this itself: a request that reaches a service port directly, bypassing the
 * gateway, is verified the same way.
 */
public final class BearerAuth implements Handler<RoutingContext> {

  /** Where a request keeps whether its token is still good ({@link #stillValid}). */
  private static final String STANDING_KEY = "orgplane.tokenStanding";

  private final TokenVerifier verifier;
  private final TokenRevocations revocations;

  /**
   * {@code revocations} refuses tokens that verify but were withdrawn before their expiry (a revoked credential's);
   * while it is not {@link TokenRevocations#fresh} every token is refused with 503 {@code revocations_unavailable}, as
   * it cannot tell whether the token was withdrawn meanwhile.
   */
  public BearerAuth(TokenVerifier verifier, TokenRevocations revocations) {
    this.verifier = verifier;
    this.revocations = revocations;
  }

  @Override
  public void handle(RoutingContext ctx) {
    var token = BearerToken.in(ctx.request().getHeader("Authorization"));
    if (token == null) {
      ctx.fail(ApiException.unauthorized("A bearer token is required."));
      return;
    }
    verifier.verify(token).onSuccess(principal -> {
      if (!revocations.fresh()) {
        ctx.response().putHeader("Retry-After", Long.toString(revocations.retryAfterSeconds()));
        ctx.fail(new ApiException(503, "revocations_unavailable",
            "The list of withdrawn tokens could not be read lately, so no token can be checked; retry shortly."));
        return;
      }
      if (revocations.test(principal)) {
        ctx.fail(TokenVerifier.revoked());
        return;
      }
      ctx.put(Principal.CONTEXT_KEY, principal);
      ctx.put(STANDING_KEY, (BooleanSupplier) () -> principal.expiresAt() > System.currentTimeMillis() / 1000
          && revocations.fresh() && !revocations.test(principal));
      ctx.next();
    }).onFailure(ctx::fail);
  }

  /**
   * Whether the request's token is still good now: unexpired, and not revoked since it was verified (as far as a list
   * still {@link TokenRevocations#fresh} tells: one grown stale can no longer vouch for it). A response that
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
