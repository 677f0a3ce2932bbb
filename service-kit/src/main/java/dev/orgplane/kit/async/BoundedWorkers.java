package dev.orgplane.kit.async;

import dev.orgplane.kit.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.shareddata.LocalMap;
import java.util.concurrent.Callable;

/**
 * Worker threads of their own, shared by the instances of a service under one name, with at most {@code queue} tasks
 * waiting for them: one more is refused at once, 503 {@code busy} with {@code Retry-After}. A Vert.x worker executor
 * queues without end, and a burst of slow work made every caller wait behind all of it, and held its memory.
 * The tasks running or waiting are counted under the name in a map the instances share, as they share the threads.
 */
public final class BoundedWorkers {

  /** A thread frees up within a task's time (about a second at most), so the queue has room again by then. */
  private static final long RETRY_AFTER_SECONDS = 1;

  private final String name;
  private final WorkerExecutor executor;
  private final LocalMap<String, Integer> admitted;
  private final int capacity;
  private final String busyDetail;

  /** {@code threads} threads named {@code name}, {@code queue} tasks waiting at most; a refusal says {@code busyDetail}. */
  public BoundedWorkers(Vertx vertx, String name, int threads, int queue, String busyDetail) {
    this.name = name;
    this.executor = vertx.createSharedWorkerExecutor(name, threads);
    this.admitted = vertx.sharedData().getLocalMap(name);
    this.capacity = threads + queue;
    this.busyDetail = busyDetail;
  }

  /** Runs {@code task} on a thread of these, or fails 503 {@code busy} at once when the queue is full. */
  public <T> Future<T> execute(Callable<T> task) {
    if (!admit()) {
      return Future.failedFuture(busy());
    }
    return unbounded(task).andThen(done -> release());
  }

  /** Runs {@code task} on a thread of these whatever waits already: work that has no caller to back off. */
  public <T> Future<T> unbounded(Callable<T> task) {
    return executor.executeBlocking(task, false);
  }

  /** Counts a task in, or answers false when as many as the threads and the queue hold are running or waiting. */
  public boolean admit() {
    var counted = new boolean[1];
    admitted.compute(name, (key, tasks) -> {
      if (tasks != null && tasks >= capacity) {
        return tasks;
      }
      counted[0] = true;
      return tasks == null ? 1 : tasks + 1;
    });
    return counted[0];
  }

  /** Counts out a task {@link #admit} counted in, once it has run (or will not). */
  public void release() {
    admitted.computeIfPresent(name, (key, tasks) -> tasks <= 1 ? null : tasks - 1);
  }

  /** The refusal of a task past the queue. */
  public ApiException busy() {
    return new ApiException(503, "busy", busyDetail, RETRY_AFTER_SECONDS);
  }

  /** Whether {@code failure} is such a refusal (of these workers or any others). */
  public static boolean isBusy(Throwable failure) {
    return failure instanceof ApiException refused && refused.status() == 503 && "busy".equals(refused.code());
  }
}
