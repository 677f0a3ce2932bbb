package dev.orgplane.kit.outbox;

import dev.orgplane.kit.metrics.HeldGauge;
import dev.orgplane.kit.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop of an outbox (hook deliveries, mail, jobs' end reports): every poll it claims what is due
 * and sends each claimed row, side by side, recording each outcome as it comes or the round's together
 * ({@link #recordingTogether}). A poll while as many rounds as {@link #start} allows are still sending
 * (one, unless told) claims nothing, so a slow receiver never piles rounds up. A round that claimed something is
 * followed at once, without waiting for the next poll, by another beside it (while rounds are allowed) and by
 * another when it ends: a backlog drains at its receivers' pace, and the poll only finds what became due while
 * nothing was claimed. Until session 43 a poll started one round at most, so an outbox sent one claim's worth a poll
 * (the hook dispatcher's 32 deliveries, 16 of one organization, every 500 ms) however fast its receivers answered.
 * Claiming is the outbox's own query ({@code FOR UPDATE SKIP LOCKED} with a lease), which is what lets several
 * instances share one outbox.
 */
public final class OutboxPoller {

  private static final Logger LOG = LoggerFactory.getLogger(OutboxPoller.class);

  /** How often, in polls, the undelivered messages are counted. */
  private static final int POLLS_PER_COUNT = 10;

  private final Vertx vertx;
  private final String name;
  private final Supplier<Future<RowSet<Row>>> claim;
  private final Round round;
  private final Supplier<Future<Long>> undelivered;
  /**
   * Held from {@link #start} to {@link #stop}: a poller made but never started reports nothing, and the pollers of one
   * outbox in the process (a service's instances) report its backlog through one gauge, until the last of them stops.
   */
  private HeldGauge backlog;
  private long timer = -1;
  private long polls;
  private int sending;
  private int rounds = 1;
  private boolean stopped;

  /**
   * {@code undelivered} counts what the outbox holds still to send: the gauge
   * {@code orgplane_outbox_backlog{outbox=name}}, refreshed every tenth poll. A backlog that grows is a
   * receiver that is down or a sender that is stuck, which nothing else shows before messages are late.
   */
  public OutboxPoller(Vertx vertx, String name, Supplier<Future<RowSet<Row>>> claim, Function<Row, Future<Void>> send,
      Supplier<Future<Long>> undelivered) {
    this(vertx, name, claim, (Round) rows -> Future.join(sendEach(rows, send)), undelivered);
  }

  /**
   * An outbox whose rows' outcomes are written together: {@code send} answers what sending a row came to, and once
   * the round's sends are done {@code record} writes their outcomes, in one statement rather than one a row. A send
   * that fails, or has not answered within {@code sendMillis}, is recorded too, as what {@code unsent} makes of its
   * row and why (a failed attempt): a row whose sends keep failing that way runs out of attempts like any other
   * instead of being sent again at every lapse of its lease, for ever. {@code sendMillis} is kept shorter than the
   * lease, so that one receiver that hangs does not hold the outcomes of the round's others until their rows' leases
   * lapse and another instance sends them again. {@code unsent} answering null records nothing. Giving up stops the
   * round's wait, not the send: a send that may still reach its receiver later ends itself before (the hook
   * dispatcher's attempts have a shorter deadline of their own, which stops them; the mail sender's end within its
   * SMTP client's timeouts).
   */
  public static <O> OutboxPoller recordingTogether(Vertx vertx, String name, Supplier<Future<RowSet<Row>>> claim,
      Function<Row, Future<O>> send, BiFunction<Row, Throwable, O> unsent, long sendMillis,
      Function<List<O>, Future<?>> record, Supplier<Future<Long>> undelivered) {
    return new OutboxPoller(vertx, name, claim, (Round) rows -> {
      var sends = sendEach(rows, row -> send.apply(row).timeout(sendMillis, TimeUnit.MILLISECONDS)
          .recover(cause -> Future.succeededFuture(unsent.apply(row, cause))));
      return Future.join(sends).transform(done -> recordAnswered(sends.stream().map(Future::result).toList(), record));
    }, undelivered);
  }

  /**
   * {@link #recordingTogether} for an outbox whose round is sent in one request: {@code send} answers what sending
   * each of the round's rows came to, in their order. A send that fails, or has not answered within {@code
   * sendMillis}, is what {@code unsent} makes of each row and why, as there.
   */
  public static <O> OutboxPoller sendingTogether(Vertx vertx, String name, Supplier<Future<RowSet<Row>>> claim,
      Function<List<Row>, Future<List<O>>> send, BiFunction<Row, Throwable, O> unsent, long sendMillis,
      Function<List<O>, Future<?>> record, Supplier<Future<Long>> undelivered) {
    return new OutboxPoller(vertx, name, claim, (Round) rows -> {
      var claimed = new ArrayList<Row>();
      rows.forEach(claimed::add);
      if (claimed.isEmpty()) {
        return Future.succeededFuture();
      }
      return send.apply(claimed).timeout(sendMillis, TimeUnit.MILLISECONDS)
          .recover(cause -> Future.succeededFuture(claimed.stream().map(row -> unsent.apply(row, cause)).toList()))
          .compose(outcomes -> recordAnswered(outcomes, record));
    }, undelivered);
  }

  /** Records the outcomes that are not null, if any. */
  private static <O> Future<?> recordAnswered(List<O> outcomes, Function<List<O>, Future<?>> record) {
    var answered = outcomes.stream().filter(Objects::nonNull).toList();
    return answered.isEmpty() ? Future.succeededFuture() : record.apply(answered);
  }

  private OutboxPoller(Vertx vertx, String name, Supplier<Future<RowSet<Row>>> claim, Round round,
      Supplier<Future<Long>> undelivered) {
    this.vertx = vertx;
    this.name = name;
    this.claim = claim;
    this.round = round;
    this.undelivered = undelivered;
  }

  /** {@code undelivered} for an outbox counted by one query ({@code SELECT count(*) ...}). */
  public static Supplier<Future<Long>> count(SqlClient client, String countSql) {
    return () -> client.query(countSql).execute().map(rows -> rows.iterator().next().getLong(0));
  }

  public void start(long pollMillis) {
    start(pollMillis, 1);
  }

  /**
   * Polls every {@code pollMillis} with up to {@code rounds} rounds sending at once: an outbox whose claim leaves out
   * what its rounds still sending are waiting on (the hook dispatcher's, a receiver that answers slowly) keeps sending
   * the others' messages meanwhile.
   */
  public void start(long pollMillis, int rounds) {
    this.rounds = rounds;
    // held here, not when made: a service whose start failed after making its poller left the gauge behind
    backlog = HeldGauge.hold(Metrics.registry(), "orgplane_outbox_backlog",
        "Messages of the outbox not delivered yet (retries included)", "outbox", name);
    timer = vertx.setPeriodic(pollMillis, id -> {
      if (polls++ % POLLS_PER_COUNT == 0) {
        undelivered.get().onSuccess(backlog.count()::set);
      }
      poll();
    });
  }

  /** Stops polling, and lets go of the gauge: the last poller of the outbox in the process to stop takes it away. */
  public void stop() {
    vertx.cancelTimer(timer);
    stopped = true;
    if (backlog != null) {
      backlog.release();
    }
  }

  /**
   * One round: claim what is due and send it; skipped while as many rounds as allowed are still sending. A round that fails
   * (its claim, or the recording of its outcomes) leaves its rows to be sent again once their leases lapse: logged, as
   * nothing else tells of it (unless the poller was stopped meanwhile: its database is likely closing under it).
   */
  public void poll() {
    if (stopped || sending >= rounds) {
      return;
    }
    sending++;
    claim.get().compose(claimed -> {
      // sent first: the sends under way are what the next claim leaves out (the hook dispatcher's hooks being sent to)
      var sent = round.send(claimed);
      if (claimed.size() > 0) {
        poll();
      }
      return sent.map(claimed.size());
    }).onComplete(done -> {
      sending--;
      if (done.failed()) {
        if (!stopped) {
          LOG.warn("outbox {}: a round failed; its rows are sent again once their leases lapse", name, done.cause());
        }
      } else if (done.result() > 0) {
        poll();
      }
    });
  }

  /** What a round does with the rows it claimed: sends them and records what they came to. */
  private interface Round {
    Future<?> send(RowSet<Row> claimed);
  }

  private static <O> List<Future<O>> sendEach(RowSet<Row> rows, Function<Row, Future<O>> send) {
    var sends = new ArrayList<Future<O>>();
    rows.forEach(row -> sends.add(send.apply(row)));
    return sends;
  }
}
