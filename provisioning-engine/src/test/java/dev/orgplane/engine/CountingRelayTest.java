package dev.orgplane.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A hold of the relay that went wrong fails the test that set it: its future runs on the relay's event loop, where a
 * failed assertion reaches no test, and a hold no request came for leaves the test proving nothing.
 */
class CountingRelayTest {

  private static Vertx vertx;
  private static CountingRelay relay;
  private static WebClient client;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    var target = vertx.createHttpServer().requestHandler(request -> request.response().end("answered"));
    target.listen(0, "127.0.0.1").await();
    relay = CountingRelay.start(vertx, target.actualPort());
    client = WebClient.create(vertx);
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static String answer(String path) {
    return client.get(relay.port(), "127.0.0.1", path).send().await().bodyAsString();
  }

  @Test
  void aHoldWhoseFutureFailedPassesItsRequestOnAndFailsTheCheckOnce() {
    var failure = new AssertionError("expected: <200> but was: <404>");
    relay.holdOnce(seen -> seen.path().equals("/held"), () -> Future.failedFuture(failure));

    assertEquals("answered", answer("/held"));

    assertSame(failure, assertThrows(AssertionError.class, relay::checkHolds).getCause());
    relay.checkHolds();
  }

  @Test
  void aHoldNoRequestCameForFailsTheCheckOnce() {
    relay.holdOnce(seen -> seen.path().equals("/never"), Future::succeededFuture);

    assertEquals("answered", answer("/other"));

    assertThrows(AssertionError.class, relay::checkHolds);
    relay.checkHolds();
  }
}
