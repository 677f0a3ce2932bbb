package dev.orgplane.kit.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.testing.Eventually;
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
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A JWKS endpoint of our own in front of RemoteJwks, noting when it is asked. The schedules are milliseconds long, and
 * the tests wait for the fetches they expect, not for a time.
 */
@ExtendWith(VertxExtension.class)
class RemoteJwksTest {

  private static final String ISS = "https://idp.test";
  private static final String AUD = "orgplane";
  /** Keys stale after 100 ms whatever the answers' max-age (a second at least) says; fetches 20 ms apart. */
  private static final JwksSchedule QUICK = new JwksSchedule(20, 100);
  private final TestKeys keys = TestKeys.generate("k1");
  /** When each request reached the JWKS endpoint ({@link System#nanoTime}). */
  private final List<Long> fetchedAt = new CopyOnWriteArrayList<>();
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
      fetchedAt.add(System.nanoTime());
      answer.accept(request);
    }).listen(0, "127.0.0.1").await();
    return "http://127.0.0.1:" + server.actualPort() + "/jwks";
  }

  private int fetches() {
    return fetchedAt.size();
  }

  private TokenVerifier verifierOf(RemoteJwks source) {
    return new TokenVerifier(vertx, List.of(new TrustedIssuer(ISS, AUD, source, 3600)));
  }

  /** A key the issuer withdrew stops being trusted once the keys are stale; a failed refetch keeps the set. */
  @Test
  void theKeysAreFetchedAgainOnceStaleAndKeptWhenThatFails() throws InterruptedException {
    var failing = new AtomicBoolean();
    var withdrawn = new AtomicBoolean();
    var failures = new AtomicInteger();
    var other = TestKeys.generate("k2");
    var url = jwks(request -> {
      if (failing.get()) {
        failures.incrementAndGet();
        request.response().setStatusCode(500).end();
        return;
      }
      var published = new JsonArray().add(other.publicJwk());
      if (!withdrawn.get()) {
        published.add(keys.publicJwk());
      }
      request.response().putHeader("Cache-Control", "public, max-age=1")
          .end(new JsonObject().put("keys", published).encode());
    });
    var source = new RemoteJwks(vertx, url, QUICK);
    var gone = new AtomicReference<Set<String>>();
    source.whenWithdrawn(gone::set);
    var verifier = verifierOf(source);
    Function<String, String> subjectOf = subject -> verifier
        .verify(keys.sign(vertx, TestKeys.claims(ISS, AUD, subject))).await().subject();
    assertEquals("before", subjectOf.apply("before"));

    failing.set(true);
    Eventually.holds(() -> asksFor(source) && failures.get() > 0, "the stale keys were not fetched again");
    assertEquals("stale", subjectOf.apply("stale"), "the keys known serve while they are fetched again, and after");

    withdrawn.set(true);
    failing.set(false);
    // a failed refetch is tried again by a caller once the minimum interval has passed
    Eventually.holds(() -> asksFor(source) && gone.get() != null, "the withdrawn key was not found gone");
    assertEquals(Set.of("k1"), gone.get());
    assertThrows(ApiException.class, () -> subjectOf.apply("withdrawn"));
  }

  /** Asks {@code source} for its keys, as a token would; true, for use in a condition. */
  private static boolean asksFor(KeySource source) {
    source.keys();
    return true;
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
    var verifier = verifierOf(new RemoteJwks(vertx, url, 20));
    var withdrawnKeys = keys.sign(vertx, TestKeys.claims(ISS, AUD, "alice"));
    var keptKeys = other.sign(vertx, TestKeys.claims(ISS, AUD, "bob"));
    assertEquals("alice", verifier.verify(withdrawnKeys).await().subject());
    assertEquals("bob", verifier.verify(keptKeys).await().subject());

    published.set(List.of(replaced, other, newcomer));
    // a kid the set lacks fetches it again, once the minimum interval has passed since the last fetch
    var carol = newcomer.sign(vertx, TestKeys.claims(ISS, AUD, "carol"));
    Eventually.holds(() -> verifier.verify(carol).otherwiseEmpty().await() != null,
        "the new kid did not fetch the keys");
    assertEquals(2, verifier.verifiers(), "the withdrawn key's verifier went with it (k2's and k3's are left)");
    var refused = assertThrows(ApiException.class, () -> verifier.verify(withdrawnKeys).await());
    assertEquals(401, refused.status());
    assertEquals("bob", verifier.verify(keptKeys).await().subject(), "a key still published keeps its tokens");
    assertEquals(2, fetches());
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
   * stale all the same, and the fetch that finds the key withdrawn forgets the token.
   */
  @Test
  void keptFreshARememberedTokenIsForgottenOnceStaleThoughNoOtherTokenComes() throws InterruptedException {
    var published = new AtomicReference<>(List.of(keys));
    var verifier = verifierOf(new RemoteJwks(vertx, jwksPublishing(published, new AtomicBoolean()), QUICK));
    verifier.start();
    var token = keys.sign(vertx, TestKeys.claims(ISS, AUD, "alice"));
    assertEquals("alice", verifier.verify(token).await().subject());

    published.set(List.of(TestKeys.generate("k2")));
    Eventually.holds(() -> verifier.remembered() == 0, "the withdrawn key's token is still remembered");
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
    var verifier = verifierOf(new RemoteJwks(vertx, jwksPublishing(published, failing), QUICK));
    verifier.start();
    var token = keys.sign(vertx, TestKeys.claims(ISS, AUD, "alice"));
    assertEquals("alice", verifier.verify(token).await().subject());
    Eventually.holds(() -> fetches() >= 4, "kept fresh, the keys were not fetched again");
    assertApart(fetchedAt.subList(0, 4), QUICK.maxAgeMillis(), "one fetch per max-age");

    failing.set(true);
    var failed = fetches();
    Eventually.holds(() -> fetches() >= failed + 3, "a failed timed fetch was not tried again");
    assertApart(fetchedAt.subList(failed, failed + 3), QUICK.minRefreshMillis(), "failed fetches tried again later");
    assertEquals(1, verifier.remembered(), "a failed fetch withdraws nothing");
    assertEquals("bob", verifier.verify(keys.sign(vertx, TestKeys.claims(ISS, AUD, "bob"))).await().subject(),
        "the keys known still verify");

    published.set(List.of(TestKeys.generate("k2")));
    failing.set(false);
    Eventually.holds(() -> verifier.remembered() == 0, "the withdrawn key's tokens are still remembered");
    verifier.stop();
  }

  /**
   * Each of {@code times} at least {@code millis} after the one before. A timer fires no earlier than asked, and the
   * intervals run from the answer, which comes after the request; but they are counted on the wall clock in whole
   * milliseconds, these on the monotonic one: up to 2 ms may be lost to the rounding.
   */
  private static void assertApart(List<Long> times, long millis, String otherwise) {
    for (int i = 1; i < times.size(); i++) {
      var apart = TimeUnit.NANOSECONDS.toMillis(times.get(i) - times.get(i - 1));
      assertTrue(apart >= millis - 2, otherwise + ": fetches " + apart + " ms apart, not " + millis);
    }
  }

  /** Stopped, a source fetches only when tokens ask; and an issuer that never answered is not asked on a period. */
  @Test
  void noTimedFetchAfterStopNorBeforeTheFirstAnswer() throws InterruptedException {
    var failing = new AtomicBoolean(true);
    var source = new RemoteJwks(vertx, jwksPublishing(new AtomicReference<>(List.of(keys)), failing), QUICK);
    var verifier = verifierOf(source);
    verifier.start();
    var token = keys.sign(vertx, TestKeys.claims(ISS, AUD, "alice"));
    assertEquals(503, assertThrows(ApiException.class, () -> verifier.verify(token).await()).status());
    assertFalse(source.refetchScheduled(), "no keys known: nothing to keep fresh");

    failing.set(false);
    Eventually.holds(() -> verifier.verify(token).otherwiseEmpty().await() != null,
        "the keys were not fetched again");
    assertTrue(source.refetchScheduled(), "keys known: kept fresh");
    verifier.stop();
    assertFalse(source.refetchScheduled(), "stopped: no timed fetch");
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
    Eventually.holds(() -> connections.get() == 0, "the keys' connection is open while the verticle stops");
    draining.complete();
    undeployed.await();
  }

  /** Closed, kept-fresh keys leave no timer; a client they were given serves more than keys and stays open. */
  @Test
  void closingKeysStopsTheirTimerAndLeavesAClientTheyWereGivenOpen() {
    var url = jwks(request -> request.response().end(new JsonObject().put("keys",
        new JsonArray().add(keys.publicJwk())).encode()));
    var shared = WebClient.create(vertx);
    var source = new RemoteJwks(vertx, shared, url, QUICK);
    source.keepFresh();
    source.keys().await();
    assertTrue(source.refetchScheduled());

    source.close();
    assertFalse(source.refetchScheduled(), "closed, the keys are fetched no more");
    assertEquals(200, shared.getAbs(url).send().await().statusCode());
    shared.close();
  }

  /**
   * Closed keys (their owner stopped, or is stopping) fail a token that needs a fetch as keys that cannot be fetched:
   * 503, to retry elsewhere. Their closed client threw at once, a 500 (Client is closed).
   */
  @Test
  void closedKeysNeedingAFetchAreUnavailable() {
    var url = jwks(request -> request.response().end(new JsonObject().put("keys",
        new JsonArray().add(keys.publicJwk())).encode()));
    var source = new RemoteJwks(vertx, url, QUICK);
    var verifier = verifierOf(source);
    source.close();

    var unverified = assertThrows(ApiException.class,
        () -> verifier.verify(keys.sign(vertx, TestKeys.claims(ISS, AUD, "alice"))).await());
    assertEquals(List.of(503, "key_source_unavailable"), List.of(unverified.status(), unverified.code()));
    assertEquals(0, fetches(), "a closed source asks for nothing");
  }

  /** Each token named the issuer, and each asked its failing JWKS again: a token forger's fetch amplifier. */
  @Test
  void aFailedFetchIsNotRepeatedBeforeTheMinimumInterval() throws InterruptedException {
    var url = jwks(request -> request.response().setStatusCode(500).end());
    var tokens = java.util.stream.IntStream.range(0, 6)
        .mapToObj(i -> keys.sign(vertx, TestKeys.claims(ISS, AUD, "user-" + i))).toList();
    var verifier = verifierOf(new RemoteJwks(vertx, url, 500));
    for (var token : tokens.subList(0, 5)) {
      var unverified = assertThrows(ApiException.class, () -> verifier.verify(token).await());
      assertEquals(List.of(503, "key_source_unavailable"), List.of(unverified.status(), unverified.code()),
          "keys that cannot be fetched say nothing of the token: retry, not a sign-in, nor a 500");
    }
    assertEquals(1, fetches(), "one fetch for five tokens");
    Eventually.holds(() -> verifier.verify(tokens.get(5)).otherwiseEmpty().await() == null && fetches() == 2,
        "not asked again once the interval passed");
    assertApart(fetchedAt, 500, "asked again only once the interval passed");
  }

  /** A failed fetch names the URL, and may be logged: never with a password the URL's user info holds. */
  @Test
  void aFailedFetchNamesTheUrlWithoutItsPassword() {
    var url = jwks(request -> request.response().setStatusCode(500).end()).replace("http://", "http://idp:s3cret@");
    var source = new RemoteJwks(vertx, url, QUICK);

    var failure = source.keys().transform(fetched -> Future.succeededFuture(fetched.cause())).await();

    assertEquals("JWKS " + url.replace("s3cret", "***") + " answered 500", failure.getMessage());
    source.close();
  }
}
