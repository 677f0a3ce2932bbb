package dev.orgplane.gateway;

import dev.orgplane.kit.http.ApiException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * CORS for the browser origins named in {@code ORGPLANE_CORS_ORIGINS}; none named, no CORS headers. A request from
 * another origin is refused here with 403 {@code cors_origin_refused}: vertx-web's CorsHandler refuses it with a
 * bare exception, which reads as no problem we know.
 */
final class Cors {

  private Cors() {
  }

  static Optional<Handler<RoutingContext>> handler(String origins) {
    var known = Arrays.stream(origins.split(",")).map(String::trim).filter(o -> !o.isEmpty()).map(Cors::serialized)
        .distinct().toList();
    if (known.isEmpty()) {
      return Optional.empty();
    }
    // vertx-web's check is handed them serialized too: given as configured, https://App.example or
    // https://app.example:443 refused the very origin ours let through, with its bare 403
    var cors = CorsHandler.create()
        .addOrigins(known)
        .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE))
        .allowedHeaders(Set.of("Authorization", "Content-Type", "Idempotency-Key", "If-Match", "If-None-Match",
            "Last-Event-ID", "X-Request-Id", "X-Create-Key"))
        // every header the API answers with but those a browser shows its scripts anyway (Cache-Control,
        // Content-Type...): any other it hides, and a client read no import's result nor a refused token's reason
        .exposedHeaders(Set.of("ETag", "Location", "Retry-After", "X-Request-Id", "Idempotent-Replayed",
            "Orgplane-Import-Result", "WWW-Authenticate", "Allow"))
        .maxAgeSeconds(600);
    return Optional.of(ctx -> {
      var origin = ctx.request().getHeader("Origin");
      if (origin != null && !known.contains(serialized(origin))) {
        ctx.fail(ApiException.forbidden("cors_origin_refused",
            "This origin may not call the API: it is not one of the gateway's CORS origins."));
        return;
      }
      cors.handle(ctx);
    });
  }

  /**
   * An origin as browsers send it (RFC 6454 section 6.1): scheme and host in lower case, no default port, no slash;
   * so a configured {@code https://App.example:443/} is the origin {@code https://app.example} too.
   */
  private static String serialized(String origin) {
    var lower = origin.toLowerCase(Locale.ROOT);
    var bare = lower.endsWith("/") ? lower.substring(0, lower.length() - 1) : lower;
    if (bare.startsWith("https://") && bare.endsWith(":443")) {
      return bare.substring(0, bare.length() - 4);
    }
    if (bare.startsWith("http://") && bare.endsWith(":80")) {
      return bare.substring(0, bare.length() - 3);
    }
    return bare;
  }
}
