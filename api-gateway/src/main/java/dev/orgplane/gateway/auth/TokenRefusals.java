package dev.orgplane.gateway.auth;

import dev.orgplane.kit.auth.RevokedToken;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Hears a service refuse the bearer token a request went on with: 401 with RFC 6750's {@code invalid_token} challenge.
 * Only a refusal marked {@value RevokedToken#HEADER} says the token is withdrawn for good (revoked, its session ended,
 * its user gone); the others may be about the service instance answering (its clock lagging, so the token reads as
 * issued in the future; a token lifetime it was given lower than the others' during a rolling change), and another
 * instance takes the token. An upstream's 401 for anything else, or with no such challenge, is not the token's refusal.
 */
public final class TokenRefusals {

  private TokenRefusals() {
  }

  /** Runs {@code then} when {@code ctx}'s answer, a service's, turns out to refuse its token as withdrawn for good. */
  static void whenRevoked(RoutingContext ctx, Runnable then) {
    ctx.addHeadersEndHandler(head -> {
      var response = ctx.response();
      if (revokes(response.getStatusCode(), response.headers().get(RevokedToken.HEADER),
          response.headers().getAll("WWW-Authenticate"))) {
        then.run();
      }
    });
  }

  /**
   * Whether an answer of {@code status}, its {@value RevokedToken#HEADER} field {@code revoked} and its
   * {@code challenges}, refuses the token it answered as withdrawn for good.
   */
  public static boolean revokes(int status, String revoked, List<String> challenges) {
    return status == 401 && "true".equals(revoked)
        && challenges.stream().anyMatch(challenge -> challenge.contains("error=\"invalid_token\""));
  }
}
