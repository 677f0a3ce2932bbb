package dev.orgplane.org.access;

import dev.orgplane.kit.auth.Principal;
import dev.orgplane.kit.http.ApiException;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

/**
 * Answers a request's mistakes only to someone in its organization. Handlers check a body before they
 * ask {@link AccessPolicy} (no transaction is opened for a body that cannot be written), so a 400 or
 * 422 on a path of an organization is first confirmed to be for a caller in it; anyone else gets the
 * 404 every other request of theirs there gets. Only requests that failed pay for the check.
 */
public final class MembersOnlyErrors implements Handler<RoutingContext> {

  private final Pool pool;

  private MembersOnlyErrors(Pool pool) {
    this.pool = pool;
  }

  /** Ahead of the problem+json failure handler, on every path of an organization. */
  public static void install(Router router, Pool pool) {
    var handler = new MembersOnlyErrors(pool);
    router.route("/v1/organizations/:org").order(-1).failureHandler(handler);
    router.route("/v1/organizations/:org/*").order(-1).failureHandler(handler);
  }

  @Override
  public void handle(RoutingContext ctx) {
    Principal principal = ctx.get(Principal.CONTEXT_KEY);
    if (!(ctx.failure() instanceof ApiException mistake) || mistake.status() != 400 && mistake.status() != 422
        || principal == null) {
      ctx.next();
      return;
    }
    AccessPolicy.isIn(pool, principal, ctx.pathParam("org")).onComplete(in -> {
      if (in.succeeded() && !in.result()) {
        ctx.fail(AccessPolicy.notFound());
      } else {
        ctx.next();
      }
    });
  }
}
