package dev.orgplane.kit.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * A token endpoint's refusals as OAuth clients read them (RFC 6749 5.2): besides the problem's members, {@code error}
 * and {@code error_description}, for the refusals whose code is one of the RFC's error codes. A route asks for them
 * ({@link #requested}) before it can fail; {@link ProblemFailureHandler} adds them.
 */
public final class OAuthErrors {

  private static final String KEY = "orgplane.oauthErrors";
  private static final Set<String> CODES = Set.of("invalid_request", "invalid_client", "invalid_grant",
      "unauthorized_client", "unsupported_grant_type", "invalid_scope");

  private OAuthErrors() {
  }

  /** This request's refusals name their RFC 6749 error too. */
  public static void requested(RoutingContext ctx) {
    ctx.put(KEY, true);
  }

  /** {@code problem}'s document, with the RFC 6749 members when the request asked for them and its code is one. */
  static JsonObject document(RoutingContext ctx, Problem problem) {
    var json = problem.toJson();
    if (Boolean.TRUE.equals(ctx.get(KEY)) && CODES.contains(problem.code())) {
      json.put("error", problem.code()).put("error_description", problem.detail());
    }
    return json;
  }
}
