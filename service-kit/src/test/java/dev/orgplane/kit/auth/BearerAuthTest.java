package dev.orgplane.kit.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.testing.TestKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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

/** A request's token, verified when it came, asked about again later, as a long-lived response asks. */
class BearerAuthTest {

  private static final String ISS = "https://orgplane.test";
  private static final String AUD = "orgplane";
  private final TestKeys keys = TestKeys.generate("k1");
  private final AtomicBoolean revoked = new AtomicBoolean();
  private Vertx vertx;
  private int port;
  private HttpClient client;
  private RoutingContext held;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    KeySource source = () -> Future.succeededFuture(List.of(keys.publicJwk()));
    var verifier = new TokenVerifier(vertx, List.of(new TrustedIssuer(ISS, AUD, source, 3600)));
    var router = Router.router(vertx);
    router.route().handler(new BearerAuth(verifier, principal -> revoked.get()));
    router.get("/held").handler(ctx -> {
      held = ctx;
      ctx.response().end();
    });
    port = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await().actualPort();
    client = vertx.createHttpClient();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  /** Sends a request with a token of {@code claims} and answers its context, held by the route. */
  private RoutingContext heldWith(UnaryOperator<JsonObject> claims) {
    var token = keys.sign(vertx, claims.apply(TestKeys.claims(ISS, AUD, "alice")));
    var status = client.request(HttpMethod.GET, port, "127.0.0.1", "/held")
        .compose(request -> request.putHeader("Authorization", "Bearer " + token).send())
        .map(response -> response.statusCode()).timeout(20, TimeUnit.SECONDS).await();
    assertEquals(200, status);
    return held;
  }

  @Test
  void aTokenRevokedSinceItsRequestIsNoLongerValid() {
    var ctx = heldWith(claims -> claims);
    assertTrue(BearerAuth.stillValid(ctx));
    revoked.set(true);
    assertFalse(BearerAuth.stillValid(ctx));
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
