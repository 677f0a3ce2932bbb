package dev.orgplane.gateway.limits;

import dev.orgplane.gateway.routing.BodyCheck;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * The stricter limits of the requests that have org-service hash a password: by client address, then by IPv6 site,
 * so a client its own bucket refuses takes nothing from its neighbours' share. The token endpoint serves grants that
 * hash none besides ({@link TokenGrants}), which pass them uncounted.
 */
public final class PasswordLimits {

  private final RateLimit perAddress;
  private final RateLimit perSite;

  public PasswordLimits(RateLimit perAddress, RateLimit perSite) {
    this.perAddress = perAddress;
    this.perSite = perSite;
  }

  /** For a route whose every request hashes a password: counted at the door. */
  public Handler<RoutingContext> everyRequest() {
    return ctx -> {
      if (admits(ctx)) {
        ctx.next();
      }
    };
  }

  /**
   * For the token endpoint: counted unless the request's grant hashes no password, which its body says, so once the
   * proxy has read it ({@link BodyCheck}).
   */
  public Handler<RoutingContext> byGrant() {
    BodyCheck check = (ctx, body) -> TokenGrants.hashNoPassword(ctx.request().getHeader("Content-Type"), body)
        || admits(ctx);
    return ctx -> {
      check.leaveOn(ctx);
      ctx.next();
    };
  }

  private boolean admits(RoutingContext ctx) {
    return perAddress.admits(ctx) && perSite.admits(ctx);
  }
}
