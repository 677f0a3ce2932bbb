package dev.orgplane.gateway.routing;

import dev.orgplane.kit.auth.Principal;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** Which requests the gateway may send an upstream twice, when the first went out on a connection that broke. */
final class Repeats {

  private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
      HttpMethod.PUT, HttpMethod.DELETE);

  private Repeats() {
  }

  /**
   * An idempotent method, or a POST with an {@code Idempotency-Key} and a verified token: the services answer its
   * repeat as the first (or 409 {@code idempotency_key_in_use} while the first runs), so the repeat does nothing
   * twice. Without a token (a sign-in path) they read no key.
   */
  static boolean harmless(RoutingContext ctx) {
    return IDEMPOTENT.contains(ctx.request().method())
        || ctx.get(Principal.CONTEXT_KEY) != null && ctx.request().headers().contains("Idempotency-Key");
  }
}
