package dev.orgplane.kit.http;

import dev.orgplane.kit.auth.Principal;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON line per finished request, so logs can be queried by request id, status, latency or
 * principal (the token's subject, as {@code BearerAuth} or the gateway put it on the context). Whether
 * lines are written is the level of the {@code orgplane.access} logger (INFO: yes); where they go is
 * the {@link AccessLogSink}.
 */
public final class AccessLog implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger("orgplane.access");
  private final String service;
  private final AccessLogSink sink;

  /** Lines to the process's standard output. */
  public AccessLog(String service) {
    this(service, AccessLogSink.standardOutput());
  }

  AccessLog(String service, AccessLogSink sink) {
    this.service = service;
    this.sink = sink;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (LOG.isInfoEnabled()) {
      long started = System.nanoTime();
      ctx.addBodyEndHandler(v -> {
        var line = line(ctx, System.nanoTime() - started);
        sink.append(line.bytes(), line.length());
      });
    }
    ctx.next();
  }

  private AccessLine line(RoutingContext ctx, long nanos) {
    Principal principal = ctx.get(Principal.CONTEXT_KEY);
    return line(RequestIds.of(ctx), ctx.request().method().name(), ctx.request().path(),
        ctx.response().getStatusCode(), nanos, principal == null ? null : principal.subject());
  }

  /**
   * The line of a request answered without vertx-web (the gateway's reads served below it), as {@link #handle}
   * writes one: {@code nanos} from its arrival to its answer's end, {@code principal} the token's subject or null.
   */
  public void record(String requestId, String method, String path, int status, long nanos, String principal) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    var line = line(requestId, method, path, status, nanos, principal);
    sink.append(line.bytes(), line.length());
  }

  private AccessLine line(String requestId, String method, String path, int status, long nanos, String principal) {
    return AccessLine.begin(System.currentTimeMillis())
        .ascii("{\"service\":").quoted(service)
        .ascii(",\"requestId\":").quoted(requestId)
        .ascii(",\"method\":").quoted(method)
        .ascii(",\"path\":").quoted(path)
        .ascii(",\"status\":").number(status)
        .ascii(",\"ms\":").millis(nanos)
        .ascii(",\"principal\":").quoted(principal)
        .ascii("}").end();
  }
}
