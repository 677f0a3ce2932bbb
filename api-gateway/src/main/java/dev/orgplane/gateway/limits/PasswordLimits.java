package dev.orgplane.gateway.limits;

import dev.orgplane.gateway.routing.BodyCheck;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The stricter limits of the requests that have org-service hash a password, narrowest first: by client address, then
 * by IPv6 site, then by the /48 holding the site when it is narrower, so a client a narrower bucket refuses takes
 * nothing from its neighbours' share in a wider one. A request a wider bucket refuses keeps the narrower tokens it
 * took, on purpose: each try at the shared bucket costs the client one of its own, which bounds its share of the
 * shared bucket's refills by its own rate (given back, a client flooding an empty site kept its own bucket full and
 * took the refills as fast as it asked). The token endpoint serves grants that hash none besides
 * ({@link TokenGrants}), which pass them uncounted.
 */
public final class PasswordLimits {

  private final List<RateLimit> narrowestFirst;

  public PasswordLimits(List<RateLimit> narrowestFirst) {
    this.narrowestFirst = List.copyOf(narrowestFirst);
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

  /** Forgets the full buckets of every limit ({@link TokenBuckets#forgetIdle()}). */
  public void forgetIdle() {
    narrowestFirst.forEach(RateLimit::forgetIdle);
  }

  private boolean admits(RoutingContext ctx) {
    for (var limit : narrowestFirst) {
      if (!limit.admits(ctx)) {
        return false;
      }
    }
    return true;
  }
}
