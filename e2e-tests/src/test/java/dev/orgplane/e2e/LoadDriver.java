package dev.orgplane.e2e;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Closed-loop load: {@code concurrency} workers each issue one operation, wait for it, and issue
 * the next, for a fixed time after a warm-up; or open-loop load at a fixed rate ({@link #alternateAtRate}).
 * Latencies go into a preallocated array per operation, so measuring costs no allocation on the hot path.
 *
 * <p>Figures that are compared with each other (through the gateway against direct, a creation against
 * the raw insert) are measured {@linkplain #alternate alternately}, a slice of each in turn: the
 * machine's speed drifts by a third within minutes, and figures taken minutes apart measured the drift.
 */
final class LoadDriver {

  private static final int MAX_SAMPLES = 4_000_000;
  private static final long SLICE_MILLIS = 1_000;
  /** Each figure also comes as the rate of each third of its measurement, to show how steady it was. */
  static final int PARTS = 3;

  private LoadDriver() {
  }

  /** One operation under load. */
  record Operation(String name, Supplier<Future<?>> run) {
  }

  /**
   * The figures of one operation; {@code partRates}, its rate in each third of the measurement;
   * {@code cpuMicros}, each process's CPU per operation, when a meter was given; {@code firstError}, what the
   * first failed operation failed with (null when none did), since a count alone does not say where to look.
   */
  record Result(String name, long operations, long errors, String firstError, double seconds, double p50Millis,
      double p99Millis, double[] partRates, Map<String, Double> cpuMicros) {
    double perSecond() {
      return operations / seconds;
    }

    String errorSummary() {
      return "errors " + errors + (firstError == null ? "" : " (first: " + firstError + ")");
    }
  }

  static Result run(Vertx vertx, String name, int concurrency, long warmupMillis, long measureMillis,
      Supplier<Future<?>> operation) {
    return measure((op, millis, tally) -> drive(vertx, concurrency, millis, op, tally), warmupMillis, measureMillis,
        PARTS, List.of(new Operation(name, operation)), null).get(0);
  }

  /**
   * Each operation for {@code measureMillis} in all, in slices of a second taken in turn, after a
   * warm-up of each: neighbouring slices see the same machine, so the figures' ratios hold even while
   * its speed drifts. With {@code cpu}, what each of its processes spent per operation.
   */
  static List<Result> alternate(Vertx vertx, int concurrency, long warmupMillis, long measureMillis,
      List<Operation> operations, ProcessCpu cpu) {
    return measure((operation, millis, tally) -> drive(vertx, concurrency, millis, operation, tally), warmupMillis,
        measureMillis, slices(measureMillis), operations, cpu);
  }

  /** Each operation alone for {@code millis}, one after the other, nothing measured: compilers and caches warmed. */
  static void warm(Vertx vertx, int concurrency, long millis, List<Operation> operations) {
    operations.forEach(op -> drive(vertx, concurrency, millis, op.run(), new Tally(0)));
  }

  /**
   * Open loop, alternating as {@link #alternate} does: operations start on a fixed schedule, {@code perSecond} of
   * them, whether or not earlier ones have answered, and each latency counts from when the schedule meant it to
   * start. A closed loop on a saturated machine measures mostly queueing (its latency is connections / rate);
   * this measures what an operation takes while the machine has room, and a stall shows in the latencies
   * instead of slowing the callers down (no coordinated omission).
   */
  static List<Result> alternateAtRate(Vertx vertx, double perSecond, long warmupMillis, long measureMillis,
      List<Operation> operations) {
    return measure((operation, millis, tally) -> paced(vertx, perSecond, millis, operation, tally), warmupMillis,
        measureMillis, slices(measureMillis), operations, null);
  }

  private static int slices(long measureMillis) {
    return Math.max(PARTS, (int) (measureMillis / SLICE_MILLIS / PARTS) * PARTS);
  }

  /** Runs one operation for a while, recording into a tally: closed or open loop. */
  @FunctionalInterface
  private interface Drive {
    void run(Supplier<Future<?>> operation, long millis, Tally tally);
  }

  private static List<Result> measure(Drive drive, long warmupMillis, long measureMillis, int slices,
      List<Operation> operations, ProcessCpu cpu) {
    operations.forEach(op -> drive.run(op.run(), warmupMillis, new Tally(0)));
    var tallies = operations.stream().map(op -> new Tally(MAX_SAMPLES)).toList();
    for (int slice = 0; slice < slices; slice++) {
      for (int i = 0; i < operations.size(); i++) {
        var tally = tallies.get(i);
        var cpuBefore = cpu == null ? null : cpu.seconds();
        int before = tally.index.get();
        long started = System.nanoTime();
        drive.run(operations.get(i).run(), measureMillis / slices, tally);
        tally.add(slice * PARTS / slices, tally.index.get() - before, System.nanoTime() - started);
        if (cpu != null) {
          ProcessCpu.microsBetween(cpuBefore, cpu.seconds()).forEach((name, micros) ->
              tally.cpuMicros.merge(name, micros, Double::sum));
        }
      }
    }
    return java.util.stream.IntStream.range(0, operations.size())
        .mapToObj(i -> tallies.get(i).result(operations.get(i).name())).toList();
  }

  /** What the slices of one operation added up to. */
  private static final class Tally {
    final long[] samples;
    final AtomicInteger index = new AtomicInteger();
    final AtomicLong errors = new AtomicLong();
    final AtomicReference<String> firstError = new AtomicReference<>();
    final long[] partOperations = new long[PARTS];
    final long[] partNanos = new long[PARTS];
    /** CPU microseconds in all, per process, until {@link #result} divides them by the operations. */
    final Map<String, Double> cpuMicros = new LinkedHashMap<>();

    Tally(int samples) {
      this.samples = new long[samples];
    }

    /** One operation's latency, and what it failed with (null when it succeeded). */
    void record(long latencyNanos, Throwable failure) {
      if (failure != null) {
        errors.incrementAndGet();
        firstError.compareAndSet(null, String.valueOf(failure));
      }
      int slot = index.getAndIncrement();
      if (slot < samples.length) {
        samples[slot] = latencyNanos;
      }
    }

    void add(int part, long operations, long nanos) {
      partOperations[part] += operations;
      partNanos[part] += nanos;
    }

    Result result(String name) {
      long operations = Arrays.stream(partOperations).sum();
      double seconds = Arrays.stream(partNanos).sum() / 1e9;
      var partRates = new double[PARTS];
      for (int part = 0; part < PARTS; part++) {
        partRates[part] = partOperations[part] / Math.max(1e-9, partNanos[part] / 1e9);
      }
      var perOperation = new LinkedHashMap<String, Double>();
      cpuMicros.forEach((process, micros) -> perOperation.put(process, micros / Math.max(1, operations)));
      int recorded = Math.min(index.get(), samples.length);
      Arrays.sort(samples, 0, recorded);
      return new Result(name, operations, errors.get(), firstError.get(), seconds, percentile(samples, recorded, 0.50),
          percentile(samples, recorded, 0.99), partRates, perOperation);
    }
  }

  private static void drive(Vertx vertx, int concurrency, long millis, Supplier<Future<?>> operation, Tally tally) {
    long deadline = System.nanoTime() + millis * 1_000_000;
    var done = new CountDownLatch(concurrency);
    for (int i = 0; i < concurrency; i++) {
      vertx.runOnContext(v -> loop(operation, deadline, tally, done));
    }
    await(done);
  }

  /**
   * Starts the operations due by now on every tick of a 1 ms timer, each timed from its due moment: the tick
   * delays a start by up to a millisecond, in every operation alike. Returns when the last one has answered.
   */
  private static void paced(Vertx vertx, double perSecond, long millis, Supplier<Future<?>> operation, Tally tally) {
    long started = System.nanoTime();
    long count = (long) (perSecond * millis / 1_000);
    if (count == 0) {
      return;
    }
    double intervalNanos = 1e9 / perSecond;
    var done = new CountDownLatch(1);
    var answered = new AtomicLong();
    vertx.runOnContext(v -> {
      var due = new long[1];
      vertx.setPeriodic(1, timer -> {
        long now = System.nanoTime();
        for (; due[0] < count && started + (long) (due[0] * intervalNanos) <= now; due[0]++) {
          long planned = started + (long) (due[0] * intervalNanos);
          operation.get().onComplete(ar -> {
            tally.record(System.nanoTime() - planned, ar.cause());
            if (answered.incrementAndGet() == count) {
              done.countDown();
            }
          });
        }
        if (due[0] == count) {
          vertx.cancelTimer(timer);
        }
      });
    });
    await(done);
  }

  private static void await(CountDownLatch done) {
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void loop(Supplier<Future<?>> operation, long deadline, Tally tally, CountDownLatch done) {
    long start = System.nanoTime();
    if (start >= deadline) {
      done.countDown();
      return;
    }
    operation.get().onComplete(ar -> {
      tally.record(System.nanoTime() - start, ar.cause());
      loop(operation, deadline, tally, done);
    });
  }

  /** The {@code p} quantile, in milliseconds, of the first {@code count} of {@code sorted}, in nanoseconds. */
  static double percentile(long[] sorted, int count, double p) {
    if (count == 0) {
      return Double.NaN;
    }
    return sorted[Math.min(count - 1, (int) Math.ceil(p * count) - 1)] / 1e6;
  }
}
