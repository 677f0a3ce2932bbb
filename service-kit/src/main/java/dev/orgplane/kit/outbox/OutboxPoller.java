package dev.orgplane.kit.outbox;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.ArrayList;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The loop of an outbox (hook deliveries, mail, jobs' end reports): every poll it claims what is due
 * and sends each claimed row, side by side. A round still sending when the next poll comes is left
 * alone, so a slow receiver never piles rounds up. Claiming is the outbox's own query ({@code FOR UPDATE SKIP LOCKED} with a
 * lease), which is what lets several instances share one outbox.
 */
public final class OutboxPoller {

  private final Vertx vertx;
  private final Supplier<Future<RowSet<Row>>> claim;
  private final Function<Row, Future<Void>> send;
  private long timer = -1;
  private boolean running;

  public OutboxPoller(Vertx vertx, Supplier<Future<RowSet<Row>>> claim, Function<Row, Future<Void>> send) {
    this.vertx = vertx;
    this.claim = claim;
    this.send = send;
  }

  public void start(long pollMillis) {
    timer = vertx.setPeriodic(pollMillis, id -> poll());
  }

  public void stop() {
    vertx.cancelTimer(timer);
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
