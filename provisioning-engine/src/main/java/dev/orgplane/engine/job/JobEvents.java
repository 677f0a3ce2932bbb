package dev.orgplane.engine.job;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.OffsetDateTime;

/**
 * A job's progress as Server-Sent Events: {@code event: job} with the whole job (steps and counts)
 * now and whenever it changes, then {@code event: end} once it has ended. Changes are read from the
 * database, so the stream works whichever engine instance runs the job.
 */
final class JobEvents {

  private JobEvents() {
  }

  static void stream(RoutingContext ctx, Pool pool, Job first, long pollMillis) {
    var response = ctx.response();
    response.setChunked(true).putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-store")
        .putHeader("X-Accel-Buffering", "no");
    var vertx = ctx.vertx();
    var last = new OffsetDateTime[] {first.updatedAt()};
    send(ctx, "job", first.toJson());
    if (first.finished()) {
      end(ctx, first);
      return;
    }
    var timer = vertx.setPeriodic(pollMillis, id -> JobRepository.find(pool, first.id()).onSuccess(found -> {
      if (found.isEmpty() || response.closed() || response.ended()) {
        vertx.cancelTimer(id);
        return;
      }
      var job = found.get();
      if (!job.updatedAt().equals(last[0])) {
        last[0] = job.updatedAt();
        send(ctx, "job", job.toJson());
      }
      if (job.finished()) {
        vertx.cancelTimer(id);
        end(ctx, job);
      }
    }));
    response.closeHandler(v -> vertx.cancelTimer(timer));
  }

  private static Future<Void> send(RoutingContext ctx, String event, JsonObject data) {
    return ctx.response().write("event: " + event + "\ndata: " + data.encode() + "\n\n");
  }

  private static void end(RoutingContext ctx, Job job) {
    send(ctx, "end", new JsonObject().put("id", job.id().toString()).put("status", job.status()));
    ctx.response().end();
  }
}
