package dev.orgplane.gateway;

import static dev.orgplane.gateway.GatewayTest.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.orgplane.kit.testing.Eventually;
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
 * and must stop taking the ones a withdrawn key signed once it has fetched the set without that key. Its key schedule
 * is milliseconds long here, and the tests wait for the answers they expect, not for a time.
 */
@ExtendWith(VertxExtension.class)
class WithdrawnKeysTest {

  private static final String ISSUER = "http://gateway.test";
  private static final String EXTERNAL_ISSUER = "https://idp.test";
  private static final String EXTERNAL_AUDIENCE = "orgplane-api";
  /** How often the gateway may fetch a key set again for a token naming a kid it lacks. */
  private static final long MIN_REFRESH_MILLIS = 20;
  /** How long the gateway keeps key sets at most, when a test has it fetch them again on its own. */
  private static final long MAX_AGE_MILLIS = 100;

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
    // tokens naming kids the sets lack fetch them again, once the minimum interval has passed
    var ownByNewKey = ownNew.sign(vertx, TestKeys.claims(ISSUER, "orgplane", "bob"));
    var externalByNewKey = externalNew.sign(vertx, TestKeys.claims(EXTERNAL_ISSUER, EXTERNAL_AUDIENCE, "partner-app"));
    Eventually.holds(() -> get(gateway, ownByNewKey).statusCode() == 200, "org-service's new key is not taken");
    Eventually.holds(() -> get(gateway, externalByNewKey).statusCode() == 200,
        "the external issuer's new key is not taken");

    assertProblem(get(gateway, own), 401, "invalid_token");
    assertProblem(get(gateway, external), 401, "invalid_token");
  }

  /**
   * A client that only ever sends its remembered token asks for no key: the key sets are fetched again once they are
   * stale all the same, and the token a withdrawn key signed is refused.
   */
  @Test
  void aRememberedTokenIsRefusedOnceStaleThoughNoOtherTokenComes() throws InterruptedException {
    var gateway = deployGateway(MAX_AGE_MILLIS);
    assertBothRemembered(gateway);

    withdrawBoth();
    Eventually.holds(() -> get(gateway, own).statusCode() == 401 && get(gateway, external).statusCode() == 401,
        "a token a withdrawn key signed is still taken");
    assertProblem(get(gateway, own), 401, "invalid_token");
    assertProblem(get(gateway, external), 401, "invalid_token");
  }

  /**
   * An undeployed gateway leaves no timer behind fetching key sets (it closes its key sets once drained; Vert.x also cancels the
   * timers set on a deployment's context, so RemoteJwksTest shows the stop itself).
   */
  @Test
  void undeployingTheGatewayStopsItsKeyFetches() throws InterruptedException {
    var gateway = deployGateway(MAX_AGE_MILLIS);
    assertBothRemembered(gateway);
    var asked = fetches.get();
    Eventually.holds(() -> fetches.get() >= asked + 4, "the key sets are not fetched again on their own");
    vertx.undeploy(gateway.deploymentID()).await();
    var fetched = fetches.get();

    // what a timer left behind would have fetched several times over
    Thread.sleep(5 * MAX_AGE_MILLIS);
    assertEquals(fetched, fetches.get(), "no key set fetched after the gateway stopped");
  }

  /**
   * A stopping gateway still answers through its notice, so it keeps its key sets fresh until its drain ends: a key
   * withdrawn meanwhile is found gone on time. Its key timers stopped before the notice (until session 29), and the
   * remembered tokens that key signed were taken until the gateway was gone.
   */
  @Test
  void aRememberedTokenIsRefusedOnceItsKeyIsWithdrawnDuringTheNotice() throws InterruptedException {
    var gateway = deployGateway(MAX_AGE_MILLIS, new JsonObject().put("ORGPLANE_SHUTDOWN_NOTICE_MILLIS", "3000"));
    assertBothRemembered(gateway);
    var stopped = vertx.undeploy(gateway.deploymentID());
    Eventually.holds(() -> client.get(gateway.port(), "127.0.0.1", "/health/ready").send().await().statusCode() == 503,
        "the gateway never gave notice");

    withdrawBoth();
    Eventually.holds(() -> get(gateway, own).statusCode() == 401 && get(gateway, external).statusCode() == 401,
        "a token a withdrawn key signed is still taken during the notice");
    assertFalse(stopped.isComplete(), "the notice was over before the keys were fetched again");
    stopped.await();
  }

  private GatewayVerticle deployGateway(Long maxAgeMillis) {
    return deployGateway(maxAgeMillis, new JsonObject());
  }

  /**
   * A gateway trusting org-service and an external issuer, keeping their key sets {@code maxAgeMillis} at most
   * (its default, a day, if null), with the settings {@code more} besides.
   */
  private GatewayVerticle deployGateway(Long maxAgeMillis, JsonObject more) {
    var orgService = vertx.createHttpServer().requestHandler(req -> {
      if (req.path().equals("/.well-known/jwks.json")) {
        answerJwks(req.response(), ownPublished);
      } else if (req.path().equals("/v1/auth/token")) {
        // the exchange of an external provider's token for the platform's
        req.response().putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("access_token", "platform-token").put("expires_in", 3600).encode());
      } else {
        req.response().end("served");
      }
    }).listen(0, "127.0.0.1").await();
    var idp = vertx.createHttpServer().requestHandler(req -> answerJwks(req.response(), externalPublished))
        .listen(0, "127.0.0.1").await();
    var trusted = new JsonArray().add(new JsonObject().put("issuer", EXTERNAL_ISSUER)
        .put("jwksUrl", url(idp) + "/jwks").put("audience", EXTERNAL_AUDIENCE));
    var settings = new JsonObject()
        .put("ORGPLANE_GATEWAY_JWKS_MIN_REFRESH_MILLIS", String.valueOf(MIN_REFRESH_MILLIS))
        .put("ORGPLANE_HTTP_HOST", "127.0.0.1").put("ORGPLANE_HTTP_PORT", "0")
        .put("ORGPLANE_ORG_SERVICE_URL", url(orgService)).put("ORGPLANE_PUBLIC_URL", ISSUER)
        .put("ORGPLANE_TRUSTED_ISSUERS", trusted.encode())
        .put("ORGPLANE_ROUTES", new JsonArray().add(new JsonObject().put("prefix", "/v1/")
            .put("upstreams", new JsonArray().add(url(orgService)))).encode());
    if (maxAgeMillis != null) {
      settings.put("ORGPLANE_GATEWAY_JWKS_MAX_AGE_MILLIS", String.valueOf(maxAgeMillis));
    }
    var gateway = new GatewayVerticle(settings.mergeIn(more));
    vertx.deployVerticle(gateway).await();
    return gateway;
  }

  /** The keys {@code published}, with no max-age: five minutes, unless the gateway keeps keys less. */
  private void answerJwks(HttpServerResponse response, AtomicReference<List<TestKeys>> published) {
    fetches.incrementAndGet();
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
