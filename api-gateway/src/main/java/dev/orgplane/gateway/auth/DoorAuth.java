package dev.orgplane.gateway.auth;

import dev.orgplane.kit.auth.BearerToken;
import dev.orgplane.kit.auth.Principal;
import dev.orgplane.kit.auth.TokenVerifier;
import dev.orgplane.kit.http.ApiException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Turns away requests without a valid bearer token before they reach any service. Sign-in, key
 * discovery, health and the API document are open, and metrics where the gateway serves them on this port (served on
 * a port of their own, {@code /metrics} here is a path like any other, which a route may send to a service). The
 * Authorization header still
 * travels upstream: every service verifies the token again, so a request that bypasses the gateway
 * gains nothing. A trusted identity provider's token travels on as the platform's token it was exchanged for
 * ({@link ExternalTokens}): the services take no other.
 */
public final class DoorAuth implements Handler<RoutingContext> {

  private static final List<String> OPEN_PREFIXES = List.of("/v1/auth/", "/.well-known/", "/health/");

  private final List<String> openPaths;
  private final TokenVerifier tokens;
  private final ExternalTokens external;

  public DoorAuth(TokenVerifier tokens, ExternalTokens external, boolean metricsOnThisPort) {
    this.openPaths = metricsOnThisPort ? List.of("/metrics", "/openapi.json") : List.of("/openapi.json");
    this.tokens = tokens;
    this.external = external;
  }

  @Override
  public void handle(RoutingContext ctx) {
    var path = ctx.request().path();
    if (isOpen(path)) {
      ctx.next();
      return;
    }
    var token = BearerToken.in(ctx.request().getHeader("Authorization"));
    if (token == null) {
      ctx.fail(ApiException.unauthorized("A bearer token is required."));
      return;
    }
    tokens.verify(token).onSuccess(principal -> {
      if (!external.isExternal(principal)) {
        admit(ctx, principal);
        return;
      }
      external.ours(token, principal).onSuccess(ours -> {
        ctx.request().headers().set(HttpHeaders.AUTHORIZATION, "Bearer " + ours);
        // past the door, a 401 is a service's: the platform's token was revoked, not the provider's
        ctx.addHeadersEndHandler(head -> {
          if (ctx.response().getStatusCode() == 401) {
            external.refused(token, ours);
          }
        });
        admit(ctx, principal);
      }).onFailure(ctx::fail);
    }).onFailure(ctx::fail);
  }

  private static void admit(RoutingContext ctx, Principal principal) {
    ctx.put(Principal.CONTEXT_KEY, principal);
    ctx.next();
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
