package dev.orgplane.kit.http;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.orgplane.kit.auth.Principal;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON line per finished request, so logs can be queried by request id, status, latency or
 * principal (the token's subject, as {@code BearerAuth} or the gateway put it on the context).
 */
public final class AccessLog implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger("orgplane.access");
  /** A typical line (a UUID request id, a path with an id, a subject) fits without the builder growing. */
  private static final int LINE_CAPACITY = 320;
  private final String service;

  public AccessLog(String service) {
    this.service = service;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long started = System.nanoTime();
    ctx.addBodyEndHandler(v -> {
      if (LOG.isInfoEnabled()) {
        LOG.info(line(ctx, (System.nanoTime() - started) / 1_000_000.0));
      }
    });
    ctx.next();
  }

  /**
   * The line, written directly: it is built for every request at every hop, and a JsonObject
   * encoded through Jackson's data binding cost several times as much.
   */
  private String line(RoutingContext ctx, double millis) {
    var line = new StringBuilder(LINE_CAPACITY).append("{\"service\":");
    quoted(line, service).append(",\"requestId\":");
    quoted(line, RequestIds.of(ctx)).append(",\"method\":\"").append(ctx.request().method().name())
        .append("\",\"path\":");
    quoted(line, ctx.request().path()).append(",\"status\":").append(ctx.response().getStatusCode())
        .append(",\"ms\":").append(millis).append(",\"principal\":");
    Principal principal = ctx.get(Principal.CONTEXT_KEY);
    return (principal == null ? line.append("null") : quoted(line, principal.subject())).append('}').toString();
  }

  /** Ids and paths seldom need escaping: those are appended as they are, without the encoder's copy. */
  private static StringBuilder quoted(StringBuilder line, String value) {
    if (value == null) {
      return line.append("null");
    }
    line.append('"');
    return (plain(value) ? line.append(value) : line.append(JsonStringEncoder.getInstance().quoteAsString(value)))
        .append('"');
  }

  private static boolean plain(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\' || c > 0x7e) {
        return false;
      }
    }
    return true;
  }
}
