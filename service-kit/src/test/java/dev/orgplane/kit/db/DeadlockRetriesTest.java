package dev.orgplane.kit.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DeadlockRetriesTest {

  private static final PgException DEADLOCK = new PgException("deadlock detected", "ERROR", DeadlockRetries.DEADLOCK,
      null);

  @Test
  void workThatLosesADeadlockIsMadeAgainUntilItGoesThrough() {
    var tries = new AtomicInteger();
    var answer = DeadlockRetries.retried(() -> tries.incrementAndGet() < 3 ? Future.failedFuture(DEADLOCK)
        : Future.succeededFuture("done"));
    assertEquals("done", answer.result());
    assertEquals(3, tries.get());
  }

  @Test
  void workThatKeepsLosingFailsAfterItsRetries() {
    var tries = new AtomicInteger();
    var answer = DeadlockRetries.retried(() -> {
      tries.incrementAndGet();
      return Future.failedFuture(DEADLOCK);
    });
    assertSame(DEADLOCK, answer.cause());
    assertEquals(1 + DeadlockRetries.RETRIES, tries.get());
  }

  @Test
  void otherFailuresAreNotMadeAgain() {
    var tries = new AtomicInteger();
    var unique = new PgException("duplicate key", "ERROR", "23505", null);
    var answer = DeadlockRetries.retried(() -> {
      tries.incrementAndGet();
      return Future.failedFuture(unique);
    });
    assertSame(unique, answer.cause());
    assertEquals(1, tries.get());
  }
}
