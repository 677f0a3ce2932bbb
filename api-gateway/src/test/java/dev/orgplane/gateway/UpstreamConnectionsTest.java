package dev.orgplane.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.metrics.Metrics;
import dev.orgplane.kit.testing.Eventually;
import dev.orgplane.kit.testing.TestKeys;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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

  /**
   * Reads waiting for the one connection to an upstream, whose callers hang up meanwhile, wait no more: until session
   * 40 they stayed queued, counted in the waiting gauge, and the connection freed later was opened again for one of
   * them, long gone.
   */
  @Test
  void readsWhoseCallersHangUpWaitNoMoreForAConnection(Vertx vertx) throws Exception {
    var opened = new AtomicInteger();
    var requests = new AtomicInteger();
    var silent = vertx.createNetServer().connectHandler(socket -> {
      opened.incrementAndGet();
      socket.handler(bytes -> requests.incrementAndGet());
    }).listen(0, "127.0.0.1").await();
    var url = "http://127.0.0.1:" + silent.actualPort();
    var routes = new JsonArray().add(new JsonObject().put("prefix", "/v1/").put("upstreams", new JsonArray().add(url))
        .put("timeoutMs", 6000));
    var gateway = new GatewayVerticle(new JsonObject()
        .put("ORGPLANE_HTTP_HOST", "127.0.0.1").put("ORGPLANE_HTTP_PORT", "0")
        .put("ORGPLANE_ORG_SERVICE_URL", url).put("ORGPLANE_PUBLIC_URL", ISSUER).put("ORGPLANE_ROUTES", routes.encode())
        .put("ORGPLANE_GATEWAY_UPSTREAM_CONNECTIONS", "1").put("ORGPLANE_GATEWAY_READY_PROBE_MILLIS", "0"));
    var deployment = vertx.deployVerticle(gateway).await();
    String answer;
    try (var holding = new Socket("127.0.0.1", gateway.port())) {
      send(holding, "/v1/auth/holding");
      Eventually.holds(() -> requests.get() == 1, "the first read holds the connection");
      var leaving = new java.util.ArrayList<Socket>();
      for (int i = 0; i < 3; i++) {
        leaving.add(new Socket("127.0.0.1", gateway.port()));
        send(leaving.get(i), "/v1/auth/leaving");
      }
      Eventually.holds(() -> waiting(url) == 3, () -> waiting(url) + " reads waiting, not 3");
      for (var socket : leaving) {
        socket.close();
      }
      // before the first read times out, which frees the connection and so empties the queue anyway
      var stillWaiting = waiting(url);
      for (long deadline = System.nanoTime() + 3_000_000_000L; stillWaiting > 0 && System.nanoTime() < deadline; ) {
        Thread.sleep(10);
        stillWaiting = waiting(url);
      }
      assertEquals(0, stillWaiting, "reads still waiting for callers who left");
      holding.setSoTimeout(15_000);
      answer = new String(holding.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
    }
    // the timed-out connection is closed: nobody waits for another
    Thread.sleep(300);
    vertx.undeploy(deployment).await();
    silent.close().await();
    assertEquals("HTTP/1.1 504", answer);
    assertEquals(1, opened.get(), "no connection opened for a caller who left");
  }

  private static void send(Socket socket, String path) throws java.io.IOException {
    socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: gateway\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
  }

  /** The reads waiting for a connection to {@code upstream}, by its gauge. */
  static double waiting(String upstream) {
    var gauge = Metrics.registry().find("orgplane_gateway_upstream_waiting_requests").tag("upstream", upstream).gauge();
    return gauge == null ? -1 : gauge.value();
  }

  private static String url(HttpServer server) {
    return "http://127.0.0.1:" + server.actualPort();
  }
}
