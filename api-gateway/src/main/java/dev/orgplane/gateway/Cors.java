package dev.orgplane.gateway;

import dev.orgplane.gateway.routing.Vary;
import dev.orgplane.kit.auth.RevokedToken;
import dev.orgplane.kit.config.ConfigException;
import dev.orgplane.kit.http.ApiException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * CORS for the browser origins named in {@code ORGPLANE_CORS_ORIGINS}; none named, no CORS headers. A request from
 * another origin is refused here with 403 {@code cors_origin_refused}: vertx-web's CorsHandler refuses it with a
 * bare exception, which reads as no problem we know.
 *
 * <p>The door's checks of a request's framing, fields, path and method come before this handler: nothing is to be
 * answered on a connection they would close, a preflight's 204 included. A refusal of theirs to an allowed origin
 * gets the CORS headers all the same ({@link #mount}): without them a browser shows its script a network error, not
 * the status and code ({@code unresolved_path}, {@code malformed_request}).
 *
 * <p>Every answer here depends on the request's Origin (its CORS headers, or a refusal, or none without one), and
 * says so in Vary ({@link #varyOnOrigin}): else a shared cache hands one origin's answer to another, which its browser
 * refuses, or an answer without CORS headers to a CORS request.
 */
final class Cors implements Handler<RoutingContext> {

  static final String SETTING = "ORGPLANE_CORS_ORIGINS";

  /** Put on a request this handler has seen: its answer has the CORS headers it is to have. */
  private static final String SEEN = "orgplane.corsSeen";
  /** Put on a request whose answer's Vary is to name the request headers its CORS headers depend on. */
  private static final String VARIES = "orgplane.corsVaries";
  /** An OPTIONS answer is a preflight's 204 or not by these, and its allowed methods and headers answer them. */
  private static final List<String> PREFLIGHT = List.of("Origin", "Access-Control-Request-Method",
      "Access-Control-Request-Headers");

  private final List<String> known;
  private final CorsHandler cors;

  private Cors(List<String> known, CorsHandler cors) {
    this.known = known;
    this.cors = cors;
  }

  /**
   * The handler for {@code origins}, the setting's value; empty for none. An entry that is no origin stops the start
   * naming it: vertx-web's check named neither setting nor value, and passed {@code *} and an origin with a path,
   * which then refused every origin.
   */
  static Optional<Cors> of(String origins) {
    var known = Arrays.stream(origins.split(",")).map(String::trim).filter(o -> !o.isEmpty()).map(Cors::configured)
        .distinct().toList();
    if (known.isEmpty()) {
      return Optional.empty();
    }
    // vertx-web's check is handed them serialized too: given as configured, https://App.example or
    // https://app.example:443 refused the very origin ours let through, with its bare 403
    var cors = CorsHandler.create();
    try {
      cors.addOrigins(known);
    } catch (IllegalStateException | IllegalArgumentException refused) {
      // a scheme it does not know (it takes http, https, ftp and browser extensions' own)
      throw new ConfigException(SETTING + ": '" + origins + "' holds an origin the gateway cannot allow: "
          + refused.getMessage());
    }
    cors.allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE))
        .allowedHeaders(Set.of("Authorization", "Content-Type", "Idempotency-Key", "If-Match", "If-None-Match",
            "Last-Event-ID", "X-Request-Id", "X-Create-Key"))
        // every header the API answers with but those a browser shows its scripts anyway (Cache-Control,
        // Content-Type...): any other it hides, and a client read no import's result nor a refused token's reason
        .exposedHeaders(Set.of("ETag", "Location", "Retry-After", "X-Request-Id", "Idempotent-Replayed",
            "Orgplane-Import-Result", "WWW-Authenticate", RevokedToken.HEADER, "Allow"))
        .maxAgeSeconds(600);
    return Optional.of(new Cors(known, cors));
  }

  /**
   * This handler at this point of {@code router}'s chain, and a failure handler that gives a refusal answered before
   * it ran the headers it would have set. Mounted before the failure handler that writes problems, which ends the
   * answer.
   */
  void mount(Router router) {
    router.route().failureHandler(this::beforeRefusal);
    router.route().handler(this);
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.put(SEEN, true);
    varyOnOrigin(ctx);
    var origin = ctx.request().getHeader("Origin");
    if (origin == null) {
      // no CORS request: vertx-web's handler would only name the Origin in Vary for more than one origin (in lower
      // case, ahead of a service's names), which varyOnOrigin does for any number; so the reads served below the
      // router, which have none, get the very Vary the router gives (FastExchange)
      ctx.next();
      return;
    }
    if (!isAllowed(origin)) {
      ctx.fail(ApiException.forbidden("cors_origin_refused",
          "This origin may not call the API: it is not one of the gateway's CORS origins."));
      return;
    }
    cors.handle(ctx);
  }

  /**
   * For a failure before {@link #handle} saw the request, from an allowed origin: vertx-web's handler sets the
   * headers and hands on to the next failure handler. Not for a preflight, which it would answer 204 in place of the
   * refusal; a browser reads no refused preflight's answer anyway.
   */
  private void beforeRefusal(RoutingContext ctx) {
    var request = ctx.request();
    var origin = request.getHeader("Origin");
    var preflight = request.method().equals(HttpMethod.OPTIONS)
        && request.headers().contains(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD);
    if (ctx.get(SEEN) == null) {
      varyOnOrigin(ctx);
      if (origin != null && isAllowed(origin) && !preflight) {
        cors.handle(ctx);
        return;
      }
    }
    ctx.next();
  }

  /**
   * Names in the answer's Vary, as it is written, the request headers its CORS headers depend on, merged into the
   * Vary it has by then ({@link Vary#merged}): a service's (proxied), or vertx-web's, which names Origin itself for a
   * CORS request when there is more than one origin.
   */
  private static void varyOnOrigin(RoutingContext ctx) {
    if (ctx.get(VARIES) != null) {
      return;
    }
    ctx.put(VARIES, true);
    var dependsOn = ctx.request().method().equals(HttpMethod.OPTIONS) ? PREFLIGHT : Vary.ORIGIN;
    ctx.addHeadersEndHandler(head -> {
      var headers = ctx.response().headers();
      headers.set(HttpHeaders.VARY, Vary.merged(headers.getAll(HttpHeaders.VARY), dependsOn));
    });
  }

  /** {@code entry} serialized, if it is an origin. */
  private static String configured(String entry) {
    if (entry.equals("*")) {
      throw new ConfigException(SETTING + ": '*' is not supported, name each origin as scheme://host[:port]: "
          + "requests to the API carry credentials (Authorization), which only origins named may send");
    }
    var origin = serialized(entry);
    try {
      var uri = new URI(origin);
      if (uri.getScheme() != null && uri.getHost() != null && uri.getRawUserInfo() == null
          && uri.getRawPath().isEmpty() && uri.getRawQuery() == null && uri.getRawFragment() == null) {
        return origin;
      }
    } catch (URISyntaxException notAUri) {
      // refused below, as any other
    }
    throw new ConfigException(SETTING + ": '" + entry + "' is not an origin, scheme://host[:port] with no path "
        + "(https://app.example.com)");
  }

  private boolean isAllowed(String origin) {
    return known.contains(serialized(origin));
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
