package dev.orgplane.engine.orgapi;

import dev.orgplane.kit.http.RequestIds;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.HttpRequest;

/**
 * The caller the engine asks org-service about, as one of their requests has them: their token, which org-service
 * answers for, and the request's id, which it logs the question under ({@link RequestIds#passedOn}), so a failure
 * there is found by the id the caller was answered with.
 */
public record Caller(String authorization, String requestId) {

  /** The caller of {@code ctx}'s request. */
  public static Caller of(RoutingContext ctx) {
    return new Caller(ctx.request().getHeader("Authorization"), RequestIds.of(ctx));
  }

  /** {@code call} to org-service, asked as this caller in their request. */
  <T> HttpRequest<T> asking(HttpRequest<T> call) {
    return RequestIds.passedOn(call.putHeader("Authorization", authorization), requestId);
  }
}
