package dev.orgplane.org.access;

import dev.orgplane.kit.auth.Principal;
import dev.orgplane.kit.http.ApiException;
import io.vertx.core.Handler;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.function.Predicate;

/**
 * Answers a request's mistakes only to someone its organization would answer. Handlers check a body or query before
 * they ask {@link AccessPolicy} (no transaction is opened for a body that cannot be written), so a 400 or 422 on a path
 * of an organization is first confirmed to be for a caller in it; anyone else gets the 404 every other request of
 * theirs there gets, and a member of a disabled organization the 403 {@code organization_disabled} they would have got
 * for the request done right, except on the routes the disable leaves them ({@link #openWhileDisabled}). Only
 * requests that failed pay for the check.
 */
public final class MembersOnlyErrors implements Handler<RoutingContext> {

  private static final String OPEN_ROUTE = MembersOnlyErrors.class.getName() + ".openRoute";
  /** Before the failure handlers' -1. */
  private static final int MARKED_FIRST = -2;

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

  /**
   * {@code route} of {@code router}, which members of a disabled organization may still use (reading it, disabling
   * and enabling it, asking what they may do): they hear its mistakes as they are.
   */
  public static Route openWhileDisabled(Router router, Route route) {
    return openWhileDisabled(router, route, ctx -> true);
  }

  /**
   * As {@link #openWhileDisabled(Router, Route)} for the requests of {@code route} that {@code open} picks. A failure
   * handler of the same path and method marks the route's refused requests, those the router's own handlers refuse
   * before any route's handler runs (the {@code Idempotency-Key} check) too, so that an owner enabling with a malformed
   * key hears that mistake, not the disable. A failure handler runs only for requests that failed: the ones answered
   * pay nothing for it.
   */
  public static Route openWhileDisabled(Router router, Route route, Predicate<RoutingContext> open) {
    // of the path alone, which route lists and documentation checks pass over as they pass over the router's own
    router.route(route.getPath()).order(MARKED_FIRST).failureHandler(ctx -> {
      if (route.methods().contains(ctx.request().method())) {
        ctx.put(OPEN_ROUTE, open);
      }
      ctx.next();
    });
    return route;
  }

  /** Whether the request's route is open while disabled, as its predicate says of the request. */
  private static boolean open(RoutingContext ctx) {
    Predicate<RoutingContext> open = ctx.get(OPEN_ROUTE);
    return open != null && open.test(ctx);
  }

  @Override
  public void handle(RoutingContext ctx) {
    Principal principal = ctx.get(Principal.CONTEXT_KEY);
    if (!(ctx.failure() instanceof ApiException mistake) || mistake.status() != 400 && mistake.status() != 422
        || principal == null) {
      ctx.next();
      return;
    }
    AccessPolicy.standing(pool, principal, ctx.pathParam("org")).onComplete(standing -> {
      if (standing.succeeded() && standing.result() == AccessPolicy.Standing.OUTSIDE) {
        ctx.fail(AccessPolicy.notFound());
      } else if (standing.succeeded() && standing.result() == AccessPolicy.Standing.HELD_OFF && !open(ctx)) {
        ctx.fail(AccessPolicy.organizationDisabled());
      } else {
        ctx.next();
      }
    });
  }
}
