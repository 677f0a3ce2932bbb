package dev.orgplane.gateway;

import dev.orgplane.kit.testing.ClientCalls;
import static dev.orgplane.gateway.GatewayTest.assertProblem;
import static dev.orgplane.gateway.GatewayTest.isWhole;
import static dev.orgplane.gateway.GatewayTest.upstreamFailures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Clients that send their bodies slowly, through a gateway whose routes time out after half a second, whose clients
 * have two seconds for their bodies, and which opens one connection at most to each upstream for writes. The route's timeout ran
 * from the start of each exchange: a body trickled for longer was 504 {@code upstream_timeout}, counted against its
 * healthy upstream, which was quarantined; and each trickler held a connection to its upstream all along, so a few
 * starved every other write.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowBodiesTest {

  private static final int FIRST_READ = 64 * 1024;
  private static final long BYTE_EVERY_MILLIS = 150;
  /** How long a wait for an answer due within a second or so gives up: a busy machine may delay it by seconds. */
  private static final long PATIENCE_SECONDS = 30;
  /** The time clients of the gateway at {@link #port} have for their bodies. */
  private static final long BODY_TIMEOUT_MILLIS = 2000;
  private Vertx vertx;
  private WebClient client;
  private JsonArray routes;
  private int port;

  @BeforeAll
  void start(Vertx vertx) {
    this.vertx = vertx;
    routes = new JsonArray()
        .add(new JsonObject().put("prefix", "/v1/auth/stuck/").put("upstreams", new JsonArray().add(url(stuck())))
            .put("timeoutMs", 500))
        .add(new JsonObject().put("prefix", "/v1/auth/silent/").put("upstreams", new JsonArray().add(url(silent())))
            .put("timeoutMs", 500))
        .add(new JsonObject().put("prefix", "/v1/auth/refuses/").put("upstreams", new JsonArray().add(url(refuses())))
            .put("timeoutMs", 500))
        .add(new JsonObject().put("prefix", "/v1/").put("upstreams", new JsonArray()
            .add(url(upstream("first"))).add(url(upstream("second")))).put("timeoutMs", 500));
    var gateway = gateway(BODY_TIMEOUT_MILLIS);
    vertx.deployVerticle(gateway).await();
    port = gateway.port();
    client = WebClient.create(vertx);
  }

  /** A gateway on the routes, on a port of its own, whose clients have {@code bodyTimeoutMillis} for their bodies. */
  private GatewayVerticle gateway(long bodyTimeoutMillis) {
    return new GatewayVerticle(new JsonObject()
        .put("ORGPLANE_HTTP_HOST", "127.0.0.1").put("ORGPLANE_HTTP_PORT", "0")
        .put("ORGPLANE_ORG_SERVICE_URL", "http://127.0.0.1:9").put("ORGPLANE_PUBLIC_URL", "http://gateway.test")
        .put("ORGPLANE_ROUTES", routes.encode()).put("ORGPLANE_GATEWAY_UPSTREAM_CONNECTIONS", "1")
        .put("ORGPLANE_GATEWAY_BODY_TIMEOUT_MILLIS", String.valueOf(bodyTimeoutMillis))
        .put("ORGPLANE_BODY_LIMIT_BYTES", String.valueOf(64 << 20)));
  }

  /** Answers with its name and the length of the body it received. */
  private HttpServer upstream(String name) {
    return vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> req.response()
            .putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("upstream", name).put("length", body.length()).encode())))
        .listen(0, "127.0.0.1").await();
  }

  /** Takes a request's head and none of its body, and never answers. */
  private HttpServer stuck() {
    return vertx.createHttpServer().requestHandler(req -> req.pause()).listen(0, "127.0.0.1").await();
  }

  /** Answers at once, whatever of the body it has received, the first piece of its answer only. */
  private HttpServer silent() {
    return vertx.createHttpServer().requestHandler(req -> req.response().setChunked(true)
            .putHeader("Content-Type", "text/plain").write("partial"))
        .listen(0, "127.0.0.1").await();
  }

  /** Answers 413 at once, whatever of the body it has received. */
  private HttpServer refuses() {
    return vertx.createHttpServer().requestHandler(req -> req.response().setStatusCode(413)
            .putHeader("Content-Type", "application/json").end(new JsonObject().put("upstream", "refuses").encode()))
        .listen(0, "127.0.0.1").await();
  }

  private static String url(HttpServer server) {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** A sign-in (open, no token) whose 8 bytes take 1.2 s, against the route's 0.5 s. */
  @Test
  void aSmallBodyTrickledForLongerThanTheRouteTimeoutIsServedAndItsUpstreamStaysInRotation() {
    double failuresBefore = upstreamFailures();
    var answer = trickle("/v1/auth/token", 8, 0);
    assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
    assertEquals(8, body(answer).getInteger("length"));
    assertEquals(failuresBefore, upstreamFailures(), "nothing counted against the upstream");
    var upstreams = new HashSet<String>();
    for (int i = 0; i < 4; i++) {
      upstreams.add(client.get(port, "127.0.0.1", "/v1/auth/x").send().await().bodyAsJsonObject().getString("upstream"));
    }
    assertEquals(java.util.Set.of("first", "second"), upstreams, "neither quarantined");
  }

  /** The rest of a body past what the gateway reads first, trickled for longer than the route's timeout. */
  @Test
  void theRestOfALargeBodyMayTakeLongerThanTheRouteTimeout() {
    double failuresBefore = upstreamFailures();
    var answer = trickle("/v1/auth/token", FIRST_READ + 9, FIRST_READ + 1);
    assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
    assertEquals(FIRST_READ + 9, body(answer).getInteger("length"));
    assertEquals(failuresBefore, upstreamFailures(), "nothing counted against the upstream");
  }

  /**
   * A body that does not arrive within the client's time is the client's: 408 {@code request_body_timeout}, its
   * connection closed, and nothing counted against the upstream, whether the gateway was still reading it first
   * (nothing sent yet) or streaming it on (that upstream request is given up).
   */
  @ParameterizedTest
  @ValueSource(ints = {0, FIRST_READ + 1})
  void aBodyTrickledPastTheClientsTimeIs408AndNoFailureOfTheUpstream(int sentAtOnce) {
    double failuresBefore = upstreamFailures();
    long started = System.nanoTime();
    var answer = trickle("/v1/auth/token", sentAtOnce + 1000, sentAtOnce);
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
    assertEquals("request_body_timeout", body(answer).getString("code"));
    assertTrue(answer.toLowerCase(Locale.ROOT).contains("\r\nconnection: close\r\n"), answer);
    assertTrue(tookMillis >= 2000 && tookMillis < 5000, "after the client's 2 s: " + tookMillis + " ms");
    assertEquals(failuresBefore, upstreamFailures(), "nothing counted against the upstream");
    var next = client.post(port, "127.0.0.1", "/v1/auth/token").sendBuffer(Buffer.buffer("{}")).await();
    assertEquals(200, next.statusCode(), next.bodyAsString());
  }

  /** Over HTTP/2 the 408 ends the request's stream only: its connection carries the next request. */
  @Test
  void overHttp2ABodyPastTheClientsTimeEndsItsStreamOnly() {
    var http2 = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false));
    var status = new int[1];
    var refused = http2.request(HttpMethod.POST, port, "127.0.0.1", "/v1/auth/token").compose(request -> {
      request.setChunked(true).exceptionHandler(ignored -> { });
      request.write("{");
      return request.response().map(response -> {
        status[0] = response.statusCode();
        return response.request().connection();
      });
    }).timeout(PATIENCE_SECONDS, TimeUnit.SECONDS).await();
    var next = http2.request(HttpMethod.POST, port, "127.0.0.1", "/v1/auth/token")
        .compose(request -> ClientCalls.send(request, "{}"))
        .map(read -> read.response().request().connection())
        .timeout(PATIENCE_SECONDS, TimeUnit.SECONDS).await();
    http2.close();
    assertEquals(408, status[0]);
    assertTrue(refused == next, "the same connection carried the next request");
  }

  /**
   * Three tricklers on a gateway that opens one connection to each of the two upstreams: writes go on meanwhile, at
   * once. The first two tricklers held both connections, and the write waited out the route's timeout into a 503.
   * The tricklers send their last bytes only once the writes are answered, so no write can have a connection a
   * trickler freed, and have an hour for their bodies: the writes take what a busy machine makes them take.
   */
  @Test
  void tricklersHoldNoConnectionOtherWritesWaitFor() {
    var gateway = gateway(TimeUnit.HOURS.toMillis(1));
    var deployment = vertx.deployVerticle(gateway).await();
    var written = new CompletableFuture<Void>();
    var tricklers = IntStream.range(0, 3).mapToObj(i -> CompletableFuture.supplyAsync(
        () -> trickle(gateway.port(), "/v1/auth/token", 8, 0, written))).toList();
    // time for the gateway to take the tricklers' heads: were it too short, the writes would prove less, not fail
    pause(300);
    try {
      for (int i = 0; i < 4; i++) {
        var write = client.post(gateway.port(), "127.0.0.1", "/v1/auth/token").timeout(PATIENCE_SECONDS * 1000)
            .sendBuffer(Buffer.buffer("{}")).await();
        assertEquals(200, write.statusCode(), "not kept waiting: " + write.bodyAsString());
      }
    } finally {
      written.complete(null);
    }
    var answers = tricklers.stream().map(CompletableFuture::join).toList();
    vertx.undeploy(deployment).await();
    for (var answer : answers) {
      assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
    }
  }

  /**
   * An upstream that takes none of a body the gateway streams on still has the route's timeout for it: 504, counted.
   * The client's clock stops meanwhile (it is not the client that is slow).
   */
  @Test
  void anUpstreamThatTakesNoneOfAStreamedBodyTimesOut() {
    double failuresBefore = upstreamFailures();
    var answer = client.post(port, "127.0.0.1", "/v1/auth/stuck/x").timeout(10_000)
        .sendBuffer(Buffer.buffer(new byte[12 << 20])).await();
    assertProblem(answer, 504, "upstream_timeout");
    assertEquals(failuresBefore + 1, upstreamFailures());
  }

  /**
   * An upstream that answers a streamed body before its end (here 413 at once) is done with it: its connection is
   * closed at the answer's end and the rest of the body is dropped, so a client that stops sending does not keep that
   * connection from the upstream's other writes, and the client's connection carries its next request. It kept it up
   * to the client's body timeout (2 s here), and a write meanwhile waited out the route's timeout on the one
   * connection into a 504 counted against the upstream.
   */
  @Test
  void anAnswerBeforeTheBodysEndFreesItsUpstreamConnection() throws IOException {
    try (var socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5_000);
      var out = socket.getOutputStream();
      out.write(("POST /v1/auth/refuses/x HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + (FIRST_READ * 4) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[FIRST_READ + 1]);
      out.flush();
      var answer = answer(socket.getInputStream());
      assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
      // a write kept waiting for the connection is 503 at the route's timeout, 500 ms, so its answer says it was not
      var next = client.post(port, "127.0.0.1", "/v1/auth/refuses/x").sendBuffer(Buffer.buffer("{}")).await();
      assertEquals(413, next.statusCode(), next.bodyAsString());
      assertEquals("refuses", next.bodyAsJsonObject().getString("upstream"), next.bodyAsString());
      // the rest is dropped, and the client's connection carries its next request
      out.write(new byte[FIRST_READ * 3 - 1]);
      out.write(("POST /v1/auth/refuses/x HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
          + "Content-Length: 2\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      var again = answer(socket.getInputStream());
      assertTrue(again.startsWith("HTTP/1.1 413 "), again);
      assertEquals("refuses", body(again).getString("upstream"));
    }
  }

  /**
   * An upstream that falls silent in the middle of its answer has the route's timeout from the answer's first byte on,
   * whether the body was sent whole or its rest is sent after the answer began: the caller's answer is then cut off,
   * never ended as if whole. Vert.x's client counts its idle timeout until the answer's head only, so the answer was
   * relayed without one, the caller waiting for the rest for ever.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void anUpstreamSilentMidAnswerIsCutOffAfterTheRouteTimeout(boolean streamed) throws IOException {
    try (var socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5_000);
      var out = socket.getOutputStream();
      var in = socket.getInputStream();
      int atOnce = streamed ? FIRST_READ + 1 : 8;
      int rest = streamed ? 10 : 0;
      out.write(("POST /v1/auth/silent/x HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + (atOnce + rest) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[atOnce]);
      out.flush();
      var read = new StringBuilder();
      var buffer = new byte[8192];
      while (!read.toString().contains("partial")) {
        read.append(new String(buffer, 0, in.read(buffer), StandardCharsets.UTF_8));
      }
      out.write(new byte[rest]);
      out.flush();
      long started = System.nanoTime();
      try {
        for (int chunk; (chunk = in.read(buffer)) > 0; ) {
          read.append(new String(buffer, 0, chunk, StandardCharsets.UTF_8));
        }
      } catch (SocketTimeoutException stillWaiting) {
        fail("the answer was never cut off: " + read);
      } catch (IOException reset) {
        // cut off
      }
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertTrue(tookMillis < 2000, "cut off after the route's 500 ms: " + tookMillis + " ms");
      assertFalse(read.toString().endsWith("0\r\n\r\n"), "not ended as if whole: " + read);
    }
  }

  /**
   * POSTs {@code path} with a Content-Length of {@code length}: {@code atOnce} bytes at once, then one byte every
   * {@value #BYTE_EVERY_MILLIS} ms, or until an answer arrives; answers the answer.
   */
  private String trickle(String path, int length, int atOnce) {
    return trickle(port, path, length, atOnce, CompletableFuture.completedFuture(null));
  }

  /**
   * {@link #trickle(String, int, int)} to the gateway on {@code gatewayPort}, its last byte sent once {@code last} is
   * done.
   */
  private String trickle(int gatewayPort, String path, int length, int atOnce, CompletableFuture<Void> last) {
    try (var socket = new Socket("127.0.0.1", gatewayPort)) {
      socket.setSoTimeout(15_000);
      var out = socket.getOutputStream();
      var in = socket.getInputStream();
      out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
          + "Connection: close\r\nContent-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[atOnce]);
      try {
        for (int i = atOnce; i < length && in.available() == 0; i++) {
          out.flush();
          pause(BYTE_EVERY_MILLIS);
          if (i == length - 1) {
            last.join();
          }
          out.write('x');
        }
      } catch (IOException closed) {
        // the gateway answered and closed the connection
      }
      return answer(in);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads one answer whole, whether or not its connection closes after it. */
  private static String answer(java.io.InputStream in) throws IOException {
    var read = new StringBuilder();
    var buffer = new byte[8192];
    int chunk;
    while (!isWhole(read.toString()) && (chunk = in.read(buffer)) > 0) {
      read.append(new String(buffer, 0, chunk, StandardCharsets.UTF_8));
    }
    return read.toString();
  }

  private static JsonObject body(String answer) {
    return new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4));
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
