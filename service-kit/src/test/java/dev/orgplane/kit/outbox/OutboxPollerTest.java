package dev.orgplane.kit.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.metrics.Metrics;
import dev.orgplane.kit.testing.Eventually;
import dev.orgplane.kit.testing.PgFixture;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class OutboxPollerTest {

  /** A claim that finds nothing due. */
  private static final String NOTHING = "SELECT 1 WHERE false";

  /**
   * Rounds of an outbox whose rows are numbers (claimed by {@code claim} the first time, nothing after, as a claim's
   * lease keeps what it took; counted in {@code claims}), recorded together into {@code recorded}: sending 2 fails,
   * sending 3 never answers, and neither is recorded.
   */
  private static OutboxPoller numbers(Vertx vertx, Pool pool, String claim, AtomicInteger claims,
      List<List<Integer>> recorded) {
    return OutboxPoller.recordingTogether(vertx, "numbers-" + System.nanoTime(),
        () -> pool.query(claims.incrementAndGet() == 1 ? claim : NOTHING).execute(),
        row -> switch (row.getInteger(0)) {
          case 2 -> Future.failedFuture("lost");
          case 3 -> Promise.<Integer>promise().future();
          default -> Future.succeededFuture(row.getInteger(0));
        },
        (row, cause) -> null,
        500,
        outcomes -> {
          recorded.add(outcomes);
          return Future.succeededFuture();
        },
        () -> Future.succeededFuture(0L));
  }

  /**
   * The backlog gauge is a started poller's: one made and never started (its service's start failed after making it)
   * left the gauge registered, and the next poller of the name in the process was handed that one, counting the dead
   * poller's backlog.
   */
  @Test
  void theBacklogGaugeIsRegisteredFromStartToStop(Vertx vertx) throws Exception {
    var name = "gauged-" + System.nanoTime();
    Supplier<Gauge> gauge = () -> Metrics.registry().find("orgplane_outbox_backlog").tag("outbox", name).gauge();
    var poller = new OutboxPoller(vertx, name, () -> Promise.<RowSet<Row>>promise().future(),
        row -> Future.succeededFuture(), () -> Future.succeededFuture(7L));
    assertNull(gauge.get(), "a poller made but not started has no gauge");
    poller.start(20);
    Eventually.holds(() -> gauge.get() != null && gauge.get().value() == 7, "the started poller's gauge never said 7");
    poller.stop();
    assertNull(gauge.get(), "the stopped poller's gauge is gone");
  }

  /**
   * The pollers of one outbox in a process (the instances of a service, one per event loop) report one backlog, the
   * outbox's: its gauge stays while any of them polls, counted by those still polling. Each poller was handed the
   * first one's gauge, which counted that poller's backlog only and went with it when it stopped, for all.
   */
  @Test
  void pollersOfOneOutboxReportItsBacklogUntilTheLastStops(Vertx vertx) throws Exception {
    var name = "shared-" + System.nanoTime();
    Supplier<Gauge> gauge = () -> Metrics.registry().find("orgplane_outbox_backlog").tag("outbox", name).gauge();
    var pending = new AtomicLong(7);
    Supplier<OutboxPoller> poller = () -> new OutboxPoller(vertx, name, () -> Promise.<RowSet<Row>>promise().future(),
        row -> Future.succeededFuture(), () -> Future.succeededFuture(pending.get()));
    var first = poller.get();
    var second = poller.get();
    first.start(20);
    second.start(20);
    Eventually.holds(() -> gauge.get() != null && gauge.get().value() == 7, "the pollers' gauge never said 7");
    first.stop();
    assertNotNull(gauge.get(), "the first poller to stop took the outbox's gauge with it");
    pending.set(9);
    Eventually.holds(() -> gauge.get().value() == 9, "the gauge no longer counts once its first poller stopped");
    first.stop();
    assertNotNull(gauge.get(), "a poller stopped twice let go of the gauge twice");
    second.stop();
    assertNull(gauge.get(), "the last poller to stop left the outbox's gauge");
  }

  @Test
  void aRoundsOutcomesAreRecordedOnceAllAreSentWithoutThoseWhoseSendFailedOrDidNotAnswerInTime(Vertx vertx)
      throws Exception {
    var pool = Database.open(vertx, PgFixture.server(), 1, List.of()).await();
    var recorded = new CopyOnWriteArrayList<List<Integer>>();
    numbers(vertx, pool, "SELECT n FROM generate_series(1, 4) n", new AtomicInteger(), recorded).poll();
    Eventually.holds(() -> !recorded.isEmpty(), "nothing was recorded");
    assertEquals(List.of(List.of(1, 4)), recorded);
  }

  @Test
  void sendsThatFailedOrDidNotAnswerInTimeAreRecordedAsTheOutboxMakesThem(Vertx vertx) throws Exception {
    var pool = Database.open(vertx, PgFixture.server(), 1, List.of()).await();
    var recorded = new CopyOnWriteArrayList<List<String>>();
    var claims = new AtomicInteger();
    OutboxPoller.recordingTogether(vertx, "numbers-" + System.nanoTime(),
        () -> pool.query(claims.incrementAndGet() == 1 ? "SELECT n FROM generate_series(1, 3) n" : NOTHING).execute(),
        row -> switch (row.getInteger(0)) {
          case 2 -> Future.failedFuture("lost");
          case 3 -> Promise.<String>promise().future();
          default -> Future.succeededFuture("sent " + row.getInteger(0));
        },
        (row, cause) -> "unsent " + row.getInteger(0) + (cause instanceof TimeoutException ? ": timeout" : ""),
        500,
        outcomes -> {
          recorded.add(outcomes);
          return Future.succeededFuture();
        },
        () -> Future.succeededFuture(0L)).poll();
    Eventually.holds(() -> !recorded.isEmpty(), "nothing was recorded");
    assertEquals(List.of(List.of("sent 1", "unsent 2", "unsent 3: timeout")), recorded);
  }

  @Test
  void aRoundWithoutOutcomesRecordsNothing(Vertx vertx) throws Exception {
    var pool = Database.open(vertx, PgFixture.server(), 1, List.of()).await();
    assertEquals(List.of(), firstRoundRecorded(vertx, pool, "SELECT 2"), "its one send failed");
    assertEquals(List.of(), firstRoundRecorded(vertx, pool, NOTHING), "nothing was claimed");
  }

  /**
   * A backlog goes out claim after claim, each round followed at once by the next, without a poll between: one poll
   * here, and no timer. Until session 43 a poll started one round, and an outbox sent one claim's worth a poll
   * however fast its receivers answered (the hook dispatcher's 32 deliveries every 500 ms).
   */
  @Test
  void aBacklogDrainsRoundAfterRoundWithoutWaitingForPolls(Vertx vertx) throws Exception {
    var pool = Database.open(vertx, PgFixture.server(), 1, List.of()).await();
    var claims = new AtomicInteger();
    var sent = new CopyOnWriteArrayList<Integer>();
    // two rows a claim, of seven queued
    var poller = new OutboxPoller(vertx, "backlog-" + System.nanoTime(), () -> {
      int first = 2 * claims.getAndIncrement() + 1;
      return pool.query("SELECT n FROM generate_series(" + first + ", least(" + (first + 1) + ", 7)) n").execute();
    }, row -> {
      sent.add(row.getInteger(0));
      return Future.succeededFuture();
    }, () -> Future.succeededFuture(0L));
    poller.poll();
    Eventually.holds(() -> sent.size() == 7, () -> "not every row of the backlog was sent: " + sent);
    Eventually.holds(() -> claims.get() == 5, () -> "the claims: " + claims.get());
    assertEquals(List.of(1, 2, 3, 4, 5, 6, 7), sent.stream().sorted().toList());
  }

  /**
   * What the first round of an outbox of numbers claimed by {@code claim} recorded: once its poller claims a second
   * time, that round is over, its recording included, as one round at a time sends. A sleep sized for the round was
   * outlasted by a busy machine's round, and a round that recorded what it should not passed unseen.
   */
  private static List<List<Integer>> firstRoundRecorded(Vertx vertx, Pool pool, String claim)
      throws InterruptedException {
    var claims = new AtomicInteger();
    var recorded = new CopyOnWriteArrayList<List<Integer>>();
    var poller = numbers(vertx, pool, claim, claims, recorded);
    poller.start(20);
    try {
      Eventually.holds(() -> claims.get() >= 2, "the poller never claimed a second time");
      return List.copyOf(recorded);
    } finally {
      poller.stop();
    }
  }
}
