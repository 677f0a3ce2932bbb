package dev.orgplane.org.event;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.net.InetAddress;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Looks hooks' host names up (blocking DNS) on a few worker threads of their own. On Vert.x's default worker pool,
 * which bcrypt uses for every sign-in, hooks naming hosts whose name server never answers held its threads and
 * stalled sign-ins of every tenant; here they only wait for one another, and an organization's for its own beyond
 * {@link #LOOKUPS_PER_ORGANIZATION} ({@link OrganizationLookups}).
 */
final class HookResolver {

  /** Shared by every dispatcher of the Vert.x instance (the executor is shared by name). */
  static final int THREADS = 4;
  /**
   * An organization's lookups in flight at once: half the threads, so one tenant whose name servers hang leaves the
   * others two, rather than taking all four with every tenant's lookups queued behind its own.
   */
  static final int LOOKUPS_PER_ORGANIZATION = THREADS / 2;
  private static final String POOL_NAME = "orgplane-hook-resolver";

  private final Vertx vertx;
  private final WorkerExecutor executor;
  private final OrganizationLookups lookups;
  private final Function<String, InetAddress> lookup;

  /** {@code lookup}: the blocking lookup of a host, null when it is not to be connected to. */
  HookResolver(Vertx vertx, Function<String, InetAddress> lookup) {
    this.vertx = vertx;
    this.executor = vertx.createSharedWorkerExecutor(POOL_NAME, THREADS);
    this.lookups = OrganizationLookups.of(vertx, LOOKUPS_PER_ORGANIZATION);
    this.lookup = lookup;
  }

  /**
   * The address of a host of {@code organization}'s hooks, null when it is not to be connected to; failed once
   * {@code deadline} passes, whenever the lookup answers. A lookup still queued then, for a thread or behind its
   * organization's others in flight, is not made at all: those of a host whose name server never answers would
   * otherwise hold the threads every tenant's lookups wait for long after their attempts were given up. It fails as
   * {@link Queued}: the attempt was never made, for want of a thread other hooks' lookups held, which says nothing of
   * its own hook. Whichever comes first, the lookup's start or the failure, takes the attempt: a lookup that started
   * is the hook's own, however late.
   */
  Future<InetAddress> resolve(UUID organization, String host, AttemptDeadline deadline) {
    var taken = new AtomicBoolean();
    var looked = lookups.take(vertx, organization, deadline).compose(place -> executor.executeBlocking(
            () -> !deadline.hasPassed() && taken.compareAndSet(false, true) ? lookup.apply(host) : null, false)
        .andThen(done -> lookups.release(organization)));
    return deadline.bound(looked)
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
    lookups.leave(vertx);
  }
}
