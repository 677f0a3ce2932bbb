package dev.orgplane.gateway.auth;

import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.auth.Principal;
import dev.orgplane.kit.auth.TokenVerifier;
import dev.orgplane.kit.http.ApiException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Turns away requests without a valid bearer token before they reach any service. Sign-in, key
 * discovery, health, metrics and the API document are open. The Authorization header still
 * travels upstream: every service verifies the token again, so a request that bypasses the gateway
 * gains nothing.
 */
public final class DoorAuth implements Handler<RoutingContext> {

  private static final List<String> OPEN_PREFIXES = List.of("/v1/auth/", "/.well-known/", "/health/");
  private static final List<String> OPEN_PATHS = List.of("/metrics", "/openapi.json");

  private final TokenVerifier tokens;

  public DoorAuth(TokenVerifier tokens) {
    this.tokens = tokens;
  }

  @Override
  public void handle(RoutingContext ctx) {
    var path = ctx.request().path();
    if (OPEN_PATHS.contains(path) || OPEN_PREFIXES.stream().anyMatch(path::startsWith)) {
      ctx.next();
      return;
    }
    var token = BearerAuth.bearerToken(ctx.request().getHeader("Authorization"));
    if (token == null) {
      ctx.fail(ApiException.unauthorized("A bearer token is required."));
      return;
    }
    tokens.verify(token).onSuccess(principal -> {
      ctx.put(Principal.CONTEXT_KEY, principal);
      ctx.next();
    }).onFailure(ctx::fail);
  }
}
