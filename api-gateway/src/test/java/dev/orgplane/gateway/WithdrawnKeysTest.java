package dev.orgplane.gateway;

import static dev.orgplane.gateway.GatewayTest.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.testing.TestKeys;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Keys withdrawn from a JWKS, org-service's and an external issuer's: the gateway remembers the tokens it verified,
 * and must stop taking the ones a withdrawn key signed once it has fetched the set without that key.
 */
@ExtendWith(VertxExtension.class)
class WithdrawnKeysTest {

  private static final String ISSUER = "http://gateway.test";
  private static final String EXTERNAL_ISSUER = "https://idp.test";
  private static final String EXTERNAL_AUDIENCE = "orgplane-api";
  /** The gateway fetches a key set again at most this often (its minimum refresh interval), plus a margin. */
  private static final long REFETCH_MILLIS = 5_200;
  /** The shortest max-age the gateway takes (a JWKS saying {@code max-age=1} gets this). */
  private static final long MIN_MAX_AGE_MILLIS = 5_000;
  private static final long MARGIN_MILLIS = 2_500;

  private final TestKeys ownOld = TestKeys.generate("own-old");
  private final TestKeys ownNew = TestKeys.generate("own-new");
  private final TestKeys externalOld = TestKeys.generate("idp-old");
  private final TestKeys externalNew = TestKeys.generate("idp-new");
  private final AtomicReference<List<TestKeys>> ownPublished = new AtomicReference<>(List.of(ownOld));
  private final AtomicReference<List<TestKeys>> externalPublished = new AtomicReference<>(List.of(externalOld));
  /** How often either JWKS was fetched. */
  private final AtomicInteger fetches = new AtomicInteger();
  private Vertx vertx;
  private WebClient client;
  private String own;
  private String external;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    client = WebClient.create(vertx);
    own = ownOld.sign(vertx, TestKeys.claims(ISSUER, "orgplane", "alice"));
    external = externalOld.sign(vertx, TestKeys.claims(EXTERNAL_ISSUER, EXTERNAL_AUDIENCE, "partner-app"));
  }

  @Test
  void aRememberedTokenIsRefusedOnceItsKeyIsWithdrawnFromTheJwks() throws InterruptedException {
    var gateway = deployGateway(null);
    assertBothRemembered(gateway);

    withdrawBoth();
    Thread.sleep(REFETCH_MILLIS);
    // tokens naming kids the sets lack fetch them again
    assertEquals(200, get(gateway, ownNew.sign(vertx, TestKeys.claims(ISSUER, "orgplane", "bob"))).statusCode());
    assertEquals(200, get(gateway, externalNew.sign(vertx,
        TestKeys.claims(EXTERNAL_ISSUER, EXTERNAL_AUDIENCE, "partner-app"))).statusCode());

    assertProblem(get(gateway, own), 401, "invalid_token");
    assertProblem(get(gateway, external), 401, "invalid_token");
  }

  /**
   * A client that only ever sends its remembered token asks for no key: the key sets are fetched again once their
   * max-age has passed all the same, and the token a withdrawn key signed is refused within about that time.
   */
  @Test
  void aRememberedTokenIsRefusedWithinTheMaxAgeThoughNoOtherTokenComes() throws InterruptedException {
    var gateway = deployGateway("max-age=1");
    assertBothRemembered(gateway);

    withdrawBoth();
    var deadline = System.currentTimeMillis() + MIN_MAX_AGE_MILLIS + MARGIN_MILLIS;
    var ownAnswer = get(gateway, own);
    var externalAnswer = get(gateway, external);
    while ((ownAnswer.statusCode() == 200 || externalAnswer.statusCode() == 200)
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(200);
      ownAnswer = get(gateway, own);
      externalAnswer = get(gateway, external);
    }
    assertProblem(ownAnswer, 401, "invalid_token");
    assertProblem(externalAnswer, 401, "invalid_token");
  }

  /**
   * An undeployed gateway leaves no timer behind fetching key sets (it stops its verifier; Vert.x also cancels the
   * timers set on a deployment's context, so RemoteJwksTest shows the stop itself).
   */
  @Test
  void undeployingTheGatewayStopsItsKeyFetches() throws InterruptedException {
    var gateway = deployGateway("max-age=1");
    assertBothRemembered(gateway);
    vertx.undeploy(gateway.deploymentID()).await();
    var fetched = fetches.get();

    Thread.sleep(MIN_MAX_AGE_MILLIS + MARGIN_MILLIS);
    assertEquals(fetched, fetches.get(), "no key set fetched after the gateway stopped");
  }

  /**
   * A gateway trusting org-service and an external issuer, whose JWKS answers carry {@code cacheControl} (none if
   * null).
   */
  private GatewayVerticle deployGateway(String cacheControl) {
    var orgService = vertx.createHttpServer().requestHandler(req -> {
      if (req.path().equals("/.well-known/jwks.json")) {
        answerJwks(req.response(), ownPublished, cacheControl);
      } else if (req.path().equals("/v1/auth/token")) {
        // the exchange of an external provider's token for the platform's
        req.response().putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("access_token", "platform-token").put("expires_in", 3600).encode());
      } else {
        req.response().end("served");
      }
    }).listen(0, "127.0.0.1").await();
    var idp = vertx.createHttpServer().requestHandler(req -> answerJwks(req.response(), externalPublished, cacheControl))
        .listen(0, "127.0.0.1").await();
    var trusted = new JsonArray().add(new JsonObject().put("issuer", EXTERNAL_ISSUER)
        .put("jwksUrl", url(idp) + "/jwks").put("audience", EXTERNAL_AUDIENCE));
    var gateway = new GatewayVerticle(new JsonObject()
        .put("ORGPLANE_HTTP_HOST", "127.0.0.1").put("ORGPLANE_HTTP_PORT", "0")
        .put("ORGPLANE_ORG_SERVICE_URL", url(orgService)).put("ORGPLANE_PUBLIC_URL", ISSUER)
        .put("ORGPLANE_TRUSTED_ISSUERS", trusted.encode())
        .put("ORGPLANE_ROUTES", new JsonArray().add(new JsonObject().put("prefix", "/v1/")
            .put("upstreams", new JsonArray().add(url(orgService)))).encode()));
    vertx.deployVerticle(gateway).await();
    return gateway;
  }

  private void answerJwks(HttpServerResponse response, AtomicReference<List<TestKeys>> published,
      String cacheControl) {
    fetches.incrementAndGet();
    if (cacheControl != null) {
      response.putHeader("Cache-Control", cacheControl);
    }
    response.end(new JsonObject().put("keys", new JsonArray(published.get().stream().map(TestKeys::publicJwk).toList()))
        .encode());
  }

  /** Both tokens taken, the second time from the gateway's memory of verified tokens. */
  private void assertBothRemembered(GatewayVerticle gateway) {
    for (int i = 0; i < 2; i++) {
      assertEquals(200, get(gateway, own).statusCode());
      assertEquals(200, get(gateway, external).statusCode());
    }
  }

  private void withdrawBoth() {
    ownPublished.set(List.of(ownNew));
    externalPublished.set(List.of(externalNew));
  }

  private HttpResponse<Buffer> get(GatewayVerticle gateway, String token) {
    return client.get(gateway.port(), "127.0.0.1", "/v1/organizations").putHeader("Authorization", "Bearer " + token)
        .send().await();
  }

  private static String url(HttpServer server) {
    return "http://127.0.0.1:" + server.actualPort();
  }
}
