package dev.orgplane.org.event;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.net.InetAddress;
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
   * would otherwise hold the threads every tenant's lookups wait for long after their attempts were given up.
   */
  Future<InetAddress> resolve(String host, AttemptDeadline deadline) {
    return deadline.bound(executor.executeBlocking(() -> deadline.hasPassed() ? null : lookup.apply(host), false));
  }

  void close() {
    executor.close();
  }
}
