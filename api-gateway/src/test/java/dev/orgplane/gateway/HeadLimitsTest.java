package dev.orgplane.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.http.HeadLimits;
import dev.orgplane.kit.http.ServiceHttp;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeAll;
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
    var service = ServiceHttp.listen(vertx, req -> req.body().onSuccess(body -> req.response().end("served")),
        "127.0.0.1", 0).await();
    var url = "http://127.0.0.1:" + service.actualPort();
    var gateway = new GatewayVerticle(new JsonObject()
        .put("ORGPLANE_HTTP_HOST", "127.0.0.1").put("ORGPLANE_HTTP_PORT", "0")
        .put("ORGPLANE_ORG_SERVICE_URL", url).put("ORGPLANE_PUBLIC_URL", "http://gateway.test")
        .put("ORGPLANE_ROUTES", new JsonArray().add(new JsonObject().put("prefix", "/.well-known/")
            .put("upstreams", new JsonArray().add(url))).encode()));
    vertx.deployVerticle(gateway).await();
    gatewayPort = gateway.port();
    client = WebClient.create(vertx);
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
          .compose(request -> request.send())
          .compose(response -> response.body().map(body -> response.statusCode() + " " + body)).await();
      assertEquals("200 served", answer);
    } finally {
      http2.close();
    }
  }
}
