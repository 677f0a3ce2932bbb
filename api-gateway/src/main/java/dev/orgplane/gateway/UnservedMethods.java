package dev.orgplane.gateway;

import dev.orgplane.kit.http.ApiException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses CONNECT and TRACE, which no service serves, at the door: 405 {@code method_not_allowed}, with
 * {@code Allow} naming the methods the path takes where the API document names it. Until now the gateway passed
 * them on. A 2xx an upstream gave a CONNECT would make the pooled upstream connection a tunnel that its HTTP decoder
 * went on reading as answers, and a TRACE echoes the request back, the caller's token among its fields.
 */
public final class UnservedMethods implements Handler<RoutingContext> {

  @Override
  public void handle(RoutingContext ctx) {
    var method = ctx.request().method();
    if (method.equals(HttpMethod.CONNECT) || method.equals(HttpMethod.TRACE)) {
      ctx.fail(new ApiException(405, "method_not_allowed", method + " is not served here."));
      return;
    }
    ctx.next();
  }
}
