package dev.orgplane.gateway.auth;

import dev.orgplane.gateway.ResolvedPaths;
import dev.orgplane.kit.auth.BearerToken;
import dev.orgplane.kit.auth.Principal;
import dev.orgplane.kit.auth.TokenVerifier;
import dev.orgplane.kit.http.ApiException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Turns away requests without a valid bearer token before they reach any service. Sign-in, key
 * discovery, health and the API document are open, and metrics where the gateway serves them on this port (served on
 * a port of their own, {@code /metrics} here is a path like any other, which a route may send to a service). The
 * Authorization header still
 * travels upstream: every service verifies the token again, so a request that bypasses the gateway
 * gains nothing. A trusted identity provider's token is admitted here as its provider's principal, and exchanged
 * after the per-principal rate limit ({@link ProviderTokenExchange}).
 *
 * <p>The door reads no revocation list, but hears a service refuse one of the platform's tokens as revoked
 * ({@link TokenRefusals}) and refuses it itself from then on until it expires, before the per-principal rate limit:
 * else whoever held a revoked token (its owner signed out everywhere, changed their password) emptied its subject's
 * bucket with it, and the owner's fresh tokens met 429 for as long as the revoked one lived. A provider's token is
 * not refused here: a service refused the platform's token it was exchanged for, and the next exchange decides anew.
 */
public final class DoorAuth implements Handler<RoutingContext> {

  private static final List<String> OPEN_PREFIXES = List.of("/v1/auth/", "/.well-known/", "/health/");

  private final List<String> openPaths;
  private final TokenVerifier tokens;
  private final String ownIssuer;

  public DoorAuth(TokenVerifier tokens, String ownIssuer, boolean metricsOnThisPort) {
    this.openPaths = metricsOnThisPort ? List.of("/metrics", "/openapi.json") : List.of("/openapi.json");
    this.tokens = tokens;
    this.ownIssuer = ownIssuer;
  }

  @Override
  public void handle(RoutingContext ctx) {
    // judged on the path as routed and served: a client that encodes more than it must is not refused sign-in
    if (isOpen(ResolvedPaths.asRouted(ctx))) {
      ctx.next();
      return;
    }
    var token = BearerToken.in(ctx.request().getHeader("Authorization"));
    if (token == null) {
      ctx.fail(ApiException.unauthorized("A bearer token is required."));
      return;
    }
    tokens.verify(token).onSuccess(principal -> {
      ctx.put(Principal.CONTEXT_KEY, principal);
      if (ownIssuer.equals(principal.issuer())) {
        TokenRefusals.whenRevoked(ctx, () -> tokens.refuse(token));
      }
      ctx.next();
    }).onFailure(ctx::fail);
  }

  /** A loop, not a stream: asked for every request. */
  private boolean isOpen(String path) {
    if (openPaths.contains(path)) {
      return true;
    }
    for (int i = 0; i < OPEN_PREFIXES.size(); i++) {
      if (path.startsWith(OPEN_PREFIXES.get(i))) {
        return true;
      }
    }
    return false;
  }
}
