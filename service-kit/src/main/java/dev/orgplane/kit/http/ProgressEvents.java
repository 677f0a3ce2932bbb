package dev.orgplane.kit.http;

import dev.orgplane.kit.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Long work's progress as Server-Sent Events: {@code event: <name>} with the whole resource (a job with
 * its steps, a batch with its counts) now and whenever it changes, then {@code event: end} with its
 * id and status once it has ended. The resource is read again every poll, from the database, so the
 * stream works whichever instance does the work; the watchers of one resource share those reads (one per poll,
 * not one per watcher: a batch on a wall screen and in a hundred browsers costs the database what one costs).
 * Every so often ({@link #keepAlive}, 15 s by default) a comment line goes out, so that proxies with an idle timeout
 * keep the stream open through a long step, whatever the poll. A watcher that reads slower than the resource changes
 * is sent no state while the one it was sent waits to be written out to its connection, and the state of the first
 * poll after that: it may miss states between, never the latest nor the end.
 *
 * <p>A stream outlives the checks its request passed, so it makes them again ({@link Watcher}): once the watcher's
 * token has expired or was revoked, or they may no longer see the resource (a group admin no longer), the stream
 * closes without {@code event: end} (the work goes on). Every connection starts with the resource's whole state, so a
 * client that reconnects, as an {@code EventSource} does, misses nothing, and is checked as any request is: answered
 * 401 or 404, or streamed on. A stream is closed so too once it has been open for its {@link StreamLimits}' lifetime,
 * and at the first poll after its service gives notice of its stop ({@link Draining}): held, it would keep the drain
 * waiting for the whole grace and then be cut off all the same; let go, its client reconnects while the notice runs
 * (to another instance, once the gateway has heard the notice). No event tells why: an end would say the work ended. A
 * caller with as many streams open on the instance as the limits allow is answered 429 {@code too_many_streams},
 * with {@code Retry-After}.
 *
 * <p>One per kind of resource and event loop (the shared reads are not guarded against other threads).
 *
 * @param <K> what identifies a resource
 * @param <T> the resource
 */
public final class ProgressEvents<K, T> {

  /** The setting {@link #keepAlive} reads. */
  private static final String KEEP_ALIVE_SETTING = "ORGPLANE_SSE_KEEP_ALIVE_SECONDS";
  /** The longest keep-alive a service may set: five minutes, past the idle timeouts anyone keeps a stream under. */
  static final long LONGEST_KEEP_ALIVE_SECONDS = 300;
  /**
   * Every how many polls a stream asks again whether its watcher may see the resource ({@link Watcher#allowed}): 30 s
   * at the default poll. Rights change rarely, and the question may cost a call to another service for every watcher;
   * a token's expiry and revocation, which cost nothing to ask, are asked at every poll.
   */
  static final int RECHECK_POLLS = 60;

  /**
   * Whether the one who opened a stream may go on watching. {@code signedIn}, asked at every poll, must be cheap: their
   * token is unexpired and unrevoked ({@code BearerAuth.stillValid}). {@code allowed}, asked every
   * {@value #RECHECK_POLLS} polls, may ask elsewhere: it fails once they may no longer see the resource. {@code caller}
   * (their token's subject) is whose streams count towards {@link StreamLimits}' cap.
   */
  public record Watcher(String caller, BooleanSupplier signedIn, Supplier<Future<?>> allowed) {
  }

  private final String event;
  private final Function<K, Future<Optional<T>>> read;
  private final Function<T, JsonObject> json;
  private final Predicate<T> ended;
  private final long pollMillis;
  private final long keepAliveMillis;
  private final StreamLimits limits;
  private final Draining draining;
  /** The latest read of each watched resource, shared by its watchers until it is half a poll old. */
  private final Map<K, Future<Optional<T>>> recentReads = new HashMap<>();

  /** {@code keepAlive}: how often a stream sends a comment line, events or not ({@link #keepAlive(Settings)}). */
  public ProgressEvents(String event, Function<K, Future<Optional<T>>> read, Function<T, JsonObject> json,
      Predicate<T> ended, long pollMillis, Duration keepAlive, StreamLimits limits, Draining draining) {
    this.event = event;
    this.read = read;
    this.json = json;
    this.ended = ended;
    this.pollMillis = pollMillis;
    this.keepAliveMillis = keepAlive.toMillis();
    this.limits = limits;
    this.draining = draining;
  }

  /**
   * How often the streams of a service's instance send a comment line, read now from its settings: 1 to
   * {@value #LONGEST_KEEP_ALIVE_SECONDS} s (anything else stops the start, naming the setting). It must stay below the
   * idle timeouts of the proxies in front of the service, the gateway's (a route's {@code timeoutMs}, 30 s by default,
   * and its callers' connections, 60 s) and any other's, some 10 s: sent every so many polls without a change instead,
   * it came too late for them once the poll was slower (twenty polls of two seconds, and the gateway reset quiet
   * streams), and a fixed 15 s was too late for a proxy that cuts at 10.
   */
  public static Duration keepAlive(Settings settings) {
    return Duration.ofSeconds(settings.longValue(KEEP_ALIVE_SETTING, 1, LONGEST_KEEP_ALIVE_SECONDS));
  }

  /**
   * Streams {@code first} and its later states, read again by its {@code key} (until the read finds it gone),
   * until it has ended, until {@code watcher} may no longer watch, for the limits' lifetime, or until the service
   * gives notice of its stop (at the next poll); the JSON's
   * {@code status} and {@code id} make the end event. Fails 429 {@code too_many_streams} when the watcher has as many
   * streams open as the limits allow. Does nothing for a watcher who has hung up already.
   */
  public void stream(RoutingContext ctx, K key, T first, Watcher watcher) {
    var vertx = ctx.vertx();
    var response = ctx.response();
    // a caller who hung up while their request was checked (a read, a call to another service) is gone before the
    // close handler below is set, which then never runs: counted, their stream would count for ever
    if (response.closed()) {
      return;
    }
    // owed the stream's head alone, a HEAD would otherwise be held open until the work ends; it holds nothing
    var head = ctx.request().method() == HttpMethod.HEAD;
    if (!head && !limits.open(watcher.caller())) {
      response.putHeader("Retry-After", String.valueOf(StreamLimits.RETRY_AFTER_SECONDS));
      ctx.fail(new ApiException(429, "too_many_streams", "You have as many event streams open as an instance "
          + "allows; close one, or retry after " + StreamLimits.RETRY_AFTER_SECONDS + " s."));
      return;
    }
    response.setChunked(true).putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-store")
        .putHeader("X-Accel-Buffering", "no");
    if (head) {
      response.end();
      return;
    }
    // never compressed, though the caller takes gzip (browsers' EventSource do): a proxy finds where events end, to end
    // a stream between two when it stops, in the bytes as they go by. Vert.x takes identity to mean "do not compress"
    // and drops the header (not from a HEAD's answer, which it never compresses: it is not given one)
    response.putHeader("Content-Encoding", "identity");
    var timer = new long[] {-1};
    var keepAlive = new long[] {-1};
    var counted = new boolean[] {true};
    Runnable closed = () -> {
      vertx.cancelTimer(timer[0]);
      vertx.cancelTimer(keepAlive[0]);
      if (counted[0]) {
        counted[0] = false;
        limits.close(watcher.caller());
      }
    };
    response.endHandler(v -> closed.run());
    response.closeHandler(v -> closed.run());
    var firstJson = json.apply(first);
    var last = new String[] {firstJson.encode()};
    var reading = new boolean[1];
    var unwritten = new boolean[1];
    sendState(ctx, last[0], unwritten);
    if (ended.test(first)) {
      end(ctx, firstJson);
      return;
    }
    // cancelled, as the poll is, the moment the response ends or closes: never written to after
    keepAlive[0] = vertx.setPeriodic(keepAliveMillis, id -> response.write(": keep-alive\n\n"));
    var polls = new int[1];
    var closesAt = System.nanoTime() + limits.lifetime().toNanos();
    timer[0] = vertx.setPeriodic(pollMillis, id -> {
      if (!watcher.signedIn().getAsBoolean() || System.nanoTime() - closesAt >= 0 || draining.noticeGiven()) {
        vertx.cancelTimer(id);
        closeUnended(response);
        return;
      }
      if (++polls[0] % RECHECK_POLLS == 0) {
        watcher.allowed().get().onFailure(refused -> {
          vertx.cancelTimer(id);
          closeUnended(response);
        });
      }
      poll(ctx, key, id, last, reading, unwritten);
    });
  }

  /**
   * One poll of the stream {@code timer}: the resource read again, unless the stream's read before is still under way
   * ({@code reading}), sent if it changed and the state sent before has been written out ({@code unwritten} says it
   * has not), and its end if it ended.
   */
  private void poll(RoutingContext ctx, K key, long timer, String[] last, boolean[] reading, boolean[] unwritten) {
    // one read at a time: a read slower than half a poll is no longer shared, so the next poll starts another, and
    // two reads that end in the other order than they began sent a state older than the one sent before it
    if (reading[0]) {
      return;
    }
    reading[0] = true;
    var vertx = ctx.vertx();
    var response = ctx.response();
    sharedRead(vertx, key).onComplete(read -> reading[0] = false).onSuccess(found -> {
      if (found.isEmpty() || response.closed() || response.ended()) {
        vertx.cancelTimer(timer);
        closeUnended(response);
        return;
      }
      var done = ended.test(found.get());
      // a watcher reading slower than the resource changes, or not at all, gets the latest state once it has taken
      // what was sent, not every state between: each change queued the whole resource for it (a job's request, up to
      // a mebibyte of target metadata), without bound, until the stream's lifetime ran out. Its end goes out anyway.
      // Not writeQueueFull(): a test saw eighteen states of a mebibyte queued for a watcher reading nothing before it.
      if (unwritten[0] && !done) {
        return;
      }
      var now = json.apply(found.get());
      var encoded = now.encode();
      if (!encoded.equals(last[0])) {
        last[0] = encoded;
        sendState(ctx, encoded, unwritten);
      }
      if (done) {
        vertx.cancelTimer(timer);
        end(ctx, now);
      }
    });
  }

  /**
   * Ends a stream whose watcher may not go on, that is old enough, whose service stops or whose resource is gone,
   * unless it has closed or ended meanwhile.
   */
  private static void closeUnended(HttpServerResponse response) {
    if (!response.closed() && !response.ended()) {
      response.end();
    }
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

  /** Sends a state of the resource, {@code unwritten} until it has been written out to the watcher's connection. */
  private void sendState(RoutingContext ctx, String data, boolean[] unwritten) {
    unwritten[0] = true;
    send(ctx, event, data).onComplete(written -> unwritten[0] = false);
  }

  private static Future<Void> send(RoutingContext ctx, String event, String data) {
    return ctx.response().write("event: " + event + "\ndata: " + data + "\n\n");
  }

  private static void end(RoutingContext ctx, JsonObject last) {
    send(ctx, "end", new JsonObject().put("id", last.getString("id")).put("status", last.getString("status")).encode());
    ctx.response().end();
  }
}
