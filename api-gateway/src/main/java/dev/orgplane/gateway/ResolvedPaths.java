package dev.orgplane.gateway;

import dev.orgplane.kit.http.ApiException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses a path with dot-segments ({@code .} or {@code ..}, percent-encoded or not) or an empty segment
 * ({@code //}) before anything looks at it. The door decides on the path as sent (which prefixes are open, which
 * service serves it) and passes it on unchanged, while a service resolves such segments before routing:
 * {@code /v1/auth/../organizations} was open at the door and the organization list at org-service, and
 * {@code /v1//provisioning/jobs} went by the {@code /v1/} route to org-service, past a route for
 * {@code /v1/provisioning/}, as any more specific prefix could be gone round. Clients resolve dot-segments before
 * they send (RFC 3986), and no path of ours has an empty segment, so a path that still has them is refused, not
 * resolved.
 */
public final class ResolvedPaths implements Handler<RoutingContext> {

  @Override
  public void handle(RoutingContext ctx) {
    var path = ctx.request().path();
    if (path != null && path.contains("//")) {
      ctx.fail(ApiException.badRequest("unresolved_path",
          "The path holds an empty segment ('//'), which services read as one '/'; send it without."));
      return;
    }
    if (hasDotSegment(path)) {
      ctx.fail(ApiException.badRequest("unresolved_path",
          "The path holds a '.' or '..' segment; send it resolved (RFC 3986, section 5.2.4)."));
      return;
    }
    ctx.next();
  }

  static boolean hasDotSegment(String path) {
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
