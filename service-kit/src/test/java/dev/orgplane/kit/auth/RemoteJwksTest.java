package dev.orgplane.kit.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.testing.TestKeys;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
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
  /** The connections to the JWKS endpoint open now. */
  private final AtomicInteger connections = new AtomicInteger();
  private Vertx vertx;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The URL of a JWKS endpoint answering every request with {@code answer}. */
  private String jwks(Consumer<HttpServerRequest> answer) {
    var server = vertx.createHttpServer().connectionHandler(connection -> {
      connections.incrementAndGet();
      connection.closeHandler(closed -> connections.decrementAndGet());
    }).requestHandler(request -> {
      hits.incrementAndGet();
      answer.accept(request);
    }).listen(0, "127.0.0.1").await();
    return "http://127.0.0.1:" + server.actualPort() + "/jwks";
  }

  private TokenVerifier verifierOf(RemoteJwks source) {
    return new TokenVerifier(vertx, List.of(new TrustedIssuer(ISS, AUD, source)));
  }

  /** A key the issuer withdrew stops being trusted once its set's max-age has passed; a failed refetch keeps the set. */
  @Test
  void theKeysAreFetchedAgainOnceTheirMaxAgeHasPassedAndKeptWhenThatFails() throws InterruptedException {
    var failing = new AtomicBoolean();
    var withdrawn = new AtomicBoolean();
    var failures = new AtomicInteger();
    var withoutTheKey = new AtomicInteger();
    var other = TestKeys.generate("k2");
    var url = jwks(request -> {
      if (failing.get()) {
        failures.incrementAndGet();
        request.response().setStatusCode(500).end();
        return;
      }
      var published = new JsonArray().add(other.publicJwk());
      if (withdrawn.get()) {
        withoutTheKey.incrementAndGet();
      } else {
        published.add(keys.publicJwk());
      }
      request.response().putHeader("Cache-Control", "public, max-age=1")
          .end(new JsonObject().put("keys", published).encode());
    });
    var verifier = verifierOf(new RemoteJwks(vertx, url, 100));
    Function<String, String> subjectOf = subject -> verifier
        .verify(keys.sign(vertx, TestKeys.claims(ISS, AUD, subject))).await().subject();
    assertEquals("before", subjectOf.apply("before"));

    failing.set(true);
    Thread.sleep(1_100);
    assertEquals("stale", subjectOf.apply("stale"), "the keys known serve while they are fetched again");
    awaitAnswered(failures);
    assertEquals("after-failure", subjectOf.apply("after-failure"), "a failed refetch keeps the keys known");

    withdrawn.set(true);
    failing.set(false);
    Thread.sleep(150);
    // starts the refetch, if a refetch still under way when the key went has not brought the new set already
    verifier.verify(keys.sign(vertx, TestKeys.claims(ISS, AUD, "stale-again"))).otherwiseEmpty().await();
    awaitAnswered(withoutTheKey);
    assertThrows(ApiException.class, () -> subjectOf.apply("withdrawn"));
  }

  /**
   * Remembered, a token signed with a key the issuer withdrew (or replaced under its kid) was taken until it expired:
   * the fetch that finds the key gone makes it be checked again, and refused.
   */
  @Test
  void aRememberedTokenIsRefusedOnceAFetchFindsItsKeyGone() throws InterruptedException {
    var replaced = TestKeys.generate("k1");
    var newcomer = TestKeys.generate("k3");
    var other = TestKeys.generate("k2");
    var published = new AtomicReference<>(List.of(keys, other));
    var url = jwks(request -> request.response().end(new JsonObject().put("keys",
        new JsonArray(published.get().stream().map(TestKeys::publicJwk).toList())).encode()));
    var verifier = verifierOf(new RemoteJwks(vertx, url, 100));
    var withdrawnKeys = keys.sign(vertx, TestKeys.claims(ISS, AUD, "alice"));
    var keptKeys = other.sign(vertx, TestKeys.claims(ISS, AUD, "bob"));
    assertEquals("alice", verifier.verify(withdrawnKeys).await().subject());
    assertEquals("bob", verifier.verify(keptKeys).await().subject());

    published.set(List.of(replaced, other, newcomer));
    Thread.sleep(150);
    // a kid the set lacks fetches it again
    assertEquals("carol", verifier.verify(newcomer.sign(vertx, TestKeys.claims(ISS, AUD, "carol"))).await().subject());
    assertEquals(2, verifier.verifiers(), "the withdrawn key's verifier went with it (k2's and k3's are left)");
    var refused = assertThrows(ApiException.class, () -> verifier.verify(withdrawnKeys).await());
    assertEquals(401, refused.status());
    assertEquals("bob", verifier.verify(keptKeys).await().subject(), "a key still published keeps its tokens");
    assertEquals(2, hits.get());
  }

  /** A JWKS endpoint publishing {@code published} with {@code max-age=1}, or failing while {@code failing}. */
  private String jwksPublishing(AtomicReference<List<TestKeys>> published, AtomicBoolean failing) {
    return jwks(request -> {
      if (failing.get()) {
        request.response().setStatusCode(500).end();
        return;
      }
      request.response().putHeader("Cache-Control", "max-age=1").end(new JsonObject().put("keys",
          new JsonArray(published.get().stream().map(TestKeys::publicJwk).toList())).encode());
    });
  }

  /**
   * A client sending only a token already remembered asks for no key: the keys kept fresh are fetched again once
   * their max-age has passed all the same, and the fetch that finds the key withdrawn forgets the token.
   */
  @Test
  void keptFreshARememberedTokenIsForgottenWithinMaxAgeThoughNoOtherTokenComes() throws InterruptedException {
    var published = new AtomicReference<>(List.of(keys));
    var verifier = verifierOf(new RemoteJwks(vertx, jwksPublishing(published, new AtomicBoolean()), 100));
    verifier.start();
    var token = keys.sign(vertx, TestKeys.claims(ISS, AUD, "alice"));
    assertEquals("alice", verifier.verify(token).await().subject());
    var verifiedAt = System.currentTimeMillis();

    published.set(List.of(TestKeys.generate("k2")));
    awaitTrue(() -> verifier.remembered() == 0, 2_000, "the withdrawn key's token is still remembered");
    assertTrue(System.currentTimeMillis() - verifiedAt >= 900, "not fetched again before the max-age");
    assertEquals(2, hits.get(), "fetched again by the timer alone");
    assertEquals(401, assertThrows(ApiException.class, () -> verifier.verify(token).await()).status());
    verifier.stop();
  }

  /**
   * Kept fresh, the keys cost one fetch per max-age (a fetch a token started counts); a timed fetch that fails keeps
   * them, and is tried again after the minimum interval, not at once.
   */
  @Test
  void keptFreshTheKeysAreFetchedOncePerMaxAgeAndKeptWhenAFetchFails() throws InterruptedException {
    var published = new AtomicReference<>(List.of(keys));
    var failing = new AtomicBoolean();
    var verifier = verifierOf(new RemoteJwks(vertx, jwksPublishing(published, failing), 400));
    verifier.start();
    var token = keys.sign(vertx, TestKeys.claims(ISS, AUD, "alice"));
    assertEquals("alice", verifier.verify(token).await().subject());
    Thread.sleep(3_300);
    assertTrue(hits.get() >= 3 && hits.get() <= 4, "one fetch per max-age (1 s) in 3.3 s, not " + hits.get());

    failing.set(true);
    hits.set(0);
    Thread.sleep(2_000);
    assertTrue(hits.get() >= 2 && hits.get() <= 5, "failed fetches are tried again after 400 ms, not " + hits.get());
    assertEquals(1, verifier.remembered(), "a failed fetch withdraws nothing");
    assertEquals("bob", verifier.verify(keys.sign(vertx, TestKeys.claims(ISS, AUD, "bob"))).await().subject(),
        "the keys known still verify");

    published.set(List.of(TestKeys.generate("k2")));
    failing.set(false);
    awaitTrue(() -> verifier.remembered() == 0, 1_500, "the withdrawn key's tokens are still remembered");
    verifier.stop();
  }

  /** Stopped, a source fetches only when tokens ask; and an issuer that never answered is not asked on a period. */
  @Test
  void noTimedFetchAfterStopNorBeforeTheFirstAnswer() throws InterruptedException {
    var failing = new AtomicBoolean(true);
    var verifier = verifierOf(new RemoteJwks(vertx, jwksPublishing(new AtomicReference<>(List.of(keys)), failing), 100));
    verifier.start();
    var token = keys.sign(vertx, TestKeys.claims(ISS, AUD, "alice"));
    assertEquals(503, assertThrows(ApiException.class, () -> verifier.verify(token).await()).status());
    Thread.sleep(1_200);
    assertEquals(1, hits.get(), "no keys known: nothing to keep fresh");

    failing.set(false);
    assertEquals("alice", verifier.verify(token).await().subject());
    verifier.stop();
    Thread.sleep(1_500);
    assertEquals(2, hits.get(), "stopped: no fetch past the max-age");
  }

  private static void awaitTrue(BooleanSupplier condition, long millis, String otherwise) throws InterruptedException {
    var deadline = System.currentTimeMillis() + millis;
    while (!condition.getAsBoolean() && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(condition.getAsBoolean(), otherwise);
  }

  /** Until the JWKS endpoint gave an answer {@code counted}, and its answer was taken in. */
  private static void awaitAnswered(AtomicInteger counted) throws InterruptedException {
    for (int i = 0; i < 250 && counted.get() == 0; i++) {
      Thread.sleep(20);
    }
    assertTrue(counted.get() > 0, "the JWKS was not fetched again");
    Thread.sleep(100);
  }

  /**
   * A verticle that closes its verifier when it stops closes the connections its keys opened then, not once its stop
   * (a service's drain of its requests, up to the shutdown grace) is over, when Vert.x closes what it made.
   */
  @Test
  void aVerticleClosingItsVerifierAtStopClosesTheKeysConnectionsThen() throws InterruptedException {
    var url = jwks(request -> request.response().end(new JsonObject().put("keys",
        new JsonArray().add(keys.publicJwk())).encode()));
    var draining = Promise.<Void>promise();
    var service = new VerticleBase() {
      private TokenVerifier verifier;

      @Override
      public Future<?> start() {
        verifier = verifierOf(new RemoteJwks(vertx, url, 100));
        verifier.start();
        return verifier.verify(keys.sign(vertx, TestKeys.claims(ISS, AUD, "alice")));
      }

      @Override
      public Future<?> stop() {
        verifier.close();
        return draining.future();
      }
    };
    var deployment = vertx.deployVerticle(service).await();
    assertEquals(1, connections.get());

    var undeployed = vertx.undeploy(deployment);
    awaitTrue(() -> connections.get() == 0, 5_000, "the keys' connection is open while the verticle stops");
    draining.complete();
    undeployed.await();
  }

  /** A client the keys were given serves more than keys: closing them leaves it to its owner. */
  @Test
  void closingKeysFetchedWithAClientTheyWereGivenLeavesItOpen() {
    var url = jwks(request -> request.response().end(new JsonObject().put("keys", new JsonArray()).encode()));
    var shared = WebClient.create(vertx);
    var source = new RemoteJwks(vertx, shared, url, 100);
    source.keys().await();

    source.close();
    assertEquals(200, shared.getAbs(url).send().await().statusCode());
    shared.close();
  }

  /** Each token named the issuer, and each asked its failing JWKS again: a token forger's fetch amplifier. */
  @Test
  void aFailedFetchIsNotRepeatedBeforeTheMinimumInterval() throws InterruptedException {
    var url = jwks(request -> request.response().setStatusCode(500).end());
    var tokens = java.util.stream.IntStream.range(0, 6)
        .mapToObj(i -> keys.sign(vertx, TestKeys.claims(ISS, AUD, "user-" + i))).toList();
    var verifier = verifierOf(new RemoteJwks(vertx, url, 1_000));
    for (var token : tokens.subList(0, 5)) {
      var unverified = assertThrows(ApiException.class, () -> verifier.verify(token).await());
      assertEquals(List.of(503, "key_source_unavailable"), List.of(unverified.status(), unverified.code()),
          "keys that cannot be fetched say nothing of the token: retry, not a sign-in, nor a 500");
    }
    assertEquals(1, hits.get(), "one fetch for five tokens");
    Thread.sleep(1_100);
    assertThrows(RuntimeException.class, () -> verifier.verify(tokens.get(5)).await());
    assertEquals(2, hits.get(), "asked again once the interval passed");
  }
}
