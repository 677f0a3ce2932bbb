package dev.orgplane.org.event;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Looks hooks' host names up (blocking DNS) on a few worker threads of their own. On Vert.x's default worker pool,
 * which bcrypt uses for every sign-in, hooks naming hosts whose name server never answers held its threads and
 * stalled sign-ins of every tenant; here they only wait for one another.
 */
final class HookResolver {

  /** Shared by every dispatcher of the Vert.x instance (the executor is shared by name). */
  static final int THREADS = 4;
  private static final String POOL_NAME = "orgplane-hook-resolver";

  private final WorkerExecutor executor;
  private final Function<String, InetAddress> lookup;

  /** {@code lookup}: the blocking lookup of a host, null when it is not to be connected to. */
  HookResolver(Vertx vertx, Function<String, InetAddress> lookup) {
    this.executor = vertx.createSharedWorkerExecutor(POOL_NAME, THREADS);
    this.lookup = lookup;
  }

  /**
   * The host's address, null when it is not to be connected to; failed once {@code deadline} passes, whenever the
   * lookup answers. A lookup still queued then is not made at all: those of a host whose name server never answers
   * would otherwise hold the threads every tenant's lookups wait for long after their attempts were given up. It fails
   * as {@link Queued}: the attempt was never made, for want of a thread other hooks' lookups held, which says nothing
   * of its own hook. Whichever comes first, the lookup's start or the failure, takes the attempt: a lookup that started
   * is the hook's own, however late.
   */
  Future<InetAddress> resolve(String host, AttemptDeadline deadline) {
    var taken = new AtomicBoolean();
    return deadline.bound(executor.executeBlocking(
            () -> !deadline.hasPassed() && taken.compareAndSet(false, true) ? lookup.apply(host) : null, false))
        .recover(cause -> Future.failedFuture(taken.compareAndSet(false, true) ? new Queued(cause) : cause));
  }

  /** A lookup its attempt's deadline found still waiting for a thread, never made. */
  static final class Queued extends RuntimeException {

    Queued(Throwable deadline) {
      super(deadline.getMessage() + ", its host's lookup still waiting for a thread", deadline);
    }
  }

  void close() {
    executor.close();
  }
}
