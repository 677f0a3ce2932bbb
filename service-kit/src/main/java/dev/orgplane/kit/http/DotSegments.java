package dev.orgplane.kit.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses a path with a dot-segment ({@code .} or {@code ..}, percent-encoded or not), 400 {@code unresolved_path},
 * before any route sees it. vertx-web routes on the path with such segments resolved, so a request reaching a service
 * past the gateway (which refuses them at the door) acted on what the path resolved to:
 * {@code DELETE /v1/organizations/{org}/groups/..} deleted the organization, and a {@code GET} or {@code PATCH} of
 * {@code .../{kind}/..} reached the organization or the list. Clients resolve dot-segments before they send (RFC 3986),
 * so a path that still has them is refused, not resolved, at the door and at every service.
 */
public final class DotSegments implements Handler<RoutingContext> {

  @Override
  public void handle(RoutingContext ctx) {
    if (in(ctx.request().path())) {
      ctx.fail(ApiException.badRequest("unresolved_path",
          "The path holds a '.' or '..' segment; send it resolved (RFC 3986, section 5.2.4)."));
      return;
    }
    ctx.next();
  }

  /** Whether {@code path}, as sent, holds a {@code .} or {@code ..} segment, each dot as itself or as {@code %2e}. */
  public static boolean in(String path) {
    if (path == null || path.indexOf('.') < 0 && path.indexOf('%') < 0) {
      // the common case, decided without a look at any segment
      return false;
    }
    int start = 0;
    while (start <= path.length()) {
      int end = path.indexOf('/', start);
      if (end < 0) {
        end = path.length();
      }
      if (isDots(path, start, end)) {
        return true;
      }
      start = end + 1;
    }
    return false;
  }

  /** Whether {@code path[start, end)} is one or two dots, each as itself or as {@code %2e}. */
  private static boolean isDots(String path, int start, int end) {
    int dots = 0;
    int i = start;
    while (i < end) {
      if (path.charAt(i) == '.') {
        i++;
      } else if (path.regionMatches(true, i, "%2e", 0, 3) && i + 3 <= end) {
        i += 3;
      } else {
        return false;
      }
      dots++;
    }
    return dots == 1 || dots == 2;
  }
}
