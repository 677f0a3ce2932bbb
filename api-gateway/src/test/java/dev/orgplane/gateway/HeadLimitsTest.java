package dev.orgplane.gateway;

import dev.orgplane.kit.testing.ClientCalls;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.http.HeadLimits;
import dev.orgplane.kit.http.ServiceHttp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gateway in front of a server made as the services make theirs ({@link ServiceHttp}): a head the door lets in
 * is read behind it too, with what the gateway adds to it, and the door keeps its own limits.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HeadLimitsTest {

  private Vertx vertx;
  private WebClient client;
  private int gatewayPort;

  @BeforeAll
  void start(Vertx vertx) {
    this.vertx = vertx;
    client = WebClient.create(vertx);
    gatewayPort = gatewayTo(ServiceHttp.listen(vertx, req -> req.body().onSuccess(body -> req.response().end("served")),
        "127.0.0.1", 0).await());
  }

  /**
   * Headers just under the door's limit, with the gateway's own added, reach the service: with the service's limit
   * equal to the door's it answered 431, and closed a connection the gateway then gave a DELETE or POST (502, the
   * healthy upstream quarantined).
   */
  @ParameterizedTest
  @ValueSource(strings = {"GET", "DELETE", "POST"})
  void headersJustUnderTheDoorsLimitAreServedBehindIt(String method) {
    var answer = client.request(HttpMethod.valueOf(method), gatewayPort, "127.0.0.1", "/.well-known/x")
        .putHeader("X-Pad", "p".repeat(HeadLimits.DOOR.headerBytes() - 150)).send().await();
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    assertEquals("served", answer.bodyAsString());
  }

  /** The door's own limits stand: past them it answers itself. */
  @ParameterizedTest
  @ValueSource(strings = {"line", "headers"})
  void headsPastTheDoorsLimitsAreRefusedThere(String past) {
    var request = past.equals("line")
        ? client.get(gatewayPort, "127.0.0.1", "/.well-known/" + "a".repeat(HeadLimits.DOOR.requestLineBytes()))
        : client.get(gatewayPort, "127.0.0.1", "/.well-known/x")
            .putHeader("X-Pad", "p".repeat(HeadLimits.DOOR.headerBytes()));
    var answer = request.send().await();
    assertEquals(past.equals("line") ? 414 : 431, answer.statusCode());
  }

  /**
   * A service that could not read a head the gateway sent it (here one with smaller limits than ours) answers 431
   * and closes the connection, saying so: the gateway puts that connection back in no pool. It did, and the request
   * waiting for it (one connection to the upstream here) met the close: a DELETE's 502, the upstream quarantined.
   */
  @Test
  void aConnectionOnWhichAnUpstreamRefusedAHeadCarriesNoOtherRequest() {
    int port = gatewayTo(smallService());
    var statuses = new ArrayList<Future<Integer>>();
    statuses.add(client.delete(port, "127.0.0.1", "/.well-known/x").putHeader("X-Pad", "p".repeat(2000)).send()
        .map(HttpResponse::statusCode));
    for (int i = 0; i < 3; i++) {
      statuses.add(client.delete(port, "127.0.0.1", "/.well-known/x").send().map(HttpResponse::statusCode));
    }
    var answered = new ArrayList<>(Future.all(statuses).await().<Integer>list());
    answered.sort(null);
    assertEquals(List.of(200, 200, 200, 431), answered);
  }

  /** That answer is about the request, not a notice of the upstream's stop: it stays in rotation. */
  @Test
  void anUpstreamThatRefusedAHeadStaysInRotation() {
    int port = gatewayTo(smallService(), ServiceHttp.listen(vertx, req -> req.response().end("other"), "127.0.0.1", 0)
        .await());
    var refused = client.delete(port, "127.0.0.1", "/.well-known/x").putHeader("X-Pad", "p".repeat(2000)).send()
        .await();
    assertEquals(431, refused.statusCode(), refused.bodyAsString());
    var served = new ArrayList<String>();
    for (int i = 0; i < 4; i++) {
      served.add(client.delete(port, "127.0.0.1", "/.well-known/x").send().await().bodyAsString());
    }
    served.sort(null);
    assertEquals(List.of("other", "other", "small", "small"), served);
  }

  /** A service with a smaller limit on headers than the gateway's: what reads 1 KiB of them. */
  private HttpServer smallService() {
    return ServiceHttp.listen(vertx, req -> req.response().end("small"), "127.0.0.1", 0, 0, new HeadLimits(4096, 1024),
        connection -> { }).await();
  }

  /** A gateway of its own, sending /.well-known/ to {@code upstreams} with one connection each: its port. */
  private int gatewayTo(HttpServer... upstreams) {
    var urls = new JsonArray();
    for (var upstream : upstreams) {
      urls.add("http://127.0.0.1:" + upstream.actualPort());
    }
    var gateway = new GatewayVerticle(new JsonObject()
        .put("ORGPLANE_HTTP_HOST", "127.0.0.1").put("ORGPLANE_HTTP_PORT", "0")
        .put("ORGPLANE_ORG_SERVICE_URL", urls.getString(0)).put("ORGPLANE_PUBLIC_URL", "http://gateway.test")
        .put("ORGPLANE_GATEWAY_UPSTREAM_CONNECTIONS", "1")
        .put("ORGPLANE_ROUTES", new JsonArray().add(new JsonObject().put("prefix", "/.well-known/")
            .put("upstreams", urls)).encode()));
    vertx.deployVerticle(gateway).await();
    return gateway.port();
  }

  /**
   * An HTTP/2 path is a header field at the door, within its header list, and a request line behind it: one of 5 KB,
   * longer than the door reads over HTTP/1, was 414 at the service.
   */
  @ParameterizedTest
  @ValueSource(strings = {"GET", "DELETE"})
  void anHttp2PathLongerThanTheDoorsRequestLineIsServedBehindIt(String method) {
    var http2 = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false));
    try {
      var path = "/.well-known/" + "a".repeat(HeadLimits.DOOR.requestLineBytes() + 1000);
      var answer = http2.request(HttpMethod.valueOf(method), gatewayPort, "127.0.0.1", path)
          .compose(ClientCalls::send)
          .map(read -> read.status() + " " + read.body()).await();
      assertEquals("200 served", answer);
    } finally {
      http2.close();
    }
  }
}
