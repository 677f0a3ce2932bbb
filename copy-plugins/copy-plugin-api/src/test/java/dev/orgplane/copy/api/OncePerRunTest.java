package dev.orgplane.copy.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OncePerRunTest {

  @Test
  void callsWhileAndAfterTheFirstShareItsAnswer() {
    var run = new OncePerRun();
    var computed = new AtomicInteger();
    var answer = Promise.<String>promise();
    var first = run.get("kind.key", () -> {
      computed.incrementAndGet();
      return answer.future();
    });
    var meanwhile = run.get("kind.key", () -> Future.succeededFuture("another"));
    answer.complete("read once");

    assertEquals("read once", first.result());
    assertEquals("read once", meanwhile.result());
    assertEquals("read once", run.get("kind.key", () -> Future.succeededFuture("another")).result());
    assertEquals(1, computed.get());
  }

  @Test
  void aFailureIsComputedAgainByTheNextCall() {
    var run = new OncePerRun();
    assertTrue(run.get("kind.key", () -> Future.<String>failedFuture("org-service is restarting")).failed());
    assertEquals("read", run.get("kind.key", () -> Future.succeededFuture("read")).result());
  }
}
