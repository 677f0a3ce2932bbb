package dev.orgplane.kit.auth;

import dev.orgplane.kit.testing.ClientCalls;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.http.ProblemFailureHandler;
import dev.orgplane.kit.testing.Eventually;
import dev.orgplane.kit.testing.TestKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A request's token, verified when it came, asked about again later, as a long-lived response asks; judged by a list
 * of withdrawn tokens read every 20 ms, which is stale once no read succeeded for a second.
 */
class BearerAuthTest {

  private static final String ISS = "https://orgplane.test";
  private static final String AUD = "orgplane";
  private final TestKeys keys = TestKeys.generate("k1");
  /** Whether the list of withdrawn tokens can be read. */
  private final AtomicBoolean readable = new AtomicBoolean(true);
  private Vertx vertx;
  private TokenRevocations revocations;
  private int port;
  private HttpClient client;
  private RoutingContext held;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    KeySource source = () -> Future.succeededFuture(List.of(keys.publicJwk()));
    var verifier = new TokenVerifier(vertx, List.of(new TrustedIssuer(ISS, AUD, source, 3600)));
    var router = Router.router(vertx);
    revocations = new TokenRevocations(vertx, () -> readable.get()
        ? Future.succeededFuture(TokenRevocations.Snapshot.EMPTY) : Future.failedFuture("org-service down"),
        new TokenRevocations.Schedule(20, 1_000));
    revocations.start().await();
    ProblemFailureHandler.install(router);
    router.route().handler(new BearerAuth(verifier, revocations));
    router.get("/held").handler(ctx -> {
      held = ctx;
      ctx.response().end();
    });
    port = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await().actualPort();
    client = vertx.createHttpClient();
  }

  @AfterEach
  void stop() {
    revocations.stop();
    vertx.close().await();
  }

  /** Sends a request with a token of {@code claims} and answers its context, held by the route. */
  private RoutingContext heldWith(UnaryOperator<JsonObject> claims) {
    assertEquals(200, sentWith(claims).status());
    return held;
  }

  private record Answer(int status, String retryAfter, String revoked, Buffer body) {
  }

  private Answer sentWith(UnaryOperator<JsonObject> claims) {
    var token = keys.sign(vertx, claims.apply(TestKeys.claims(ISS, AUD, "alice")));
    return client.request(HttpMethod.GET, port, "127.0.0.1", "/held")
        .compose(request -> ClientCalls.send(request.putHeader("Authorization", "Bearer " + token)))
        .map(read -> new Answer(read.status(), read.response().getHeader("Retry-After"),
            read.response().getHeader(RevokedToken.HEADER), read.body()))
        .timeout(20, TimeUnit.SECONDS).await();
  }

  @Test
  void aTokenRevokedSinceItsRequestIsNoLongerValid() {
    var ctx = heldWith(claims -> claims);
    assertTrue(BearerAuth.stillValid(ctx));
    revocations.markEnded("alice", System.currentTimeMillis() / 1000 + 1);
    assertFalse(BearerAuth.stillValid(ctx));
  }

  /**
   * Only a revocation is marked as one: a token this process refuses for its own clock or settings (issued in the
   * future, as a lagging clock reads it) may be taken by another, and the gateway must not refuse it for good.
   */
  @Test
  void aRevokedTokenIsRefusedMarkedAsRevokedOtherRefusalsAreNot() {
    var now = System.currentTimeMillis() / 1000;
    revocations.markEnded("alice", now + 1);
    // issued before the end though the clock may pass a second meanwhile (then the token was taken, once in 300)
    var revoked = sentWith(claims -> claims.put("iat", now));
    assertEquals(401, revoked.status());
    assertEquals("true", revoked.revoked());
    var early = sentWith(claims -> claims.put("sub", "bob").put("iat", System.currentTimeMillis() / 1000 + 120));
    assertEquals(401, early.status(), early.body().toString());
    assertEquals(null, early.revoked());
  }

  /**
   * A list that could not be read for longer than its bound no longer tells whether a token was withdrawn since: a
   * held request's token is no longer vouched for, and a new request is refused with 503, to be sent again later.
   */
  @Test
  void onceTheListIsStaleNoTokenIsValid() throws InterruptedException {
    var ctx = heldWith(claims -> claims);
    readable.set(false);
    Eventually.holds(() -> !BearerAuth.stillValid(ctx), "a held request's token stayed valid with the list stale");

    var refused = sentWith(claims -> claims);
    assertEquals(503, refused.status());
    assertEquals("1", refused.retryAfter());
    assertEquals("revocations_unavailable", new JsonObject(refused.body()).getString("code"));

    readable.set(true);
    Eventually.holds(revocations::fresh, "the list was never read again");
    assertTrue(BearerAuth.stillValid(ctx));
  }

  @Test
  void aTokenExpiredSinceItsRequestIsNoLongerValid() throws InterruptedException {
    // long enough for the request to be verified on a busy machine
    var expiresAt = System.currentTimeMillis() / 1000 + 8;
    var ctx = heldWith(claims -> claims.put("exp", expiresAt));
    assertTrue(BearerAuth.stillValid(ctx));
    while (System.currentTimeMillis() / 1000 < expiresAt) {
      Thread.sleep(50);
    }
    assertFalse(BearerAuth.stillValid(ctx));
  }
}
