package dev.orgplane.kit.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.orgplane.kit.testing.TestKeys;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A JWKS endpoint of our own in front of RemoteJwks, counting how often it is asked. */
@ExtendWith(VertxExtension.class)
class RemoteJwksTest {

  private static final String ISS = "https://idp.test";
  private static final String AUD = "orgplane";
  private final TestKeys keys = TestKeys.generate("k1");
  private final AtomicInteger hits = new AtomicInteger();
  private Vertx vertx;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The URL of a JWKS endpoint answering every request with {@code answer}. */
  private String jwks(Consumer<HttpServerRequest> answer) {
    var server = vertx.createHttpServer().requestHandler(request -> {
      hits.incrementAndGet();
      answer.accept(request);
    }).listen(0, "127.0.0.1").await();
    return "http://127.0.0.1:" + server.actualPort() + "/jwks";
  }

  private TokenVerifier verifierOf(RemoteJwks source) {
    return new TokenVerifier(vertx, List.of(new TrustedIssuer(ISS, AUD, source)));
  }

  /** Each token named the issuer, and each asked its failing JWKS again: a token forger's fetch amplifier. */
  @Test
  void aFailedFetchIsNotRepeatedBeforeTheMinimumInterval() throws InterruptedException {
    var url = jwks(request -> request.response().setStatusCode(500).end());
    var tokens = java.util.stream.IntStream.range(0, 6)
        .mapToObj(i -> keys.sign(vertx, TestKeys.claims(ISS, AUD, "user-" + i))).toList();
    var verifier = verifierOf(new RemoteJwks(vertx, url, 1_000));
    for (var token : tokens.subList(0, 5)) {
      assertThrows(RuntimeException.class, () -> verifier.verify(token).await());
    }
    assertEquals(1, hits.get(), "one fetch for five tokens");
    Thread.sleep(1_100);
    assertThrows(RuntimeException.class, () -> verifier.verify(tokens.get(5)).await());
    assertEquals(2, hits.get(), "asked again once the interval passed");
  }
}
