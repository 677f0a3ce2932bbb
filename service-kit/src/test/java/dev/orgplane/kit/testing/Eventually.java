package dev.orgplane.kit.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A test's wait for what happens on its own (a timer's fetch, a poll): the condition is looked at every few
 * milliseconds, so the test takes as long as the event, not as long as a sleep sized for a slow machine.
 */
public final class Eventually {

  private static final long PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(10);

  private Eventually() {
  }

  /** Returns once {@code condition} holds; fails with {@code otherwise} if it does not within 10 s. */
  public static void holds(BooleanSupplier condition, String otherwise) throws InterruptedException {
    holds(condition, () -> otherwise);
  }

  /** The same, {@code otherwise} told as it is when the wait gives up (what a connection had received by then). */
  public static void holds(BooleanSupplier condition, Supplier<String> otherwise) throws InterruptedException {
    var deadline = System.nanoTime() + PATIENCE_NANOS;
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertTrue(condition.getAsBoolean(), otherwise);
  }
}
