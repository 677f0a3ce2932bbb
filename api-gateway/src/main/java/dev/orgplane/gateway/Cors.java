package dev.orgplane.gateway;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/** CORS for the browser origins named in {@code ORGPLANE_CORS_ORIGINS}; none named, no CORS headers. */
final class Cors {

  private Cors() {
  }

  static Optional<CorsHandler> handler(String origins) {
    var allowed = Arrays.stream(origins.split(",")).map(String::trim).filter(o -> !o.isEmpty()).toList();
    if (allowed.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(CorsHandler.create()
        .addOrigins(allowed)
        .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE))
        .allowedHeaders(Set.of("Authorization", "Content-Type", "Idempotency-Key", "If-Match", "If-None-Match",
            "Last-Event-ID", "X-Request-Id", "X-Create-Key"))
        .exposedHeaders(Set.of("ETag", "Location", "Retry-After", "X-Request-Id", "Idempotent-Replayed"))
        .maxAgeSeconds(600));
  }
}
