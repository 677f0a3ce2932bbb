package dev.orgplane.gateway;

import dev.orgplane.kit.http.ApiException;
import io.netty.util.AsciiString;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses an HTTP/1 request that a proxy in front may read otherwise than the gateway, and closes its connection
 * after the answer (RFC 9112, 6.1 and 6.3): what followed the request on it may be a second one smuggled past that
 * proxy. Netty frames a body by Content-Length unless Transfer-Encoding says {@code chunked}, so {@code xchunked} or
 * {@code chunked, identity} beside a Content-Length had the gateway take as a request what a proxy reading
 * Transfer-Encoding had forwarded as a body. The one transfer coding read is {@code chunked}, alone, over HTTP/1.1:
 * any other the gateway would pass on undecoded, its name dropped with the hop's headers. A request with two Host
 * fields names two hosts, and which one a proxy went by the gateway cannot know (RFC 9112, 3.2). Netty itself drops a
 * Content-Length beside {@code chunked} alone and reads the chunks (RFC 9112, 6.3 allows that reading), so such a
 * request goes on, framed as a proxy keeping to the RFC frames it.
 */
public final class Http1Fields implements Handler<RoutingContext> {

  @Override
  public void handle(RoutingContext ctx) {
    var request = ctx.request();
    var refusal = request.version() == HttpVersion.HTTP_2 ? null : refusal(request);
    if (refusal == null) {
      ctx.next();
      return;
    }
    // taken out of service now, so nothing that arrives on it after this request is served; closed once answered,
    // not after the body, which may be long
    request.connection().shutdown();
    LastAnswer.on(ctx);
    ctx.fail(ApiException.badRequest("malformed_request", refusal));
  }

  /** Why the request is refused, or null: a lookup or two for the common request, which has one Host and no coding. */
  static String refusal(HttpServerRequest request) {
    var headers = request.headers();
    var coding = headers.get(HttpHeaders.TRANSFER_ENCODING);
    if (coding != null && !(request.version() == HttpVersion.HTTP_1_1 && "chunked".equalsIgnoreCase(coding)
        && !moreThanOne(headers, HttpHeaders.TRANSFER_ENCODING) && !headers.contains(HttpHeaders.CONTENT_LENGTH))) {
      return "Transfer-Encoding must be chunked alone, without Content-Length, over HTTP/1.1 (RFC 9112, 6.1 and 6.3).";
    }
    if (moreThanOne(headers, HttpHeaders.HOST)) {
      return "The request has more than one Host field (RFC 9112, 3.2).";
    }
    return null;
  }

  /** Whether a second {@code name} field follows the first: counted in place, a list of them costs every request. */
  private static boolean moreThanOne(MultiMap headers, CharSequence name) {
    boolean seen = false;
    for (var field : headers) {
      if (AsciiString.contentEqualsIgnoreCase(name, field.getKey())) {
        if (seen) {
          return true;
        }
        seen = true;
      }
    }
    return false;
  }
}
