package dev.orgplane.kit.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Long work's progress as Server-Sent Events: {@code event: <name>} with the whole resource (a job with
 * its steps, a batch with its counts) now and whenever it changes, then {@code event: end} with its
 * id and status once it has ended. The resource is read again every poll, from the database, so the
 * stream works whichever instance does the work. After {@value #QUIET_POLLS} polls without a change a
 * comment line goes out, so that proxies with an idle timeout (the gateway's is 30 s) keep the stream
 * open through a long step.
 */
public final class ProgressEvents {

  static final int QUIET_POLLS = 20;

  private ProgressEvents() {
  }

  /**
   * Streams {@code first} and its later states, read by {@code reread} (empty once it is gone), until
   * {@code ended}; the JSON's {@code status} and {@code id} make the end event.
   */
  public static <T> void stream(RoutingContext ctx, String event, T first, Supplier<Future<Optional<T>>> reread,
      Function<T, JsonObject> json, Predicate<T> ended, long pollMillis) {
    var response = ctx.response();
    response.setChunked(true).putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-store")
        .putHeader("X-Accel-Buffering", "no");
    var vertx = ctx.vertx();
    var firstJson = json.apply(first);
    var last = new String[] {firstJson.encode()};
    var quiet = new int[1];
    send(ctx, event, last[0]);
    if (ended.test(first)) {
      end(ctx, firstJson);
      return;
    }
    var timer = vertx.setPeriodic(pollMillis, id -> reread.get().onSuccess(found -> {
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

  private static void send(RoutingContext ctx, String event, String data) {
    ctx.response().write("event: " + event + "\ndata: " + data + "\n\n");
  }

  private static void end(RoutingContext ctx, JsonObject last) {
    send(ctx, "end", new JsonObject().put("id", last.getString("id")).put("status", last.getString("status")).encode());
    ctx.response().end();
  }
}
