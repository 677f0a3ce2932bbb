package dev.orgplane.gateway.auth;

import io.vertx.ext.web.RoutingContext;

/**
 * Hears a service refuse the bearer token a request went on with: 401 with RFC 6750's {@code invalid_token} challenge,
 * as every service answers a token it will not take (revoked, its session ended, its user gone). An upstream's 401 for
 * anything else, or with no such challenge, is not the token's refusal.
 */
final class TokenRefusals {

  private TokenRefusals() {
  }

  /** Runs {@code then} when {@code ctx}'s answer, a service's, turns out to refuse its token. */
  static void whenRefused(RoutingContext ctx, Runnable then) {
    ctx.addHeadersEndHandler(head -> {
      var response = ctx.response();
      if (response.getStatusCode() == 401 && response.headers().getAll("WWW-Authenticate").stream()
          .anyMatch(challenge -> challenge.contains("error=\"invalid_token\""))) {
        then.run();
      }
    });
  }
}
