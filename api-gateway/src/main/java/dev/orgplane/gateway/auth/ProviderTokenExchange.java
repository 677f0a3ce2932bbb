package dev.orgplane.gateway.auth;

import dev.orgplane.kit.auth.BearerToken;
import dev.orgplane.kit.auth.Principal;
import dev.orgplane.kit.http.RequestIds;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * Sends a request {@link DoorAuth} admitted with a trusted identity provider's token on with the platform's token it
 * was exchanged for ({@link ExternalTokens}): the services take no other. Mounted after the per-principal rate limit,
 * so a caller rotating fresh provider tokens is refused before org-service is asked to exchange them (each fresh token
 * is an exchange: with the exchange first, only the per-address limit bounded them, and a caller with many addresses
 * drove as many as it liked).
 */
public final class ProviderTokenExchange implements Handler<RoutingContext> {

  private final ExternalTokens external;

  public ProviderTokenExchange(ExternalTokens external) {
    this.external = external;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Principal principal = ctx.get(Principal.CONTEXT_KEY);
    if (principal == null || !external.isExternal(principal)) {
      ctx.next();
      return;
    }
    var token = BearerToken.in(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
    external.ours(token, principal, RequestIds.of(ctx)).onSuccess(ours -> {
      ctx.request().headers().set(HttpHeaders.AUTHORIZATION, "Bearer " + ours);
      // past the door, a refusal is a service's: the platform's token was revoked, not the provider's. Another refusal
      // (an instance's clock lagging) would refuse a token exchanged anew as well: that one is kept
      TokenRefusals.whenRevoked(ctx, () -> external.refused(token, ours));
      ctx.next();
    }).onFailure(ctx::fail);
  }
}
