package dev.orgplane.gateway;

import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.DotSegments;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses a path with an empty segment ({@code //}) or a dot-segment ({@code .} or {@code ..}, percent-encoded or not:
 * {@link DotSegments}, which every service applies too) before anything looks at it. The door decides on the path as
 * sent (which prefixes are open, which service serves it) and passes it on unchanged, while vertx-web routes on the
 * path resolved: {@code /v1/auth/../organizations} was open at the door and the organization list at org-service, and
 * {@code /v1//provisioning/jobs} went by the {@code /v1/} route to org-service, past a route for
 * {@code /v1/provisioning/}, as any more specific prefix could be gone round. Clients resolve dot-segments before
 * they send (RFC 3986), and no path of ours has an empty segment, so a path that still has them is refused, not
 * resolved. The services take an empty segment as one {@code /}: their calls to each other may hold one (a service
 * URL configured with a trailing {@code /}).
 *
 * <p>A percent-encoded unreserved character ({@code %70} for {@code p}) is no such ambiguity: RFC 3986 (6.2.2.2) makes
 * it the character itself, and vertx-web decodes it before it routes, at every service. So the gateway routes on the
 * path as they read it ({@link #asRouted}), and sends it on as it came: decided on the path as sent,
 * {@code /v1/%70rovisioning/jobs} went by the {@code /v1/} route to org-service, past the more specific route of
 * {@code /v1/provisioning/}, its timeout and its upstreams. Decoded, not refused: clients may encode more than they
 * must ({@code URLEncoder} writes {@code ~} as {@code %7E}).
 */
public final class ResolvedPaths implements Handler<RoutingContext> {

  private final DotSegments dotSegments = new DotSegments();

  @Override
  public void handle(RoutingContext ctx) {
    var path = ctx.request().path();
    if (path != null && path.contains("//")) {
      ctx.fail(ApiException.badRequest("unresolved_path",
          "The path holds an empty segment ('//'), which services read as one '/'; send it without."));
      return;
    }
    dotSegments.handle(ctx);
  }

  /**
   * The path a service routes {@code ctx}'s request on, once this handler let it pass: as sent, with its
   * percent-encoded unreserved characters decoded, by vertx-web's own normalization. A path without a {@code %} is
   * that already, and most are: looked at no further.
   */
  public static String asRouted(RoutingContext ctx) {
    var path = ctx.request().path();
    return path.indexOf('%') < 0 ? path : ctx.normalizedPath();
  }
}
