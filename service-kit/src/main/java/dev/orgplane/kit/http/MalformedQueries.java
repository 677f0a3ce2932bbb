package dev.orgplane.kit.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

/**
 * Refuses a query that is not valid percent-encoding ({@code ?q=%zz}, {@code ?q=a%}), 400 {@code malformed_query},
 * before any route is matched. vertx-web decodes the query when it matches a route with a path parameter, or when a
 * handler first reads it, and each failed its own way: until session 34 {@code GET /v1/organizations?q=%zz} was 400
 * {@code bad_request}, and {@code GET /v1/organizations/{org}/audit-events?action=%zz} 400 {@code malformed_path},
 * blaming a path that was fine.
 */
final class MalformedQueries implements Handler<RoutingContext> {

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.request().query() != null && !decodes(ctx)) {
      ctx.fail(ApiException.badRequest("malformed_query", "The query is not valid percent-encoded text."));
      return;
    }
    ctx.next();
  }

  /** Whether the query decodes, as every route reads it (decoded once, and kept for them). */
  private static boolean decodes(RoutingContext ctx) {
    try {
      ctx.queryParams();
      return true;
    } catch (HttpException undecodable) {
      return false;
    }
  }
}
