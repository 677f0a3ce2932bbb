package dev.orgplane.kit.outbox;

import dev.orgplane.kit.metrics.Metrics;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The loop of an outbox (hook deliveries, mail, jobs' end reports): every poll it claims what is due
 * and sends each claimed row, side by side. A round still sending when the next poll comes is left
 * alone, so a slow receiver never piles rounds up. Claiming is the outbox's own query ({@code FOR UPDATE
 * SKIP LOCKED} with a lease), which is what lets several instances share one outbox.
 */
public final class OutboxPoller {

  /** How often, in polls, the undelivered messages are counted. */
  private static final int POLLS_PER_COUNT = 10;

  private final Vertx vertx;
  private final Supplier<Future<RowSet<Row>>> claim;
  private final Function<Row, Future<Void>> send;
  private final Supplier<Future<Long>> undelivered;
  private final AtomicLong backlog = new AtomicLong();
  private final Gauge gauge;
  private long timer = -1;
  private long polls;
  private boolean running;

  /**
   * {@code undelivered} counts what the outbox holds still to send: the gauge
   * {@code orgplane_outbox_backlog{outbox=name}}, refreshed every tenth poll. A backlog that grows is a
   * receiver that is down or a sender that is stuck, which nothing else shows before messages are late.
   */
  public OutboxPoller(Vertx vertx, String name, Supplier<Future<RowSet<Row>>> claim, Function<Row, Future<Void>> send,
      Supplier<Future<Long>> undelivered) {
    this.vertx = vertx;
    this.claim = claim;
    this.send = send;
    this.undelivered = undelivered;
    this.gauge = Gauge.builder("orgplane_outbox_backlog", backlog, AtomicLong::get)
        .description("Messages of the outbox not delivered yet (retries included)").tag("outbox", name)
        .register(Metrics.registry());
  }

  /** {@code undelivered} for an outbox counted by one query ({@code SELECT count(*) ...}). */
  public static Supplier<Future<Long>> count(SqlClient client, String countSql) {
    return () -> client.query(countSql).execute().map(rows -> rows.iterator().next().getLong(0));
  }

  public void start(long pollMillis) {
    timer = vertx.setPeriodic(pollMillis, id -> {
      if (polls++ % POLLS_PER_COUNT == 0) {
        undelivered.get().onSuccess(backlog::set);
      }
      poll();
    });
  }

  /** Stops polling, and takes the gauge away with it (another instance of the outbox may start in this process). */
  public void stop() {
    vertx.cancelTimer(timer);
    Metrics.registry().remove(gauge);
  }

  /** One round: claim what is due and send it; skipped while the previous round is still sending. */
  public void poll() {
    if (running) {
      return;
    }
    running = true;
    claim.get().compose(rows -> {
      var sends = new ArrayList<Future<Void>>();
      rows.forEach(row -> sends.add(send.apply(row)));
      return Future.join(sends);
    }).onComplete(done -> running = false);
  }
}
