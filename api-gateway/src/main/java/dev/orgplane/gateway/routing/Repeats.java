package dev.orgplane.gateway.routing;

import dev.orgplane.kit.auth.Principal;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** Which requests the gateway may send an upstream twice, when the first went out on a connection that broke. */
final class Repeats {

  private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

  private Repeats() {
  }

  /**
   * A read; or a POST with an {@code Idempotency-Key} and a verified token: the services answer its repeat as the
   * first (or 409 {@code idempotency_key_in_use} while the first runs), so the repeat does nothing twice. Without a
   * token (the sign-in paths under {@code /v1/auth/}, open at the door), or on another method (a PATCH), they read no
   * key. Never a PUT or DELETE, idempotent as HTTP has them: the gateway cannot tell a connection the upstream closed
   * before reading the request from one it dropped after doing it, and a repeat of a done write is answered for what
   * it finds then: an import's 201 {@code created} as 200 {@code unchanged}, a DELETE's 204 as 404, a write under
   * {@code If-Match} as 412 (the first changed the tag), a new password's or an account deletion's as 401 (the first
   * ended the caller's sessions, and its answer, a fresh token, is lost). Its 502 tells the caller the truth: it may
   * have been done.
   */
  static boolean harmless(RoutingContext ctx) {
    var method = ctx.request().method();
    return SAFE.contains(method) || method == HttpMethod.POST && ctx.get(Principal.CONTEXT_KEY) != null
        && ctx.request().headers().contains("Idempotency-Key");
  }
}
