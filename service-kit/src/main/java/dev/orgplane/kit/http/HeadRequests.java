package dev.orgplane.kit.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;

/**
 * HEAD, which RFC 9110 (9.1) asks every general-purpose server to support, answered by the GET route of its path: the
 * same status and headers, no content (Vert.x writes none in an answer to HEAD). vertx-web matches a GET route to GET
 * alone, so without this every HEAD was 405, a monitor's HEAD of {@code /health/ready} included. The request stays a
 * HEAD to everything it meets (logged and counted as one, forwarded as one by the gateway), unlike a reroute's.
 */
public final class HeadRequests {

  private HeadRequests() {
  }

  /** {@code router}, each of whose GET routes takes HEAD too; call it once every route is mounted. */
  public static Router alongsideGets(Router router) {
    for (var route : router.getRoutes()) {
      var methods = route.methods();
      if (methods != null && methods.contains(HttpMethod.GET)) {
        route.method(HttpMethod.HEAD);
      }
    }
    return router;
  }
}
