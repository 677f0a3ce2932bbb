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
    IdempotencyKeys.complete(ctx, 204, null).onComplete(ignored -> ctx.response().setStatusCode(204).end());
  }

}
