package dev.orgplane.kit.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.util.function.Function;

/**
 * Writes JSON answers. Going through here lets an {@link IdempotencyKeys} slot opened for the request record the
 * answer, so a retry with the same key gets the same answer: a handler whose work is a transaction keeps it there
 * ({@link #keep}), others as it is sent.
 */
public final class Replies {

  private Replies() {
  }

  public static void json(RoutingContext ctx, int status, JsonObject body) {
    Reply.of(status, body).send(ctx);
  }

  public static void created(RoutingContext ctx, String location, JsonObject body) {
    Reply.created(location, body).send(ctx);
  }

  public static void noContent(RoutingContext ctx) {
    empty(ctx, 204);
  }

  /** An answer without a body, such as 202 for work that goes on after it. */
  public static void empty(RoutingContext ctx, int status) {
    Reply.of(status, null).send(ctx);
  }

  /**
   * Keeps {@code reply} for the request's {@code Idempotency-Key} in {@code tx}, the transaction that did the work
   * (or {@link #atomically}'s client), as its last statement; send what this gives once {@code tx} has committed. A
   * request without a key costs nothing.
   * The transaction fails when another request took the key over meanwhile (this one ran past the minute after
   * which an unanswered key counts as its process's death): one of the two does the work, never both.
   */
  public static Future<Reply> keep(SqlClient tx, RoutingContext ctx, Reply reply) {
    return IdempotencyKeys.keep(tx, ctx, reply).map(reply.asKept());
  }

  /**
   * Runs {@code work}, whose writes are one statement, with the {@link #keep} of its answer: in a transaction when
   * the request holds an {@code Idempotency-Key}, so the answer commits with the statement; otherwise on the pool,
   * where the statement is atomic by itself and {@code keep} does nothing (BEGIN and COMMIT around every
   * organization's creation cost it a quarter of its rate in the creation benchmark).
   */
  public static <T> Future<T> atomically(Pool pool, RoutingContext ctx, Function<SqlClient, Future<T>> work) {
    return IdempotencyKeys.holdsKey(ctx) ? pool.withTransaction(work::apply) : work.apply(pool);
  }
}
