package dev.orgplane.gateway;

import dev.orgplane.kit.http.ApiException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses an HTTP/2 request whose path or header fields hold what HTTP/1.1 cannot carry: CR, LF or NUL anywhere, in
 * the path space or other control characters (RFC 9113, section 8.2.1: such a request is malformed), and a field
 * name that is no token (RFC 9110, 5.1), which Vert.x's client refuses to write with an exception the caller would
 * wait on. Vert.x 5.0 takes HTTP/2 fields as sent (Netty's decoder with its checks off), and the gateway writes a
 * read's head unchecked onto a kept-alive upstream HTTP/1.1 connection: a CR LF in a value ended the head early, and
 * what followed was a second request, past the door's checks, whose answer the connection's next caller got. HTTP/1
 * requests never hold such fields: their decoder refuses them first.
 *
 * <p>Pseudo-header fields are not among the request's headers in Vert.x 5: of them, {@code :method} and
 * {@code :authority} Vert.x checks itself (it ends the connection, or the stream), and {@code :path} is the request's
 * uri, checked here. {@code :scheme} Vert.x checks for presence alone, so any other than {@code http} or
 * {@code https} is refused here: a CR LF in it once reached the upstream's head in X-Forwarded-Proto, which the
 * gateway now takes from its own connection, and made Vert.x's client throw on the body path, leaving the caller
 * unanswered.
 */
public final class Http2Fields implements Handler<RoutingContext> {

  private static final String TOKEN_SYMBOLS = "!#$%&'*+-.^_`|~";
  private static final String CONTROL_CHARACTER =
      "The path or a header field holds a control character, which HTTP/2 does not allow (RFC 9113, 8.2.1).";

  @Override
  public void handle(RoutingContext ctx) {
    var request = ctx.request();
    var refusal = request.version() == HttpVersion.HTTP_2 ? refusal(request) : null;
    if (refusal != null) {
      ctx.fail(ApiException.badRequest("malformed_request", refusal));
      return;
    }
    ctx.next();
  }

  /** Why the request is refused, or null. */
  static String refusal(HttpServerRequest request) {
    if (!"http".equalsIgnoreCase(request.scheme()) && !"https".equalsIgnoreCase(request.scheme())) {
      return "The :scheme is neither http nor https.";
    }
    if (!isClean(request.uri(), false)) {
      return CONTROL_CHARACTER;
    }
    for (var field : request.headers()) {
      if (!isName(field.getKey()) || !isClean(field.getValue(), true)) {
        return CONTROL_CHARACTER;
      }
    }
    return null;
  }

  /** Whether {@code text} has no CR, LF, NUL or other control character; a value may hold spaces and tabs. */
  private static boolean isClean(String text, boolean value) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 && !(value && c == '\t') || c == 0x7f || c == ' ' && !value) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code name} is a token, or a pseudo-header's (":path"): a token after its colon. */
  private static boolean isName(String name) {
    int start = name.startsWith(":") ? 1 : 0;
    if (name.length() == start) {
      return false;
    }
    for (int i = start; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || TOKEN_SYMBOLS.indexOf(c) >= 0)) {
        return false;
      }
    }
    return true;
  }
}
