package dev.orgplane.e2e;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Closed-loop load: {@code concurrency} workers each issue one operation, wait for it, and issue
 * the next, for a fixed time after a warm-up. Latencies go into a preallocated array per run, so
 * measuring costs no allocation on the hot path.
 */
final class LoadDriver {

  private static final int MAX_SAMPLES = 4_000_000;

  private LoadDriver() {
  }

  /** The figures of one run; {@code cpuMicros}, each process's CPU per operation, when a meter was given. */
  record Result(String name, long operations, long errors, double seconds, double p50Millis, double p99Millis,
      Map<String, Double> cpuMicros) {
    double perSecond() {
      return operations / seconds;
    }
  }

  static Result run(Vertx vertx, String name, int concurrency, long warmupMillis, long measureMillis,
      Supplier<Future<?>> operation) {
    return run(vertx, name, concurrency, warmupMillis, measureMillis, operation, null);
  }

  /** With {@code cpu}, also what each of its processes spent per operation while measuring. */
  static Result run(Vertx vertx, String name, int concurrency, long warmupMillis, long measureMillis,
      Supplier<Future<?>> operation, ProcessCpu cpu) {
    drive(vertx, concurrency, warmupMillis, operation, null, new AtomicLong());
    var samples = new long[MAX_SAMPLES];
    var errors = new AtomicLong();
    var cpuBefore = cpu == null ? null : cpu.seconds();
    long started = System.nanoTime();
    int count = drive(vertx, concurrency, measureMillis, operation, samples, errors);
    double seconds = (System.nanoTime() - started) / 1e9;
    var cpuMicros = cpu == null ? Map.<String, Double>of() : ProcessCpu.microsPerOperation(cpuBefore, cpu.seconds(), count);
    int recorded = Math.min(count, MAX_SAMPLES);
    Arrays.sort(samples, 0, recorded);
    return new Result(name, count, errors.get(), seconds, percentile(samples, recorded, 0.50),
        percentile(samples, recorded, 0.99), cpuMicros);
  }

  private static int drive(Vertx vertx, int concurrency, long millis, Supplier<Future<?>> operation, long[] samples,
      AtomicLong errors) {
    long deadline = System.nanoTime() + millis * 1_000_000;
    var index = new java.util.concurrent.atomic.AtomicInteger();
    var done = new java.util.concurrent.CountDownLatch(concurrency);
    for (int i = 0; i < concurrency; i++) {
      vertx.runOnContext(v -> loop(operation, deadline, samples, index, errors, done));
    }
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return index.get();
  }

  private static void loop(Supplier<Future<?>> operation, long deadline, long[] samples,
      java.util.concurrent.atomic.AtomicInteger index, AtomicLong errors, java.util.concurrent.CountDownLatch done) {
    long start = System.nanoTime();
    if (start >= deadline) {
      done.countDown();
      return;
    }
    operation.get().onComplete(ar -> {
      long elapsed = System.nanoTime() - start;
      if (ar.failed()) {
        errors.incrementAndGet();
      }
      int slot = index.getAndIncrement();
      if (samples != null && slot < samples.length) {
        samples[slot] = elapsed;
      }
      loop(operation, deadline, samples, index, errors, done);
    });
  }

  private static double percentile(long[] sorted, int count, double p) {
    if (count == 0) {
      return Double.NaN;
    }
    return sorted[Math.min(count - 1, (int) Math.ceil(p * count) - 1)] / 1e6;
  }
}
