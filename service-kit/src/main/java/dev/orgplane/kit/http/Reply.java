package dev.orgplane.kit.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An answer decided before it is sent: by a POST handler inside the transaction that did its work, where
 * {@link Replies#keep} keeps it for an {@code Idempotency-Key} retry in that same transaction. Work and kept answer
 * then commit together, so a process that dies after the commit leaves an answer to replay, never a key whose retry
 * would do the work a second time.
 */
public final class Reply {

  private final int status;
  private final JsonObject body;
  private final Map<String, String> headers;
  private final boolean kept;

  private Reply(int status, JsonObject body, Map<String, String> headers, boolean kept) {
    this.status = status;
    this.body = body;
    this.headers = headers;
    this.kept = kept;
  }

  public static Reply ok(JsonObject body) {
    return of(200, body);
  }

  public static Reply created(String location, JsonObject body) {
    return of(201, body).withHeader("Location", location);
  }

  /** {@code body} may be null: an answer without one, such as 202 for work that goes on after it, or 204. */
  public static Reply of(int status, JsonObject body) {
    return new Reply(status, body, Map.of(), false);
  }

  /** With a header ({@code Location}, {@code ETag}), which a retry that replays the answer gets too. */
  public Reply withHeader(String name, String value) {
    var more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new Reply(status, body, Map.copyOf(more), kept);
  }

  /**
   * This answer marked {@code Cache-Control: no-store}: it shows a secret once (a client secret, a create key, a token,
   * whose answers RFC 6749 5.1 asks this of), which no cache on the way may keep; a retry that replays it is marked so
   * too, as it gets the answer's headers.
   */
  public Reply showingSecret() {
    return withHeader("Cache-Control", "no-store");
  }

  int status() {
    return status;
  }

  JsonObject body() {
    return body;
  }

  Map<String, String> headers() {
    return headers;
  }

  /** This answer as one whose request's {@code Idempotency-Key} already holds it. */
  Reply asKept() {
    return new Reply(status, body, headers, true);
  }

  /**
   * Sends the answer. One not kept in its transaction is kept now, for the requests with no work to commit with it
   * (a lookup, a signed token): a process that dies before leaves a key its retry takes over after a minute.
   */
  public void send(RoutingContext ctx) {
    headers.forEach(ctx.response()::putHeader);
    if (kept) {
      IdempotencyKeys.release(ctx);
      write(ctx);
    } else {
      IdempotencyKeys.complete(ctx, this).onComplete(ignored -> write(ctx));
    }
  }

  private void write(RoutingContext ctx) {
    var response = ctx.response().setStatusCode(status);
    if (body == null) {
      response.end();
    } else {
      response.putHeader("Content-Type", "application/json").end(body.encode());
    }
  }
}
