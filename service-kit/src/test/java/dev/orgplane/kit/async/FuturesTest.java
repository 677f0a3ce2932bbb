package dev.orgplane.kit.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import org.junit.jupiter.api.Test;

class FuturesTest {

  @Test
  void answersTheResultsInOrder() {
    var results = Futures.allInOrder(List.of(Future.succeededFuture("a"), Future.succeededFuture("b")));
    assertEquals(List.of("a", "b"), results.result());
  }

  @Test
  void aLaterFailureThatCameFirstDoesNotHideAnEarlierOne() {
    var slow = Promise.<String>promise();
    var results = Futures.allInOrder(List.of(slow.future(), Future.failedFuture(new IllegalStateException("second"))));
    assertFalse(results.isComplete(), "it waits for every future");
    slow.fail(new IllegalStateException("first"));
    assertTrue(results.failed());
    assertEquals("first", results.cause().getMessage());
  }
}
