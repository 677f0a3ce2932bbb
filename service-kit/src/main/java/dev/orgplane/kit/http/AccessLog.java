package dev.orgplane.kit.http;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One JSON line per finished request, so logs can be queried by request id, status or latency. */
public final class AccessLog implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger("orgplane.access");
  private final String service;

  public AccessLog(String service) {
    this.service = service;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long started = System.nanoTime();
    ctx.addBodyEndHandler(v -> {
      if (LOG.isInfoEnabled()) {
        LOG.info(new JsonObject()
            .put("service", service)
            .put("requestId", RequestIds.of(ctx))
            .put("method", ctx.request().method().name())
            .put("path", ctx.request().path())
            .put("status", ctx.response().getStatusCode())
            .put("ms", (System.nanoTime() - started) / 1_000_000.0)
            .put("principal", ctx.user() == null ? null : ctx.user().subject())
            .encode());
      }
    });
    ctx.next();
  }
}
