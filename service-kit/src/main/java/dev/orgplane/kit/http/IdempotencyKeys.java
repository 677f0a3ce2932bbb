package dev.orgplane.kit.http;

import dev.orgplane.kit.auth.Principal;
import dev.orgplane.kit.db.BatchedPurge;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code Idempotency-Key} on POST, Stripe-style: the first request with a key runs and its answer is
 * kept for 24 hours; a retry with the same key and the same request gets that answer again (with
 * {@code Idempotent-Replayed: true}); the same key with another request is 422
 * {@code idempotency_key_reused}; a retry while the first is still running is 409
 * {@code idempotency_key_in_use}, with a {@code Retry-After} ({@link #IN_USE_RETRY_AFTER_SECONDS}). Keys belong to
 * the caller (the token's subject, and the organization a scoped token acts in), so one client can never see
 * another's answers, nor a scoped token those of its holder's others.
 * Only successful answers are kept: a failed request may be retried. A key
 * whose request has not finished after {@value #UNFINISHED_SECONDS} seconds belonged to a process that died
 * mid-request (requests are far shorter: the gateway gives up after 30 s), and the next request with it runs; so
 * does one at once when the process that claimed it has no session left in the database (a process killed
 * mid-request loses its sessions with it: its sessions are named after it, see {@code Database}). Taking a key
 * over too early costs no double work: the request that held it cannot keep its answer, and is undone.
 * A handler whose work is a transaction keeps its answer in it ({@link Replies#keep}): work and answer commit
 * together, so that death after the commit cannot make the retry do the work twice.
 * Keys and answers are stored as {@link KeptAnswers} says: a digest, and sealed under the key.
 *
 * <p>Needs a table {@code <schema>.idempotency_keys} (see the services' migrations).
 */
public final class IdempotencyKeys implements Handler<RoutingContext> {

  public static final String HEADER = "Idempotency-Key";
  private static final String SLOT = "orgplane.idempotency.slot";
  private static final Pattern WELL_FORMED = Pattern.compile("[\\x21-\\x7e]{1,255}");
  public static final int UNFINISHED_SECONDS = 60;
  /**
   * The most a 409 {@code idempotency_key_in_use} asks a client to wait: its {@code Retry-After} is the time left
   * until the key's hold lapses, but the request holding it may end any moment, its answer then kept for the retry.
   */
  static final int IN_USE_RETRY_AFTER_SECONDS = 5;
  /** Headers that decide what a POST does (where an organization is created, for one). */
  private static final List<String> MEANINGFUL_HEADERS = List.of("X-Create-Key");

  private final Pool pool;
  private final String table;

  public IdempotencyKeys(Pool pool, String schema) {
    this.pool = pool;
    this.table = schema + ".idempotency_keys";
  }

  /**
   * Where a request's answer is kept: {@code key} as the client sent it, {@code stored} as the table names it;
   * {@code claimed} when this request took it, which tells it from a request that took the key over later.
   */
  private record Slot(IdempotencyKeys owner, String principal, String key, String stored, OffsetDateTime claimed) {

    Tuple where() {
      return Tuple.of(principal, stored, claimed);
    }
  }

  /** The row of a slot whose answer is not kept yet: $1 to $3 are {@link Slot#where()}. */
  private static final String UNANSWERED = " WHERE principal = $1 AND key = $2 AND created_at = $3 AND status IS NULL";

  /**
   * Reads keys on every request under {@code /v1}, not on a POST-only route: {@link #handle} passes other methods on,
   * and a POST route matching every path made vertx-web answer any unknown path of another method 405, not 404.
   */
  public void mount(Router router) {
    router.route("/v1/*").handler(this);
  }

  @Override
  public void handle(RoutingContext ctx) {
    var key = ctx.request().getHeader(HEADER);
    Principal principal = ctx.get(Principal.CONTEXT_KEY);
    if (key == null || ctx.request().method() != HttpMethod.POST || principal == null) {
      ctx.next();
      return;
    }
    if (!WELL_FORMED.matcher(key).matches()) {
      ctx.fail(ApiException.badRequest("invalid_idempotency_key", "Idempotency-Key must be 1-255 visible ASCII characters."));
      return;
    }
    claimOrReplay(ctx, owner(principal), key, requestHash(ctx), true).onFailure(ctx::fail);
  }

  /**
   * Whose keys a request's are: its token's subject, and the organization a scoped token acts in. A group admin's
   * scoped tokens share the subject of their own token, and replayed its answers (another organization's token).
   */
  private static String owner(Principal principal) {
    return principal.isScoped() ? new JsonArray().add(principal.subject()).add(principal.orgScope()).encode()
        : principal.subject();
  }

  /**
   * Runs the request if it takes the key, else answers as the key's row says. The row may be gone between the two: its
   * request failed and gave the key back (or the purge dropped it), and the key is claimed again, once; a key lost that
   * way twice is still in use by retries racing this one.
   */
  private Future<Void> claimOrReplay(RoutingContext ctx, String principal, String key, String hash,
      boolean mayClaimAgain) {
    var stored = KeptAnswers.storedKey(key);
    return pool.preparedQuery("INSERT INTO " + table + " AS k (principal, key, request_hash, claimed_by) "
            + "VALUES ($1, $2, $3, current_setting('application_name')) "
            + "ON CONFLICT (principal, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, status = NULL, "
            + "body = NULL, headers = NULL, created_at = now(), claimed_by = EXCLUDED.claimed_by "
            + "WHERE k.created_at < now() - interval '24 hours' OR k.status IS NULL AND (k.created_at < now() - "
            + "interval '" + UNFINISHED_SECONDS + " seconds' OR k.claimed_by IS NOT NULL AND NOT EXISTS "
            + "(SELECT 1 FROM pg_stat_activity a WHERE a.application_name = k.claimed_by)) RETURNING created_at")
        .execute(Tuple.of(principal, stored, hash))
        .compose(inserted -> {
          if (inserted.size() == 1) {
            var slot = new Slot(this, principal, key, stored,
                inserted.iterator().next().getOffsetDateTime("created_at"));
            // No release when the client goes away mid-request: its work may still commit, and the answer then
            // recorded is what its retry must get. (Releasing the key on the disconnect let a killed engine's
            // retry record a job's end twice.) A request that fails releases it; one whose process dies keeps it
            // for the minute after which it is taken over.
            ctx.put(SLOT, slot);
            ctx.next();
            return Future.succeededFuture();
          }
          return replay(ctx, principal, key, hash).compose(replayed -> {
            if (replayed) {
              return Future.succeededFuture();
            }
            // a key lost twice to racing retries is held by one of them, which has only begun
            return mayClaimAgain ? claimOrReplay(ctx, principal, key, hash, false)
                : Future.failedFuture(inUse(IN_USE_RETRY_AFTER_SECONDS));
          });
        });
  }

  private static ApiException inUse(long retryAfterSeconds) {
    return new ApiException(409, "idempotency_key_in_use", "A request with this Idempotency-Key is still running.",
        retryAfterSeconds);
  }

  /** Answers as the key's row says; false, answering nothing, when there is no row. */
  private Future<Boolean> replay(RoutingContext ctx, String principal, String key, String hash) {
    return pool.preparedQuery("SELECT request_hash, status, body, headers, ceil(extract(epoch FROM created_at "
            + "+ interval '" + UNFINISHED_SECONDS + " seconds' - now()))::int AS hold_left FROM " + table
            + " WHERE principal = $1 AND key = $2")
        .execute(Tuple.of(principal, KeptAnswers.storedKey(key)))
        .map(rows -> {
          if (rows.size() == 0) {
            return false;
          }
          var row = rows.iterator().next();
          if (!hash.equals(row.getString("request_hash"))) {
            throw new ApiException(422, "idempotency_key_reused",
                "This Idempotency-Key was used with a different request.");
          }
          if (row.getInteger("status") == null) {
            throw inUse(Math.max(1, Math.min(IN_USE_RETRY_AFTER_SECONDS, row.getInteger("hold_left"))));
          }
          var response = ctx.response().setStatusCode(row.getInteger("status")).putHeader("Idempotent-Replayed", "true");
          var headers = row.getJsonObject("headers");
          if (headers != null) {
            headers.forEach(h -> response.putHeader(h.getKey(), h.getValue().toString()));
          }
          var body = row.getString("body");
          if (body == null) {
            response.end();
          } else {
            response.putHeader("Content-Type", "application/json").end(KeptAnswers.open(key, body));
          }
          return true;
        });
  }

  /** Whether the request holds a key whose answer is still to be kept. */
  static boolean holdsKey(RoutingContext ctx) {
    return ctx.get(SLOT) != null;
  }

  /** Keeps the answer of the request that holds a slot in {@code tx}; a no-op for other requests. */
  static Future<Void> keep(SqlClient tx, RoutingContext ctx, Reply reply) {
    Slot slot = ctx.get(SLOT);
    if (slot == null) {
      return Future.succeededFuture();
    }
    return store(tx, slot, reply).compose(updated -> updated.rowCount() == 1 ? Future.<Void>succeededFuture()
        : Future.failedFuture(ApiException.conflict("idempotency_key_in_use",
            "Another request with this Idempotency-Key took it over while this one ran.")));
  }

  /** Records the answer of the request that holds a slot after its work; a no-op for other requests. */
  static Future<Void> complete(RoutingContext ctx, Reply reply) {
    Slot slot = ctx.get(SLOT);
    if (slot == null) {
      return Future.succeededFuture();
    }
    ctx.remove(SLOT);
    return store(slot.owner().pool, slot, reply).mapEmpty();
  }

  private static Future<RowSet<Row>> store(SqlClient client, Slot slot, Reply reply) {
    var body = reply.body() == null ? null : KeptAnswers.seal(slot.key(), reply.body().encode());
    return client.preparedQuery("UPDATE " + slot.owner().table + " SET status = $4, body = $5, headers = $6"
            + UNANSWERED)
        .execute(slot.where().addInteger(reply.status()).addString(body)
            .addJsonObject(new JsonObject(new HashMap<>(reply.headers()))));
  }

  /** Forgets the slot of a request whose answer its transaction kept, which is sent now. */
  static void release(RoutingContext ctx) {
    ctx.remove(SLOT);
  }

  /**
   * A request that failed gives its key back before its error is sent, so an immediate retry runs
   * instead of meeting {@code idempotency_key_in_use}; a no-op for requests without a slot.
   */
  static Future<Void> abandon(RoutingContext ctx) {
    Slot slot = ctx.get(SLOT);
    if (slot == null) {
      return Future.succeededFuture();
    }
    ctx.remove(SLOT);
    return slot.owner().pool.preparedQuery("DELETE FROM " + slot.owner().table + UNANSWERED)
        .execute(slot.where()).mapEmpty();
  }

  /** Drops the answers older than a day (API.md keeps them for 24 hours). */
  public BatchedPurge expiredPurge() {
    return new BatchedPurge(pool, "expired idempotency keys from " + table, "DELETE FROM " + table
        + " WHERE (principal, key) IN (SELECT principal, key FROM " + table
        + " WHERE created_at < now() - interval '24 hours' LIMIT " + BatchedPurge.BATCH + ")", Tuple.tuple());
  }

  /**
   * What makes two requests the same one: method, path with its query (a page's cursor is part of what a
   * {@code :copy} does), the headers that change what a POST does, and the body.
   */
  private static String requestHash(RoutingContext ctx) {
    try {
      var digest = MessageDigest.getInstance("SHA-256");
      var request = ctx.request();
      digest.update((request.method().name() + " " + request.uri() + "\n").getBytes(StandardCharsets.UTF_8));
      for (var header : MEANINGFUL_HEADERS) {
        digest.update((header + ": " + request.getHeader(header) + "\n").getBytes(StandardCharsets.UTF_8));
      }
      var body = ctx.body().buffer();
      if (body != null) {
        digest.update(body.getBytes());
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
