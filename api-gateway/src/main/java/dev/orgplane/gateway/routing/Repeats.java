package dev.orgplane.gateway.routing;

import dev.orgplane.kit.auth.Principal;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** Which requests the gateway may send an upstream twice, when the first went out on a connection that broke. */
final class Repeats {

  private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
      HttpMethod.PUT, HttpMethod.DELETE);
  private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
  private static final String OWN_ACCOUNT = "/v1/users/me";

  private Repeats() {
  }

  /**
   * A read; a PUT or DELETE, but on the caller's own account; or a POST with an {@code Idempotency-Key} and a
   * verified token: the services answer its repeat as the first (or 409 {@code idempotency_key_in_use} while the
   * first runs), so the repeat does nothing twice. Without a token (the sign-in paths under {@code /v1/auth/}, open
   * at the door), or on another method (a PATCH), they read no key. A new password, a sign-out everywhere and the
   * account's deletion end the caller's sessions: once the first is done, its repeat carries a revoked token or a
   * password no longer the account's and is refused, and the first's answer (a new password's fresh token) is lost;
   * a move to another address mails both addresses again. The path as the services route it:
   * {@code /v1/users/%6De} is the same account.
   */
  static boolean harmless(RoutingContext ctx) {
    var method = ctx.request().method();
    if (IDEMPOTENT.contains(method)) {
      return SAFE.contains(method) || !isOwnAccount(ctx.normalizedPath());
    }
    return method == HttpMethod.POST && ctx.get(Principal.CONTEXT_KEY) != null
        && ctx.request().headers().contains("Idempotency-Key");
  }

  private static boolean isOwnAccount(String path) {
    return path.startsWith(OWN_ACCOUNT) && (path.length() == OWN_ACCOUNT.length()
        || path.charAt(OWN_ACCOUNT.length()) == '/');
  }
}
