package dev.orgplane.gateway;

import static dev.orgplane.gateway.GatewayTest.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.testing.TestKeys;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
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

  private final TestKeys ownOld = TestKeys.generate("own-old");
  private final TestKeys ownNew = TestKeys.generate("own-new");
  private final TestKeys externalOld = TestKeys.generate("idp-old");
  private final TestKeys externalNew = TestKeys.generate("idp-new");
  private final AtomicReference<List<TestKeys>> ownPublished = new AtomicReference<>(List.of(ownOld));
  private final AtomicReference<List<TestKeys>> externalPublished = new AtomicReference<>(List.of(externalOld));

  @Test
  void aRememberedTokenIsRefusedOnceItsKeyIsWithdrawnFromTheJwks(Vertx vertx) throws InterruptedException {
    var orgService = vertx.createHttpServer().requestHandler(req -> {
      if (req.path().equals("/.well-known/jwks.json")) {
        req.response().end(jwks(ownPublished));
      } else if (req.path().equals("/v1/auth/token")) {
        // the exchange of an external provider's token for the platform's
        req.response().putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("access_token", "platform-token").put("expires_in", 3600).encode());
      } else {
        req.response().end("served");
      }
    }).listen(0, "127.0.0.1").await();
    var idp = vertx.createHttpServer().requestHandler(req -> req.response().end(jwks(externalPublished)))
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
    var client = WebClient.create(vertx);
    var own = ownOld.sign(vertx, TestKeys.claims(ISSUER, "orgplane", "alice"));
    var external = externalOld.sign(vertx, TestKeys.claims(EXTERNAL_ISSUER, EXTERNAL_AUDIENCE, "partner-app"));
    for (int i = 0; i < 2; i++) {
      // the second time from the gateway's memory of verified tokens
      assertEquals(200, get(client, gateway, own).statusCode());
      assertEquals(200, get(client, gateway, external).statusCode());
    }

    ownPublished.set(List.of(ownNew));
    externalPublished.set(List.of(externalNew));
    Thread.sleep(REFETCH_MILLIS);
    // tokens naming kids the sets lack fetch them again
    assertEquals(200, get(client, gateway, ownNew.sign(vertx, TestKeys.claims(ISSUER, "orgplane", "bob"))).statusCode());
    assertEquals(200, get(client, gateway, externalNew.sign(vertx,
        TestKeys.claims(EXTERNAL_ISSUER, EXTERNAL_AUDIENCE, "partner-app"))).statusCode());

    assertProblem(get(client, gateway, own), 401, "invalid_token");
    assertProblem(get(client, gateway, external), 401, "invalid_token");
  }

  private static String jwks(AtomicReference<List<TestKeys>> published) {
    return new JsonObject().put("keys", new JsonArray(published.get().stream().map(TestKeys::publicJwk).toList()))
        .encode();
  }

  private static HttpResponse<Buffer> get(WebClient client, GatewayVerticle gateway, String token) {
    return client.get(gateway.port(), "127.0.0.1", "/v1/organizations").putHeader("Authorization", "Bearer " + token)
        .send().await();
  }

  private static String url(HttpServer server) {
    return "http://127.0.0.1:" + server.actualPort();
  }
}
