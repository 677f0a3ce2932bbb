package dev.orgplane.kit.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * A body whose declared media type is neither JSON nor a form is refused with 415 before it is read: every
 * endpoint reads JSON (the OAuth token and revocation endpoints forms), and a text/plain or XML body parsed as
 * JSON anyway hides the client's mistake. Form-encoded bodies pass, as {@code curl -d} declares one for the
 * JSON it sends; a body without a Content-Type passes too.
 */
final class BodyMediaTypes implements Handler<RoutingContext> {

  @Override
  public void handle(RoutingContext ctx) {
    var request = ctx.request();
    var type = request.getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null || !hasBody(ctx) || isReadable(type)) {
      ctx.next();
      return;
    }
    Problem.of(415, "unsupported_media_type", "Send the body as application/json.").writeTo(ctx.response());
  }

  private static boolean hasBody(RoutingContext ctx) {
    var length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
    return length != null ? !"0".equals(length.trim()) : ctx.request().getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
  }

  private static boolean isReadable(String contentType) {
    var media = mediaType(contentType);
    return media.equals("application/json") || media.startsWith("application/") && media.endsWith("+json")
        || media.equals("application/x-www-form-urlencoded");
  }

  private static String mediaType(String contentType) {
    var end = contentType.indexOf(';');
    return (end < 0 ? contentType : contentType.substring(0, end)).trim().toLowerCase(Locale.ROOT);
  }
}
