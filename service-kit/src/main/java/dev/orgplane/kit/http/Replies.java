package dev.orgplane.kit.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Writes JSON answers. Going through here lets an {@link IdempotencyKeys} slot opened for the
 * request record the answer before it is sent, so a retry with the same key gets the same answer.
 */
public final class Replies {

  private Replies() {
  }

  public static void json(RoutingContext ctx, int status, JsonObject body) {
    IdempotencyKeys.complete(ctx, status, body)
        .onComplete(ignored -> ctx.response().setStatusCode(status)
            .putHeader("Content-Type", "application/json").end(body.encode()));
  }

  public static void created(RoutingContext ctx, String location, JsonObject body) {
    ctx.response().putHeader("Location", location);
    json(ctx, 201, body);
  }

  public static void noContent(RoutingContext ctx) {
    empty(ctx, 204);
  }

  /** An answer without a body, such as 202 for work that goes on after it. */
  public static void empty(RoutingContext ctx, int status) {
    IdempotencyKeys.complete(ctx, status, null).onComplete(ignored -> ctx.response().setStatusCode(status).end());
  }

}
