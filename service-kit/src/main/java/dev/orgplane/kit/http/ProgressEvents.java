package dev.orgplane.kit.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Long work's progress as Server-Sent Events: {@code event: <name>} with the whole resource (a job with
 * its steps, a batch with its counts) now and whenever it changes, then {@code event: end} with its
 * id and status once it has ended. The resource is read again every poll, from the database, so the
 * stream works whichever instance does the work; the watchers of one resource share those reads (one per poll,
 * not one per watcher: a batch on a wall screen and in a hundred browsers costs the database what one costs).
 * After {@value #QUIET_POLLS} polls without a change a comment line goes out, so that proxies with an idle
 * timeout (the gateway's is 30 s) keep the stream open through a long step.
 *
 * <p>One per kind of resource and event loop (the shared reads are not guarded against other threads).
 *
 * @param <K> what identifies a resource
 * @param <T> the resource
 */
public final class ProgressEvents<K, T> {

  static final int QUIET_POLLS = 20;

  private final String event;
  private final Function<K, Future<Optional<T>>> read;
  private final Function<T, JsonObject> json;
  private final Predicate<T> ended;
  private final long pollMillis;
  /** The latest read of each watched resource, shared by its watchers until it is half a poll old. */
  private final Map<K, Future<Optional<T>>> recentReads = new HashMap<>();

  public ProgressEvents(String event, Function<K, Future<Optional<T>>> read, Function<T, JsonObject> json,
      Predicate<T> ended, long pollMillis) {
    this.event = event;
    this.read = read;
    this.json = json;
    this.ended = ended;
    this.pollMillis = pollMillis;
  }

  /**
   * Streams {@code first} and its later states, read again by its {@code key} (until the read finds it gone),
   * until it has ended; the JSON's {@code status} and {@code id} make the end event.
   */
  public void stream(RoutingContext ctx, K key, T first) {
    var vertx = ctx.vertx();
    var response = ctx.response();
    response.setChunked(true).putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-store")
        .putHeader("X-Accel-Buffering", "no");
    if (ctx.request().method() == HttpMethod.HEAD) {
      // owed the stream's head alone, a HEAD would otherwise be held open until the work ends
      response.end();
      return;
    }
    var firstJson = json.apply(first);
    var last = new String[] {firstJson.encode()};
    var quiet = new int[1];
    send(ctx, event, last[0]);
    if (ended.test(first)) {
      end(ctx, firstJson);
      return;
    }
    var timer = vertx.setPeriodic(pollMillis, id -> sharedRead(vertx, key).onSuccess(found -> {
      if (found.isEmpty() || response.closed() || response.ended()) {
        vertx.cancelTimer(id);
        return;
      }
      var now = json.apply(found.get());
      var encoded = now.encode();
      if (!encoded.equals(last[0])) {
        last[0] = encoded;
        quiet[0] = 0;
        send(ctx, event, encoded);
      } else if (++quiet[0] >= QUIET_POLLS) {
        quiet[0] = 0;
        response.write(": no change\n\n");
      }
      if (ended.test(found.get())) {
        vertx.cancelTimer(id);
        end(ctx, now);
      }
    }));
    response.closeHandler(v -> vertx.cancelTimer(timer));
  }

  /** A read of {@code key} started less than half a poll ago, or a new one. */
  private Future<Optional<T>> sharedRead(Vertx vertx, K key) {
    var recent = recentReads.get(key);
    if (recent != null) {
      return recent;
    }
    var fresh = read.apply(key);
    recentReads.put(key, fresh);
    vertx.setTimer(Math.max(1, pollMillis / 2), id -> recentReads.remove(key, fresh));
    return fresh;
  }

  private static void send(RoutingContext ctx, String event, String data) {
    ctx.response().write("event: " + event + "\ndata: " + data + "\n\n");
  }

  private static void end(RoutingContext ctx, JsonObject last) {
    send(ctx, "end", new JsonObject().put("id", last.getString("id")).put("status", last.getString("status")).encode());
    ctx.response().end();
  }
}
