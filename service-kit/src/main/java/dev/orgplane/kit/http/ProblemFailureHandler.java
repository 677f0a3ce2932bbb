package dev.orgplane.kit.http;

import dev.orgplane.kit.auth.BearerToken;
import dev.orgplane.kit.auth.RevokedToken;
import io.vertx.core.Handler;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where a service turns a failure into an HTTP answer. Domain code throws
 * {@link ApiException}; anything else is either a known infrastructure condition (bad JSON, body
 * too large, database down) with its own stable code, a failure a handler gave a status (the problem of that
 * status), or a bug, which is logged with the request id and answered as a bare 500 without internals.
 */
public final class ProblemFailureHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(ProblemFailureHandler.class);
  /** The messages the SQL client (vertx-sql-client 5.0) gives its failures of a connection lost or not had. */
  private static final List<String> SQL_CLIENT_CONNECTION_FAILURES = List.of("Timeout waiting for connection",
      "Pending requests failed to be sent due to connection has been closed", "Connection is not active now");

  @Override
  public void handle(RoutingContext ctx) {
    var problem = problemFor(ctx);
    if (problem.status() == 401 && "invalid_token".equals(problem.code())) {
      challenge(ctx);
    } else if (problem.status() == 401 && "invalid_client".equals(problem.code())) {
      // RFC 6749 5.2: a client refused with 401 is told how to authenticate, as a bearer token's refusal is
      ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"orgplane\"");
    } else if (problem.status() == 405) {
      allow(ctx);
    }
    if (ctx.failure() instanceof ApiException api && api.retryAfterSeconds() > 0) {
      ctx.response().putHeader("Retry-After", Long.toString(api.retryAfterSeconds()));
    }
    answer(ctx, problem, OAuthErrors.document(ctx, problem));
  }

  /**
   * Answers {@code document} once the request gave back the {@code Idempotency-Key} it claimed, so that an immediate
   * retry runs instead of meeting {@code idempotency_key_in_use}: keys are claimed under {@code /v1} before any route
   * is matched, so a request the router refuses (no such path, not this method) holds one too.
   */
  private static void answer(RoutingContext ctx, Problem problem, JsonObject document) {
    IdempotencyKeys.abandon(ctx).onComplete(released -> problem.writeTo(ctx.response(), document));
  }

  private static void answer(RoutingContext ctx, Problem problem) {
    answer(ctx, problem, problem.toJson());
  }

  /**
   * RFC 6750 3: a 401 for a bearer token says how to authenticate, and, when a token was sent and refused, why; a
   * request without one gets no error code (until session 19 no 401 said either, here or at the gateway).
   */
  private static void challenge(RoutingContext ctx) {
    var sent = BearerToken.in(ctx.request().getHeader(HttpHeaders.AUTHORIZATION)) != null;
    ctx.response().putHeader("WWW-Authenticate", sent ? "Bearer error=\"invalid_token\"" : "Bearer");
    if (ctx.failure() instanceof RevokedToken) {
      ctx.response().putHeader(RevokedToken.HEADER, "true");
    }
  }

  /** Answers requests that matched no route, or matched a path with another method. */
  public static void install(io.vertx.ext.web.Router router) {
    var handler = new ProblemFailureHandler();
    router.route().failureHandler(handler);
    router.errorHandler(404, ctx -> answer(ctx, Problem.of(404, "not_found", "No such resource: "
        + ctx.request().path())));
    router.errorHandler(405, ctx -> {
      allow(ctx);
      answer(ctx, Problem.of(405, "method_not_allowed", ctx.request().method() + " is not allowed on "
          + ctx.request().path()));
    });
    // vertx-web's own 400: a path it cannot decode (a broken percent-encoding such as %zz); a query is refused
    // before any route is matched (MalformedQueries)
    router.errorHandler(400, ctx -> answer(ctx, Problem.of(400, "malformed_path",
        "The request path is not valid percent-encoded text.")));
    router.errorHandler(500, handler);
  }

  /**
   * Every 405 says which methods its path takes, a router's or a handler's refusal (the gateway's of CONNECT and
   * TRACE); a path the API document does not name gets none.
   */
  private static void allow(RoutingContext ctx) {
    var path = ctx.request().path();
    var allowed = path == null ? null : AllowedMethods.of(path);
    if (allowed != null) {
      ctx.response().putHeader(HttpHeaders.ALLOW, allowed);
    }
  }

  Problem problemFor(RoutingContext ctx) {
    var failure = ctx.failure();
    if (failure instanceof ApiException api) {
      return Problem.of(api);
    }
    if (failure instanceof DecodeException || failure instanceof IllegalArgumentException && isJson(failure)) {
      return Problem.of(400, "malformed_json", "The request body is not valid JSON.");
    }
    if (failure instanceof HttpException http) {
      return forStatus(http.getStatusCode(), http.getPayload());
    }
    if (failure instanceof PgException pg && pg.getSqlState() != null) {
      var mapped = forSqlState(pg.getSqlState());
      if (mapped != null) {
        return mapped;
      }
    }
    if (isDatabaseUnavailable(failure)) {
      return Problem.of(503, "service_unavailable", "The database is unavailable; retry shortly.");
    }
    var status = ctx.statusCode();
    if (status >= 400 && (failure == null || status != 500)) {
      // a status named with the failure (a library handler's refusal, such as vertx-web's CorsHandler's 403) is the
      // caller's answer; only a failure without one is unexpected, a bug to log
      return forStatus(status, null);
    }
    LOG.error("request {} {} {} failed", RequestIds.of(ctx), ctx.request().method(), ctx.request().path(), failure);
    return Problem.of(500, "internal_error", "An unexpected error occurred; request id " + RequestIds.of(ctx) + ".");
  }

  private static boolean isJson(Throwable failure) {
    return failure.getMessage() != null && failure.getMessage().contains("JSON");
  }

  private static Problem forSqlState(String sqlState) {
    return switch (sqlState) {
      case "23505" -> Problem.of(409, "conflict", "The object conflicts with an existing one.");
      case "40001", "40P01" -> Problem.of(409, "concurrent_update", "A concurrent change won; retry the request.");
      // routes check the objects a request names before writing: a foreign key that still refuses met one deleted
      // by a request running at the same moment, which is the caller's race to look at, not our bug
      case "23503" -> Problem.of(409, "reference_gone",
          "Something this request refers to was deleted meanwhile; look it up again and retry.");
      case "22021", "22P05" -> Problem.of(400, "invalid_text",
          "The request holds text the database cannot store (a NUL character or a broken surrogate pair).");
      case "57014" -> Problem.of(503, "database_timeout",
          "The database did not finish this request in time; retry shortly.");
      // 53300: PostgreSQL out of connection slots (instances times pool size past max_connections), unreachable to
      // this connection as surely as one refused
      case "57P01", "57P02", "57P03", "08006", "08001", "08004", "53300" ->
          Problem.of(503, "service_unavailable", "The database is unavailable; retry shortly.");
      default -> null;
    };
  }

  private static boolean isDatabaseUnavailable(Throwable failure) {
    for (var t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConnectException || t instanceof ClosedConnectionException || isSqlClientConnectionFailure(t)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The SQL client's other failures of a connection (none to be had from the pool in time, one closed under its
   * pending statements, one not open) are plain VertxExceptions without a stack trace, told only by their messages.
   * Any VertxException that mentions a connection would be too many: an HTTP call's connection closed, another
   * service's trouble or a bug, would be answered 503 "the database is unavailable".
   */
  private static boolean isSqlClientConnectionFailure(Throwable failure) {
    return failure.getClass() == VertxException.class && failure.getMessage() != null
        && SQL_CLIENT_CONNECTION_FAILURES.stream().anyMatch(failure.getMessage()::startsWith);
  }

  private static Problem forStatus(int status, String payload) {
    return switch (status) {
      case 400 -> Problem.of(400, "bad_request", payload != null ? payload : "The request is malformed.");
      case 401 -> Problem.of(401, "invalid_token", "A valid bearer token is required.");
      case 403 -> Problem.of(403, "forbidden", "You do not have permission for this.");
      case 404 -> Problem.of(404, "not_found", "No such resource.");
      case 405 -> Problem.of(405, "method_not_allowed", "This method is not allowed here.");
      case 413 -> Problem.of(413, "payload_too_large", "The request body is larger than the limit.");
      case 415 -> Problem.of(415, "unsupported_media_type", "Send application/json.");
      case 429 -> Problem.of(429, "rate_limited", "Too many requests.");
      default -> Problem.of(status, status >= 500 ? "internal_error" : "bad_request",
          payload != null ? payload : StatusTitles.title(status));
    };
  }
}
