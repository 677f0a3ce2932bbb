package dev.orgplane.org.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.junit5.VertxExtension;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
        resolver.resolve("slow-" + i + ".example.com");
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
}
