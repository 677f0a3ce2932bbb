package dev.orgplane.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.testing.TestKeys;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The connections one gateway instance opens to one upstream address: its own for reads, Vert.x's client's for
 * everything else it sends there (bodies, key fetches, token exchanges), whichever route or setting names the address.
 */
@ExtendWith(VertxExtension.class)
class UpstreamConnectionsTest {

  private static final String ISSUER = "http://gateway.test";
  private static final String EXTERNAL_ISSUER = "https://idp.test";
  private final TestKeys keys = TestKeys.generate("own");
  private final TestKeys externalKeys = TestKeys.generate("idp");

  @Test
  void oneAddressHasOnePoolForReadsAndOneForEverythingElse(Vertx vertx) {
    var opened = new AtomicInteger();
    var orgService = vertx.createHttpServer().connectionHandler(connection -> opened.incrementAndGet())
        .requestHandler(req -> {
          if (req.path().equals("/.well-known/jwks.json")) {
            req.response().end(new JsonObject().put("keys", new JsonArray().add(keys.publicJwk())).encode());
          } else if (req.path().equals("/v1/auth/token")) {
            req.response().putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("access_token", "platform-token").put("expires_in", 3600).encode());
          } else {
            req.body().onSuccess(body -> req.response().end("served"));
          }
        }).listen(0, "127.0.0.1").await();
    var idp = vertx.createHttpServer().requestHandler(req -> req.response()
        .end(new JsonObject().put("keys", new JsonArray().add(externalKeys.publicJwk())).encode()))
        .listen(0, "127.0.0.1").await();
    var routes = new JsonArray()
        .add(new JsonObject().put("prefix", "/v1/a/").put("upstreams", new JsonArray().add(url(orgService) + "/")))
        .add(new JsonObject().put("prefix", "/v1/").put("upstreams", new JsonArray().add(url(orgService))));
    var trusted = new JsonArray().add(new JsonObject().put("issuer", EXTERNAL_ISSUER)
        .put("jwksUrl", url(idp) + "/jwks").put("audience", "orgplane-api"));
    var gateway = new GatewayVerticle(new JsonObject()
        .put("ORGPLANE_HTTP_HOST", "127.0.0.1").put("ORGPLANE_HTTP_PORT", "0")
        .put("ORGPLANE_ORG_SERVICE_URL", url(orgService)).put("ORGPLANE_PUBLIC_URL", ISSUER)
        .put("ORGPLANE_TRUSTED_ISSUERS", trusted.encode()).put("ORGPLANE_ROUTES", routes.encode()));
    vertx.deployVerticle(gateway).await();
    var client = WebClient.create(vertx);
    var own = "Bearer " + keys.sign(vertx, TestKeys.claims(ISSUER, "orgplane", "alice"));
    var external = "Bearer " + externalKeys.sign(vertx, TestKeys.claims(EXTERNAL_ISSUER, "orgplane-api", "app"));

    // the key fetch, then a read on the gateway's own connections
    assertEquals(200, client.get(gateway.port(), "127.0.0.1", "/v1/a/x").putHeader("Authorization", own).send()
        .await().statusCode());
    // a read on another route to the same address
    assertEquals(200, client.get(gateway.port(), "127.0.0.1", "/v1/x").putHeader("Authorization", own).send()
        .await().statusCode());
    // a write
    assertEquals(200, client.post(gateway.port(), "127.0.0.1", "/v1/x").putHeader("Authorization", own)
        .sendBuffer(Buffer.buffer("{}")).await().statusCode());
    // a token exchange, then a read
    assertEquals(200, client.get(gateway.port(), "127.0.0.1", "/v1/x").putHeader("Authorization", external).send()
        .await().statusCode());

    assertEquals(2, opened.get(), "one connection for the reads, one for the rest");
  }

  private static String url(HttpServer server) {
    return "http://127.0.0.1:" + server.actualPort();
  }
}
