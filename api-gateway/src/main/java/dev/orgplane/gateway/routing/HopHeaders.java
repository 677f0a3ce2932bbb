package dev.orgplane.gateway.routing;

import dev.orgplane.kit.http.RequestIds;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * What of a message's head crosses the gateway's hop, both ways: the hop-by-hop headers stay behind, the request
 * id and X-Forwarded-* are ours to set.
 */
final class HopHeaders {

  /** Case-insensitive, so no header name is lower-cased (allocated) to be looked up, twice per request. */
  private static final Set<String> HOP_BY_HOP = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

  static {
    HOP_BY_HOP.addAll(List.of("connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade", "host", "content-length"));
  }

  private static final long SMALL_BODY_BYTES = 256 * 1024;

  private HopHeaders() {
  }

  /**
   * The caller's headers minus the hop-by-hop ones, plus the request id and X-Forwarded-* (the caller's own of
   * those are dropped, so each is added once). Written straight into the upstream request: through its options
   * they were copied (and validated) twice.
   */
  static void toUpstream(RoutingContext ctx, BiConsumer<String, String> add) {
    var request = ctx.request();
    request.headers().forEach(h -> {
      if (!HOP_BY_HOP.contains(h.getKey()) && !h.getKey().equalsIgnoreCase(RequestIds.HEADER)
          && !h.getKey().regionMatches(true, 0, "x-forwarded-", 0, 12)) {
        add.accept(h.getKey(), h.getValue());
      }
    });
    add.accept(RequestIds.HEADER, RequestIds.of(ctx));
    add.accept("X-Forwarded-For", forwardedFor(request));
    add.accept("X-Forwarded-Proto", request.scheme() == null ? "http" : request.scheme());
    add.accept("X-Forwarded-Host", request.authority() == null ? "" : request.authority().toString());
  }

  /**
   * The upstream answer's head for the caller: its status and headers minus the hop-by-hop ones and its request
   * id (ours stands). Answers true when the body, of {@code length} bytes (-1: unknown), is to be collected and
   * written at once (typical API answers: one write, and nothing left to pipe if the caller has gone meanwhile);
   * false when it streams, its length announced or chunked.
   */
  static boolean answerHead(int status, Iterable<Map.Entry<String, String>> upstream, long length,
      HttpServerResponse response) {
    response.setStatusCode(status);
    for (var h : upstream) {
      if (!HOP_BY_HOP.contains(h.getKey()) && !h.getKey().equalsIgnoreCase(RequestIds.HEADER)) {
        response.headers().add(h.getKey(), h.getValue());
      }
    }
    if (length >= 0 && length <= SMALL_BODY_BYTES) {
      return true;
    }
    if (length >= 0) {
      response.putHeader("Content-Length", Long.toString(length));
    } else {
      response.setChunked(true);
    }
    return false;
  }

  private static String forwardedFor(HttpServerRequest request) {
    var client = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    var previous = request.getHeader("X-Forwarded-For");
    return previous == null ? client : previous + ", " + client;
  }
}
