package dev.orgplane.org.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.testing.Eventually;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.junit5.VertxExtension;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class HookResolverTest {

  /**
   * Lookups that never end (a host whose name server does not answer), more than the default worker pool has threads,
   * hold only the resolver's few threads: the default pool, which bcrypt uses for sign-ins, still runs work at once.
   * Hook lookups ran on it, so that such hooks stalled every sign-in.
   */
  @Test
  void lookupsThatHangLeaveTheDefaultWorkerPoolFree(Vertx vertx) throws Exception {
    var answer = new CountDownLatch(1);
    var started = new AtomicInteger();
    var allStarted = new CountDownLatch(HookResolver.THREADS);
    var threads = ConcurrentHashMap.<String>newKeySet();
    var resolver = new HookResolver(vertx, host -> {
      threads.add(Thread.currentThread().getName().replaceAll("-\\d+$", ""));
      started.incrementAndGet();
      allStarted.countDown();
      try {
        answer.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    });
    try {
      for (int i = 0; i < 2 * VertxOptions.DEFAULT_WORKER_POOL_SIZE; i++) {
        resolver.resolve(UUID.randomUUID(), "slow-" + i + ".example.com", new AttemptDeadline(vertx, 60_000));
      }
      assertTrue(allStarted.await(10, TimeUnit.SECONDS), "the resolver's threads took lookups");
      var defaultPool = vertx.executeBlocking(() -> "ran").toCompletionStage().toCompletableFuture();
      assertEquals("ran", defaultPool.get(5, TimeUnit.SECONDS), "the default worker pool is free");
      assertEquals(HookResolver.THREADS, started.get(), "no more lookups at once than the resolver has threads");
      assertEquals(Set.of("orgplane-hook-resolver"), threads);
    } finally {
      answer.countDown();
      resolver.close();
    }
  }

  /**
   * A lookup that answers after its attempt's deadline is given up at the deadline, its answer dropped (no POST follows
   * it), and a lookup still queued behind busy threads at its deadline is never made. Until session 33 both went on
   * after the round had recorded their attempts unsent, and their POSTs went out.
   */
  @Test
  void lookupsOutlivedByTheirDeadlineAreGivenUpAndThoseStillQueuedNeverMade(Vertx vertx) throws Exception {
    var answer = new CountDownLatch(1);
    var looked = ConcurrentHashMap.<String>newKeySet();
    var allStarted = new CountDownLatch(HookResolver.THREADS);
    var resolver = new HookResolver(vertx, host -> {
      looked.add(host);
      allStarted.countDown();
      try {
        answer.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return InetAddress.getLoopbackAddress();
    });
    var deadline = new AttemptDeadline(vertx, 1_000);
    try {
      var slow = new ArrayList<Future<InetAddress>>();
      for (int i = 0; i < HookResolver.THREADS; i++) {
        slow.add(resolver.resolve(UUID.randomUUID(), "slow-" + i + ".example.com", deadline));
      }
      assertTrue(allStarted.await(10, TimeUnit.SECONDS), "the resolver's threads took lookups");
      var queued = resolver.resolve(UUID.randomUUID(), "queued.example.com", deadline);

      long started = System.nanoTime();
      var failure = assertThrows(ExecutionException.class,
          () -> queued.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS));
      // told apart from a lookup that started, so the attempt is given back rather than counted against its hook
      assertTrue(failure.getCause() instanceof HookResolver.Queued queuedFailure
          && queuedFailure.getCause() instanceof TimeoutException, failure.toString());
      // at the 1 s deadline; bounded well past it, for a busy machine's late timer (the bug never gave it up)
      assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() < 4_000, "given up at the deadline");
      for (var lookup : slow) {
        assertTrue(lookup.failed(), "given up, though its lookup has not answered");
      }

      answer.countDown();
      // taken from the queue after the queued lookup, so it ends once that one was made or skipped
      resolver.resolve(UUID.randomUUID(), "after.example.com", new AttemptDeadline(vertx, 60_000)).await();
      assertFalse(looked.contains("queued.example.com"), "the queued lookup was made after its deadline: " + looked);
      assertTrue(slow.stream().allMatch(Future::failed), "an answer after the deadline is dropped");
    } finally {
      answer.countDown();
      resolver.close();
    }
  }

  /**
   * An organization whose hosts' name servers hang (its lookups never answer) holds at most its share of the threads:
   * another organization's lookups still start at once and answer, and its own beyond its share wait for its own, to
   * be given up at their deadline unmade. Until session 40 its lookups took every thread, and every other tenant's
   * deliveries waited for them until their deadline.
   */
  @Test
  void anOrganizationWhoseLookupsHangLeavesTheOthersAThread(Vertx vertx) throws Exception {
    var answer = new CountDownLatch(1);
    var hanging = new AtomicInteger();
    var resolver = new HookResolver(vertx, host -> {
      if (host.startsWith("hangs-")) {
        hanging.incrementAndGet();
        try {
          answer.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return InetAddress.getLoopbackAddress();
    });
    var slowTenant = UUID.randomUUID();
    try {
      var slow = new ArrayList<Future<InetAddress>>();
      for (int i = 0; i < 2 * HookResolver.THREADS; i++) {
        slow.add(resolver.resolve(slowTenant, "hangs-" + i + ".example.com", new AttemptDeadline(vertx, 6_000)));
      }
      for (int i = 0; i < HookResolver.THREADS; i++) {
        assertEquals(InetAddress.getLoopbackAddress(), resolver.resolve(UUID.randomUUID(), "fine-" + i + ".example.com",
            new AttemptDeadline(vertx, 60_000)).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS));
      }
      // waiting for a thread, they would have ended only once slow lookups had ended, given up at their deadline
      assertTrue(slow.stream().noneMatch(Future::isComplete), "the others' lookups waited for the slow ones");
      // the slow tenant's threads may not have begun their lookups yet though the others' have ended
      Eventually.holds(() -> hanging.get() >= HookResolver.LOOKUPS_PER_ORGANIZATION, "the slow lookups never began");
      assertEquals(HookResolver.LOOKUPS_PER_ORGANIZATION, hanging.get(), "lookups of the slow tenant at once");
      for (var lookup : slow.subList(HookResolver.LOOKUPS_PER_ORGANIZATION, slow.size())) {
        var failure = assertThrows(ExecutionException.class,
            () -> lookup.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS));
        assertTrue(failure.getCause() instanceof HookResolver.Queued, "given back unmade: " + failure);
      }
      answer.countDown();
      assertEquals(InetAddress.getLoopbackAddress(), resolver.resolve(slowTenant, "later.example.com",
          new AttemptDeadline(vertx, 60_000)).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS),
          "its places are free again once its lookups end");
      assertEquals(HookResolver.LOOKUPS_PER_ORGANIZATION, hanging.get(), "a lookup given up was made after all");
    } finally {
      answer.countDown();
      resolver.close();
    }
  }

  /**
   * The last resolver to close (the dispatcher undeployed) ends the threads, and Vert.x drops the lookups still queued
   * for them without ending them: their organization's places stayed taken in the Vert.x instance, so that after a
   * redeploy in it every lookup of that organization waited for a place until its deadline, failed as queued, and its
   * hooks were deactivated once past their grace period.
   */
  @Test
  void lookupsDroppedWithTheLastResolverLeaveTheirOrganizationsPlacesToTheNext(Vertx vertx) throws Exception {
    var answer = new CountDownLatch(1);
    var allStarted = new CountDownLatch(HookResolver.THREADS);
    var first = new HookResolver(vertx, host -> {
      allStarted.countDown();
      try {
        answer.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    });
    var tenant = UUID.randomUUID();
    try {
      for (int i = 0; i < HookResolver.THREADS; i++) {
        first.resolve(UUID.randomUUID(), "slow-" + i + ".example.com", new AttemptDeadline(vertx, 60_000));
      }
      assertTrue(allStarted.await(10, TimeUnit.SECONDS), "the resolver's threads took lookups");
      for (int i = 0; i < HookResolver.LOOKUPS_PER_ORGANIZATION; i++) {
        first.resolve(tenant, "queued-" + i + ".example.com", new AttemptDeadline(vertx, 60_000));
      }
    } finally {
      first.close();
      answer.countDown();
    }

    var next = new HookResolver(vertx, host -> InetAddress.getLoopbackAddress());
    try {
      assertEquals(InetAddress.getLoopbackAddress(), next.resolve(tenant, "later.example.com",
          new AttemptDeadline(vertx, 2_000)).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS),
          "the organization's places went with the closed resolver's dropped lookups");
    } finally {
      next.close();
    }
  }
}
