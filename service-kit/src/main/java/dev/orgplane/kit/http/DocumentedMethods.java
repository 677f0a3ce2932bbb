package dev.orgplane.kit.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses, before any route, a method the API document does not name on a path it names: 405
 * {@code method_not_allowed}, its {@code Allow} naming the methods the path takes. vertx-web 5.0 forgets that a route
 * of the path refused the method once a later route without a method (a catch-all: body handling, a token check,
 * the gateway's proxy) takes the request, so a wrong method on a path whose routes come before those
 * ({@code /health/*}, {@code /metrics}, the sign-in routes, {@code /openapi.json}) was a 404, or a 401 on the paths
 * that need no token.
 */
public final class DocumentedMethods implements Handler<RoutingContext> {

  @Override
  public void handle(RoutingContext ctx) {
    var path = ctx.request().path();
    var method = ctx.request().method();
    if (path != null && AllowedMethods.refuses(path, method)) {
      ctx.fail(new ApiException(405, "method_not_allowed", method + " is not allowed on " + path));
      return;
    }
    ctx.next();
  }
}
