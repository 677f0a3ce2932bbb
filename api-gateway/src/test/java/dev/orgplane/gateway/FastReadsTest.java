package dev.orgplane.gateway;

import static dev.orgplane.gateway.GatewayTest.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.auth.RevokedToken;
import dev.orgplane.kit.http.RequestIds;
import dev.orgplane.kit.testing.Eventually;
import dev.orgplane.kit.testing.TcpProxy;
import dev.orgplane.kit.testing.TestKeys;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reads the gateway serves below Vert.x's HTTP server ({@code routing.FastReads}) against those it leaves to the
 * router: each test tells which path answered by the counters {@code /metrics} shows before and after, and checks that
 * the answer is the one the router gives (status, body, headers, request id, problem, rate limit).
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FastReadsTest {

  private static final String ISSUER = "http://gateway.test";
  private static final String AUDIENCE = "orgplane";
  private static final String SERVED = "orgplane_gateway_fast_reads_total";
  private static final String HANDED_OFF = "orgplane_gateway_fast_reads_handed_off_total";
  private static final String AS_BYTES = "orgplane_gateway_fast_reads_as_bytes_total";
  private static final String ACTIVE = "orgplane_http_server_active_requests{service=\"api-gateway\"";
  /** Past what the kernel buffers between the gateway and a caller that reads none of it. */
  private static final int LARGE_ANSWER_BYTES = 16 * 1024 * 1024;
  /**
   * The route a caller takes a large answer slowly on: its upstream is silent for this long only while the gateway
   * stops reading it for that caller, a silence the route's timeout must not count.
   */
  private static final long SLOW_ROUTE_TIMEOUT_MILLIS = 2_000;
  /** Longer than that timeout: however late the caller wakes, a timeout that counted the pause fires within it. */
  private static final long CALLER_PAUSE_MILLIS = 3_000;
  /**
   * The idle timeout of the gateway a caller takes nothing of an endless event stream from: its connection is idle
   * once the gateway's writes to it are stuck, and closed this long after.
   */
  private static final int CALLER_IDLE_SECONDS = 5;
  /**
   * How long the test waits for that close: the idle timeout, and three times as long again for a busy machine to
   * fill the kernel's buffers and the gateway's write queue first, and to run the close.
   */
  private static final int CALLER_IDLE_CLOSE_PATIENCE_SECONDS = 4 * CALLER_IDLE_SECONDS;
  /** A plain answer in pieces that split its head and its body. */
  private static final List<String> IN_PIECES = List.of("HTTP/1.1 200 OK\r\nContent-Type: text/pl",
      "ain\r\nContent-Length: 11\r\n\r\nhello", " world");
  private final TestKeys keys = TestKeys.generate("fast-key");
  /** Requests the hung upstream took (it answers none). */
  private final AtomicInteger hungRequests = new AtomicInteger();
  /** The request ids the hung upstream was sent. */
  private final List<String> hungRequestIds = new CopyOnWriteArrayList<>();
  /** Authorization headers the echoing upstream refuses as revoked. */
  private final Set<String> revoked = ConcurrentHashMap.newKeySet();
  /** Completed when the streaming upstream's connection of the test under way closes. */
  private volatile Promise<Void> streamClosed = Promise.promise();
  private Vertx vertx;
  private WebClient client;
  private String echoUrl;
  private String deadUrl;
  private String forgetfulUrl;
  private String streamUrl;
  /** The first of the spare route's two upstreams, down: its reads go to the second. */
  private String spareDeadUrl;
  private int port;
  private String token;

  @BeforeAll
  void start(Vertx vertx) throws InterruptedException {
    this.vertx = vertx;
    echoUrl = url(echo());
    deadUrl = "http://127.0.0.1:" + TcpProxy.freePort();
    spareDeadUrl = "http://127.0.0.1:" + TcpProxy.freePort();
    forgetfulUrl = GatewayTest.forgetful(vertx);
    streamUrl = url(streamer());
    var routes = new JsonArray()
        .add(route("/v1/forgetful/", forgetfulUrl))
        .add(new JsonObject().put("prefix", "/v1/spare/").put("upstreams", new JsonArray().add(spareDeadUrl)
            .add(echoUrl)))
        .add(route("/v1/hung/", url(hung())).put("timeoutMs", 300))
        .add(route("/v1/dead/", deadUrl))
        .add(route("/v1/stream/", streamUrl))
        .add(route("/v1/slowly/", url(streamer())).put("timeoutMs", SLOW_ROUTE_TIMEOUT_MILLIS))
        .add(route("/v1/pieces/", "http://127.0.0.1:" + inPieces()))
        .add(route("/v1/", echoUrl));
    client = WebClient.create(vertx);
    port = deploy(new JsonObject().put("ORGPLANE_ROUTES", routes.encode()));
    token = rememberedBy(port, keys.sign(vertx, TestKeys.claims(ISSUER, AUDIENCE, "alice")));
  }

  /**
   * Has the gateway on {@code port} verify {@code token} with a read the router serves, as it serves every token's
   * first: reads are served below the router only under a token verified before. Answers the token.
   */
  private String rememberedBy(int port, String token) {
    var first = client.get(port, "127.0.0.1", "/v1/first").putHeader("Authorization", "Bearer " + token).send().await();
    assertEquals(200, first.statusCode(), first.bodyAsString());
    return token;
  }

  private static JsonObject route(String prefix, String upstream) {
    return new JsonObject().put("prefix", prefix).put("upstreams", new JsonArray().add(upstream));
  }

  /**
   * A gateway with {@code config} on top of the defaults (no CORS, no trusted proxies), once it holds org-service's
   * keys; answers its port.
   */
  private int deploy(JsonObject config) throws InterruptedException {
    var gateway = new GatewayVerticle(new JsonObject()
        .put("ORGPLANE_HTTP_HOST", "127.0.0.1").put("ORGPLANE_HTTP_PORT", "0")
        .put("ORGPLANE_ORG_SERVICE_URL", echoUrl).put("ORGPLANE_PUBLIC_URL", ISSUER)
        .put("ORGPLANE_ROUTES", new JsonArray().add(route("/v1/", echoUrl)).encode())
        // the stand-ins count what reaches them: no probes
        .put("ORGPLANE_GATEWAY_READY_PROBE_MILLIS", "0").mergeIn(config));
    vertx.deployVerticle(gateway).await();
    var deployed = gateway.port();
    // the keys held, a token's first read (the router's) verifies it, and the ones after it are served below it
    Eventually.holds(() -> client.get(deployed, "127.0.0.1", "/health/ready").send().await().statusCode() == 200,
        "the gateway never held org-service's keys");
    return deployed;
  }

  /**
   * Answers what it saw (path, query, request id, headers) with the status {@code ?status=} asks, and with hop-by-hop
   * headers of its own that must stay behind (with {@code ?hop=named}, one its Connection header names, which makes
   * the answer one the gateway decodes rather than relaying its bytes, {@code routing.RawAnswers}); serves
   * org-service's keys.
   */
  private HttpServer echo() {
    return vertx.createHttpServer().requestHandler(req -> {
      if (req.path().equals("/.well-known/jwks.json")) {
        req.response().end(new JsonObject().put("keys", new JsonArray().add(keys.publicJwk())).encode());
        return;
      }
      if (revoked.contains(String.valueOf(req.getHeader("Authorization")))) {
        // as a service refuses a token on its revocation list
        req.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"")
            .putHeader(RevokedToken.HEADER, "true").putHeader("Content-Type", "application/problem+json")
            .end(new JsonObject().put("status", 401).put("code", "invalid_token").put("detail", "revoked upstream")
                .encode());
        return;
      }
      var headers = new JsonObject();
      req.headers().forEach((name, value) -> headers.put(name.toLowerCase(Locale.ROOT), value));
      var seen = new JsonObject().put("path", req.path()).put("query", req.query())
          .put("requestId", req.getHeader(RequestIds.HEADER)).put("headers", headers);
      if (req.getParam("padding") != null) {
        seen.put("padding", "-".repeat(Integer.parseInt(req.getParam("padding"))));
      }
      var response = req.response().setStatusCode(Integer.parseInt(req.getParam("status", "200")))
          .putHeader("Content-Type", "application/json").putHeader("X-Upstream", "kept")
          .putHeader("Keep-Alive", "timeout=5").putHeader("Proxy-Authenticate", "Basic")
          .putHeader(RequestIds.HEADER, "the-upstream's-own");
      if ("named".equals(req.getParam("hop"))) {
        response.putHeader("Connection", "X-Upstream-Hop").putHeader("X-Upstream-Hop", "for the gateway only");
      }
      if ("true".equals(req.getParam("gzipped"))) {
        response.putHeader("Content-Encoding", "gzip").end(Buffer.buffer(gzipped(seen.encode())));
      } else {
        response.end(seen.encode());
      }
    }).listen(0, "127.0.0.1").await();
  }

  /** Takes every request, counts it, and never answers. */
  private HttpServer hung() {
    return vertx.createHttpServer().requestHandler(req -> {
      hungRequests.incrementAndGet();
      hungRequestIds.add(String.valueOf(req.getHeader(RequestIds.HEADER)));
    }).listen(0, "127.0.0.1").await();
  }

  /**
   * {@code /v1/stream/large} (and {@code /v1/slowly/large}): {@value #LARGE_ANSWER_BYTES} bytes of known length at
   * once; {@code /v1/stream/pieces}: two chunks 20 ms apart; {@code /v1/stream/endless}: chunks every 20 ms for as long
   * as it is read; {@code /v1/stream/events} (and {@code /v1/slowly/events}): an event stream of
   * {@value #LARGE_ANSWER_BYTES} bytes as fast as its connection takes it, and {@code /v1/stream/flood} one that never
   * ends ({@link EventFlood}). Each tells {@link #streamClosed} when its connection closes.
   */
  private HttpServer streamer() {
    return vertx.createHttpServer().requestHandler(req -> {
      var closed = streamClosed;
      req.connection().closeHandler(v -> closed.tryComplete());
      var response = req.response();
      if (req.path().endsWith("/large")) {
        response.end(Buffer.buffer(new byte[LARGE_ANSWER_BYTES]));
      } else if (req.path().endsWith("/events") || req.path().endsWith("/flood")) {
        EventFlood.writeOn(vertx, response.setChunked(true).putHeader("Content-Type", "text/event-stream"),
            req.path().endsWith("/events") ? LARGE_ANSWER_BYTES : Long.MAX_VALUE);
      } else if (req.path().equals("/v1/stream/pieces")) {
        response.setChunked(true).putHeader("Content-Type", "text/plain").write("first;");
        vertx.setTimer(20, id -> response.end("second"));
      } else {
        response.setChunked(true);
        var ticker = vertx.setPeriodic(20, id -> response.write("tick;"));
        response.closeHandler(v -> vertx.cancelTimer(ticker));
      }
    }).listen(0, "127.0.0.1").await();
  }

  /**
   * Answers each request with {@link #IN_PIECES}, each of its pieces 20 ms after the one before: a plain answer whose
   * head and body come in more than one read. Answers its port.
   */
  private int inPieces() {
    return vertx.createNetServer().connectHandler(socket -> socket.handler(received -> {
      if (received.toString().contains("\r\n\r\n")) {
        for (int i = 0; i < IN_PIECES.size(); i++) {
          var piece = IN_PIECES.get(i);
          vertx.setTimer(1 + 20L * i, id -> socket.write(piece));
        }
      }
    })).listen(0, "127.0.0.1").await().actualPort();
  }

  private static String url(HttpServer server) {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** Relayed as the bytes that came (a plain answer), or decoded (one naming a hop-by-hop header): the same answer. */
  @ParameterizedTest
  @ValueSource(strings = {"", "&hop=named"})
  void aPlainReadIsServedBelowTheRouterAsItsUpstreamAnswered(String answerShape) throws InterruptedException {
    double servedBefore = scraped(port, SERVED);
    double handedOffBefore = scraped(port, HANDED_OFF);
    double asBytesBefore = scraped(port, AS_BYTES);
    var answer = client.get(port, "127.0.0.1", "/v1/organizations?limit=2&status=203" + answerShape)
        .putHeader("Authorization", "Bearer " + token).putHeader(RequestIds.HEADER, "trace-fast-1")
        .putHeader("X-Forwarded-For", "10.1.2.3").putHeader("X-Forwarded-Host", "spoofed.example")
        .putHeader("Forwarded", "for=6.6.6.6").putHeader("Proxy-Authorization", "Basic eDp5")
        .putHeader("TE", "trailers").putHeader("Keep-Alive", "timeout=9").putHeader("X-Custom", "kept")
        .send().await();
    assertServed(port, servedBefore + 1, "served below the router");
    assertEquals(handedOffBefore, scraped(port, HANDED_OFF));
    assertEquals(asBytesBefore + (answerShape.isEmpty() ? 1 : 0), scraped(port, AS_BYTES), "as the bytes that came");
    assertEquals(203, answer.statusCode(), answer.bodyAsString());
    var seen = answer.bodyAsJsonObject();
    assertEquals("/v1/organizations", seen.getString("path"));
    assertEquals("limit=2&status=203" + answerShape, seen.getString("query"));
    assertEquals("trace-fast-1", seen.getString("requestId"));
    assertEquals("trace-fast-1", answer.getHeader(RequestIds.HEADER), "the caller's id, not the upstream's");
    var upstreamSaw = seen.getJsonObject("headers");
    assertEquals("Bearer " + token, upstreamSaw.getString("authorization"), "services verify the token again");
    assertEquals("127.0.0.1", upstreamSaw.getString("x-forwarded-for"), "the peer, not the caller's word");
    assertEquals("http", upstreamSaw.getString("x-forwarded-proto"));
    assertEquals("127.0.0.1:" + port, upstreamSaw.getString("x-forwarded-host"));
    assertEquals("kept", upstreamSaw.getString("x-custom"));
    for (var hop : List.of("proxy-authorization", "te", "keep-alive", "forwarded")) {
      assertNull(upstreamSaw.getString(hop), hop + " stays with the caller");
    }
    assertEquals("application/json", answer.getHeader("Content-Type"));
    assertEquals(String.valueOf(answer.body().length()), answer.getHeader("Content-Length"));
    assertEquals("kept", answer.getHeader("X-Upstream"));
    for (var hop : List.of("Keep-Alive", "Proxy-Authenticate", "X-Upstream-Hop", "Transfer-Encoding")) {
      assertNull(answer.getHeader(hop), hop + " stays with the upstream");
    }
  }

  /** A plain answer relayed as the bytes that came goes on whole when its head and body come in pieces. */
  @Test
  void aPlainAnswerInPiecesIsServedBelowTheRouterWhole() throws InterruptedException {
    double servedBefore = scraped(port, SERVED);
    double asBytesBefore = scraped(port, AS_BYTES);
    for (int i = 0; i < 2; i++) {
      var answer = client.get(port, "127.0.0.1", "/v1/pieces/greeting").putHeader("Authorization", "Bearer " + token)
          .putHeader(RequestIds.HEADER, "trace-pieces-" + i).send().await();
      assertEquals(200, answer.statusCode());
      assertEquals("hello world", answer.bodyAsString());
      assertEquals("text/plain", answer.getHeader("Content-Type"));
      assertEquals("11", answer.getHeader("Content-Length"));
      assertEquals("trace-pieces-" + i, answer.getHeader(RequestIds.HEADER));
    }
    assertServed(port, servedBefore + 2, "served below the router, the second on the same connection");
    assertEquals(asBytesBefore + 2, scraped(port, AS_BYTES), "as the bytes that came");
  }

  /** A read that accepts {@code coding} (none if empty), and the Content-Encoding of its answer. */
  private record CodedRead(String accepted, String uri, String contentEncoding) {
  }

  /**
   * Reads on one connection: a caller that accepts gzip gets the bytes that came when the gateway would not compress
   * them (shorter than 1 KiB, or encoded by the upstream), and a longer unencoded answer decoded, then compressed by
   * Vert.x; an answer that is not plain (a 404) is decoded, and compressed only from 1 KiB on too; one that accepts no
   * coding gets the bytes that came. Vert.x's compressor pairs each answer with its request's Accept-Encoding: had it
   * not seen the answers relayed as bytes, a gzip read's answer would have been paired with the read before it, and
   * gone unencoded.
   */
  @Test
  void readsAcceptingGzipOnOneConnectionAreAnsweredCompressedOnlyWhenTheGatewayWouldCompressThem()
      throws InterruptedException {
    var oneConnection = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(1));
    double servedBefore = scraped(port, SERVED);
    double asBytesBefore = scraped(port, AS_BYTES);
    var reads = List.of(
        new CodedRead("", "/v1/organizations", null),
        new CodedRead("gzip", "/v1/organizations?padding=2000", "gzip"),
        new CodedRead("identity", "/v1/organizations?padding=2000", null),
        new CodedRead("gzip", "/v1/organizations", null),
        new CodedRead("gzip", "/v1/organizations?padding=2000&gzipped=true", "gzip"),
        new CodedRead("gzip", "/v1/organizations?status=404", null),
        new CodedRead("gzip", "/v1/organizations?status=404&padding=2000", "gzip"),
        new CodedRead("gzip, deflate", "/v1/organizations?padding=2000", "gzip"));
    try {
      for (var read : reads) {
        var request = oneConnection.get(port, "127.0.0.1", read.uri()).putHeader("Authorization", "Bearer " + token);
        if (!read.accepted().isEmpty()) {
          request.putHeader("Accept-Encoding", read.accepted());
        }
        var answer = request.send().await();
        assertEquals(read.uri().contains("status=404") ? 404 : 200, answer.statusCode(), read.toString());
        assertEquals(read.contentEncoding(), answer.getHeader("Content-Encoding"), read.toString());
        var body = read.contentEncoding() == null ? answer.bodyAsString() : gunzipped(answer.bodyAsBuffer().getBytes());
        assertEquals(queryOf(read.uri()), new JsonObject(body).getString("query"), read.toString());
      }
    } finally {
      oneConnection.close();
    }
    assertServed(port, servedBefore + 8, "served below the router");
    assertEquals(asBytesBefore + 4, scraped(port, AS_BYTES), "plain answers the gateway does not compress as bytes");
  }

  private static String queryOf(String uri) {
    int query = uri.indexOf('?');
    return query < 0 ? null : uri.substring(query + 1);
  }

  private static byte[] gzipped(String text) {
    var out = new ByteArrayOutputStream();
    try (var gzip = new GZIPOutputStream(out)) {
      gzip.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static String gunzipped(byte[] bytes) {
    try (var gzip = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      return new String(gzip.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A read served below the router goes to its upstream, and its answer comes back, past the connection's codec: the
   * router's HEAD next on that connection is answered as a HEAD (no body), and a read after it as a read. Had the
   * codec heard of the read's GET and not of its answer, it would have read the HEAD's answer as a GET's, waiting for
   * a body that never comes.
   */
  @Test
  void theRoutersHeadAfterAReadServedBelowItOnItsConnectionIsAnsweredAsAHead() throws InterruptedException {
    double servedBefore = scraped(port, SERVED);
    var read = client.get(port, "127.0.0.1", "/v1/organizations").putHeader("Authorization", "Bearer " + token)
        .send().await();
    assertEquals(200, read.statusCode());
    var head = client.head(port, "127.0.0.1", "/v1/organizations").putHeader("Authorization", "Bearer " + token)
        .timeout(5000).send().await();
    assertEquals(200, head.statusCode());
    assertNull(head.body(), "no body");
    var next = client.get(port, "127.0.0.1", "/v1/organizations").putHeader("Authorization", "Bearer " + token)
        .send().await();
    assertEquals(200, next.statusCode());
    assertEquals("/v1/organizations", next.bodyAsJsonObject().getString("path"));
    assertServed(port, servedBefore + 2, "the reads below the router, the HEAD on it");
  }

  /** An answer of unknown length goes on in chunks as it comes, whole. */
  @Test
  void anAnswerInChunksIsServedBelowTheRouterWhole() throws InterruptedException {
    double servedBefore = scraped(port, SERVED);
    var answer = client.get(port, "127.0.0.1", "/v1/stream/pieces").putHeader("Authorization", "Bearer " + token)
        .send().await();
    assertServed(port, servedBefore + 1, "served below the router");
    assertEquals(200, answer.statusCode());
    assertEquals("first;second", answer.bodyAsString());
    assertEquals("chunked", answer.getHeader("Transfer-Encoding"));
    assertEquals("text/plain", answer.getHeader("Content-Type"));
  }

  /**
   * A service refuses a token served below the router as revoked: its answer goes to the caller as it came, and the
   * door refuses the token from then on, itself (the router's 401), as when the router's read was refused.
   */
  @Test
  void aTokenItsServiceRefusedAsRevokedOnAReadServedBelowTheRouterIsRefusedAtTheDoorNext() throws InterruptedException {
    var stolen = rememberedBy(port, keys.sign(vertx, TestKeys.claims(ISSUER, AUDIENCE, "signed-out-everywhere")));
    revoked.add("Bearer " + stolen);
    double servedBefore = scraped(port, SERVED);
    var upstreams = client.get(port, "127.0.0.1", "/v1/organizations").putHeader("Authorization", "Bearer " + stolen)
        .send().await();
    assertServed(port, servedBefore + 1, "served below the router");
    assertProblem(upstreams, 401, "invalid_token");
    assertEquals("revoked upstream", upstreams.bodyAsJsonObject().getString("detail"));
    var doors = client.get(port, "127.0.0.1", "/v1/organizations").putHeader("Authorization", "Bearer " + stolen)
        .send().await();
    assertServed(port, servedBefore + 1, "refused by the router");
    assertProblem(doors, 401, "invalid_token");
    assertEquals("The token was revoked.", doors.bodyAsJsonObject().getString("detail"), "the door's own");
  }

  @Test
  void aReadWithAMalformedRequestIdIsServedUnderANewOneItsUpstreamSawToo() throws InterruptedException {
    double servedBefore = scraped(port, SERVED);
    var answer = client.get(port, "127.0.0.1", "/v1/organizations").putHeader("Authorization", "Bearer " + token)
        .putHeader(RequestIds.HEADER, "not well formed!").send().await();
    assertServed(port, servedBefore + 1, "served below the router");
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    var id = answer.getHeader(RequestIds.HEADER);
    assertTrue(RequestIds.isWellFormed(id), id);
    assertNotEquals("not well formed!", id);
    assertEquals(id, answer.bodyAsJsonObject().getString("requestId"));
  }

  /**
   * Raw requests the door leaves to the router (its token placed at {@code {token}}), with the status the router
   * answers and the path the upstream saw (none: it saw nothing).
   */
  static Stream<Arguments> leftToTheRouter() {
    var head = "\r\nHost: localhost\r\nAuthorization: Bearer {token}";
    return Stream.of(
        Arguments.of("GET /v1/organizations HTTP/1.1" + head + "\r\nOrigin: https://app.example\r\n\r\n", 200,
            "/v1/organizations"),
        Arguments.of("GET /v1/organizations/%61bc HTTP/1.1" + head + "\r\n\r\n", 200, "/v1/organizations/%61bc"),
        Arguments.of("GET /v1/organizations/a.json HTTP/1.1" + head + "\r\n\r\n", 200, "/v1/organizations/a.json"),
        Arguments.of("GET /v1/organizations HTTP/1.1" + head + "\r\nAccept: text/event-stream\r\n\r\n", 200,
            "/v1/organizations"),
        Arguments.of("GET /v1/organizations HTTP/1.1" + head + "\r\nConnection: keep-alive\r\n\r\n", 200,
            "/v1/organizations"),
        Arguments.of("GET /v1/auth/token HTTP/1.1" + head + "\r\n\r\n", 405, null),
        Arguments.of("GET /v1/organizations HTTP/1.1" + head + "\r\nHost: elsewhere\r\n\r\n", 400, null),
        // a Host that is no authority: the router refuses it, where it went on as X-Forwarded-Host (review of
        // session 45)
        Arguments.of("GET /v1/organizations HTTP/1.1\r\nHost: evil.example/x\r\nAuthorization: Bearer {token}"
            + "\r\n\r\n", 400, null),
        Arguments.of("GET /v1/organizations HTTP/1.0" + head + "\r\n\r\n", 200, "/v1/organizations"));
  }

  @ParameterizedTest
  @MethodSource("leftToTheRouter")
  void aReadTheDoorLeavesToTheRouterIsAnsweredThere(String request, int status, String upstreamPath)
      throws IOException, InterruptedException {
    double servedBefore = scraped(port, SERVED);
    var answer = exchange(port, request.replace("{token}", token), 1).get(0);
    assertServed(port, servedBefore, "not served below the router");
    assertEquals(status, answer.status(), answer.body());
    if (upstreamPath != null) {
      assertEquals(upstreamPath, new JsonObject(answer.body()).getString("path"));
    } else {
      assertTrue(answer.body().contains("\"code\":"), "a problem: " + answer.body());
    }
  }

  @Test
  void anExpiredTokenIsRefusedByTheRouterAsBefore() throws InterruptedException {
    long now = System.currentTimeMillis() / 1000;
    var expired = keys.sign(vertx, TestKeys.claims(ISSUER, AUDIENCE, "alice").put("iat", now - 600)
        .put("exp", now - 60));
    double servedBefore = scraped(port, SERVED);
    var refused = client.get(port, "127.0.0.1", "/v1/organizations").putHeader("Authorization", "Bearer " + expired)
        .send().await();
    assertServed(port, servedBefore, "not served below the router");
    assertProblem(refused, 401, "invalid_token");
    assertEquals("Bearer error=\"invalid_token\"", refused.getHeader("WWW-Authenticate"));
  }

  /**
   * The door reads a connection's Host and token once for as long as its requests repeat them: each read on one
   * connection is still decided by its own token (one not verified before goes to the router, even after a verified
   * one) and tells its upstream its own Host.
   */
  @Test
  void eachReadOnAConnectionIsDecidedByItsOwnTokenAndHost() throws IOException, InterruptedException {
    var bob = rememberedBy(port, keys.sign(vertx, TestKeys.claims(ISSUER, AUDIENCE, "bob")));
    var carol = keys.sign(vertx, TestKeys.claims(ISSUER, AUDIENCE, "carol"));
    var reads = List.of(new RepeatedRead(token, "one.example", true), new RepeatedRead(token, "one.example", true),
        new RepeatedRead(bob, "two.example:8443", true), new RepeatedRead(carol, "two.example:8443", false),
        new RepeatedRead(token, "one.example", true));
    try (var socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      for (int i = 0; i < reads.size(); i++) {
        var read = reads.get(i);
        double servedBefore = scraped(port, SERVED);
        var request = "GET /v1/repeated HTTP/1.1\r\nHost: " + read.host() + "\r\nAuthorization: Bearer "
            + read.token() + "\r\n\r\n";
        var answer = answers(socket, request, 1).get(0);
        assertEquals(200, answer.status(), answer.body());
        var seen = new JsonObject(answer.body()).getJsonObject("headers");
        assertEquals("Bearer " + read.token(), seen.getString("authorization"));
        assertEquals(read.host(), seen.getString("x-forwarded-host"));
        assertServed(port, read.served() ? servedBefore + 1 : servedBefore,
            "read " + i + (read.served() ? " served below the router" : " the router's"));
      }
    }
  }

  /** A read on a connection shared with others: its token, its Host, and whether it is served below the router. */
  private record RepeatedRead(String token, String host, boolean served) {
  }

  /** Once the router answered a connection's request, that connection's next read is served below it again. */
  @Test
  void aReadAfterARouterAnswerOnItsConnectionIsServedBelowTheRouter() throws IOException, InterruptedException {
    double servedBefore = scraped(port, SERVED);
    try (var socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      var routed = answers(socket, withOrigin(read("/v1/first", "id-1")), 1);
      assertServed(port, servedBefore, "the router's");
      var served = answers(socket, read("/v1/second", "id-2"), 1);
      assertServed(port, servedBefore + 1, "served below the router");
      assertEquals("/v1/first", new JsonObject(routed.get(0).body()).getString("path"));
      assertEquals("/v1/second", new JsonObject(served.get(0).body()).getString("path"));
    }
  }

  /**
   * Three reads written at once on one connection, the one at {@code routed} with an Origin (the router's), the
   * others plain: their answers come in their order, each with its own id and path.
   */
  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2})
  void pipelinedReadsAreAnsweredInTheirOrderWhicheverPathServesThem(int routed)
      throws IOException, InterruptedException {
    var requests = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      var request = read("/v1/pipelined/" + i, "pipelined-" + i);
      requests.append(i == routed ? withOrigin(request) : request);
    }
    double servedBefore = scraped(port, SERVED);
    var answers = exchange(port, requests.toString(), 3);
    for (int i = 0; i < 3; i++) {
      var answer = answers.get(i);
      assertEquals(200, answer.status(), answer.body());
      assertEquals("/v1/pipelined/" + i, new JsonObject(answer.body()).getString("path"));
      assertEquals("pipelined-" + i, answer.headers().get("x-request-id"));
    }
    // a plain read ahead of the routed one is served below the router; one after it waits for the router's answer
    int least = routed == 0 ? 0 : 1;
    Eventually.holds(() -> scraped(port, SERVED) - servedBefore >= least, "a read served below the router");
    double served = scraped(port, SERVED) - servedBefore;
    assertTrue(served <= 2, served + " served below the router");
  }

  @Test
  void aReadWhoseUpstreamTimesOutIsAnswered504ByTheRouterAndSentOnce() throws InterruptedException {
    double servedBefore = scraped(port, SERVED);
    double handedOffBefore = scraped(port, HANDED_OFF);
    int hungBefore = hungRequests.get();
    var answer = client.get(port, "127.0.0.1", "/v1/hung/x").putHeader("Authorization", "Bearer " + token).send()
        .await();
    assertProblem(answer, 504, "upstream_timeout");
    assertEquals(hungBefore + 1, hungRequests.get(), "the upstream was sent the read once");
    assertEquals(hungRequestIds.get(hungRequestIds.size() - 1), answer.getHeader(RequestIds.HEADER),
        "answered under the id the upstream saw");
    assertEquals(handedOffBefore + 1, scraped(port, HANDED_OFF), "handed to the router");
    assertServed(port, servedBefore, "not served below the router");
  }

  @Test
  void aReadToAnUpstreamThatIsDownIsAnswered502ByTheRouter() throws InterruptedException {
    double servedBefore = scraped(port, SERVED);
    double handedOffBefore = scraped(port, HANDED_OFF);
    var answer = client.get(port, "127.0.0.1", "/v1/dead/x").putHeader("Authorization", "Bearer " + token).send()
        .await();
    assertProblem(answer, 502, "upstream_unavailable");
    assertEquals(handedOffBefore + 1, scraped(port, HANDED_OFF), "handed to the router");
    assertServed(port, servedBefore, "not served below the router");
  }

  /**
   * A read sent on a kept-alive connection its upstream closed meanwhile is sent once more, as the router's path sends
   * it (and counts it), and answered below the router; the upstream was sent it twice, not three times.
   */
  @Test
  void aReadOnAConnectionItsUpstreamClosedMeanwhileIsSentOnceMoreBelowTheRouter() throws InterruptedException {
    var repeats = "orgplane_gateway_repeated_requests_total{upstream=\"" + forgetfulUrl + "\"}";
    double servedBefore = scraped(port, SERVED);
    double handedOffBefore = scraped(port, HANDED_OFF);
    double repeatedBefore = scraped(port, repeats);
    assertEquals(1, forgetfulRead("/v1/forgetful/a").getInteger("connection"));
    assertEquals(2, forgetfulRead("/v1/forgetful/b").getInteger("connection"), "sent once more, on a new connection");
    assertEquals(repeatedBefore + 1, scraped(port, repeats));
    assertServed(port, servedBefore + 2, "both served below the router");
    assertEquals(handedOffBefore, scraped(port, HANDED_OFF));
  }

  private JsonObject forgetfulRead(String path) {
    var answer = client.get(port, "127.0.0.1", path).putHeader("Authorization", "Bearer " + token).send().await();
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    return answer.bodyAsJsonObject();
  }

  /** A read whose route's first upstream is down goes to the next, below the router as the router's path would. */
  @Test
  void aReadWhoseFirstUpstreamIsDownIsServedByTheRoutesNextBelowTheRouter() throws InterruptedException {
    var unreachable = "orgplane_gateway_upstream_failures_total{failure=\"unreachable\",upstream=\"" + spareDeadUrl
        + "\"}";
    double servedBefore = scraped(port, SERVED);
    double handedOffBefore = scraped(port, HANDED_OFF);
    var answer = client.get(port, "127.0.0.1", "/v1/spare/x").putHeader("Authorization", "Bearer " + token).send()
        .await();
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    assertEquals("/v1/spare/x", answer.bodyAsJsonObject().getString("path"));
    assertEquals(1, scraped(port, unreachable), "tried the first upstream");
    assertServed(port, servedBefore + 1, "served below the router");
    assertEquals(handedOffBefore, scraped(port, HANDED_OFF));
  }

  /**
   * A bucket of four: the token's first read (the router's) and each read served below the router take one token,
   * not two; the fifth is the router's 429.
   */
  @Test
  void aReadServedBelowTheRouterTakesOneToken() throws InterruptedException {
    var limited = deploy(new JsonObject().put("ORGPLANE_RATE_LIMIT_PER_SECOND", "0.01")
        .put("ORGPLANE_RATE_LIMIT_BURST", "4"));
    rememberedBy(limited, token);
    double servedBefore = scraped(port, SERVED);
    var statuses = new ArrayList<Integer>();
    HttpResponse<Buffer> last = null;
    for (int i = 0; i < 4; i++) {
      last = client.get(limited, "127.0.0.1", "/v1/organizations").putHeader("Authorization", "Bearer " + token)
          .send().await();
      statuses.add(last.statusCode());
    }
    assertEquals(List.of(200, 200, 200, 429), statuses);
    assertProblem(last, 429, "rate_limited");
    assertTrue(Integer.parseInt(last.getHeader("Retry-After")) >= 60, last.getHeader("Retry-After"));
    assertServed(port, servedBefore + 3, "the three served below the router");
  }

  /**
   * A read handed to the router with the failure it met takes a token too, as the router's own 502 does: a caller
   * reading from an upstream that is down is limited like any other.
   */
  @Test
  void aReadHandedToTheRouterWithItsFailureTakesOneToken() throws InterruptedException {
    var limited = deploy(new JsonObject().put("ORGPLANE_RATE_LIMIT_PER_SECOND", "0.01")
        .put("ORGPLANE_RATE_LIMIT_BURST", "4").put("ORGPLANE_ROUTES", new JsonArray()
            .add(route("/v1/dead/", deadUrl)).add(route("/v1/", echoUrl)).encode()));
    rememberedBy(limited, token);
    var statuses = new ArrayList<Integer>();
    for (var path : List.of("/v1/dead/x", "/v1/organizations", "/v1/organizations", "/v1/organizations")) {
      statuses.add(client.get(limited, "127.0.0.1", path).putHeader("Authorization", "Bearer " + token).send()
          .await().statusCode());
    }
    assertEquals(List.of(502, 200, 200, 429), statuses);
  }

  /**
   * A caller that hangs up halfway through an answer (one larger than the kernel buffers, unread, or one that never
   * ends): the upstream connection carrying it is closed, the request no longer counted active but counted served
   * below the router, and the next read, on a new connection, is served there as any.
   */
  @ParameterizedTest
  @ValueSource(strings = {"large", "endless"})
  void aCallerWhoHangsUpMidAnswerLeavesNothingBehind(String answer) throws Exception {
    double activeBefore = scraped(port, ACTIVE);
    double servedBefore = scraped(port, SERVED);
    var closed = Promise.<Void>promise();
    streamClosed = closed;
    try (var socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(read("/v1/stream/" + answer, "hang-up").getBytes(StandardCharsets.US_ASCII));
      var begun = new String(socket.getInputStream().readNBytes(64), StandardCharsets.ISO_8859_1);
      assertTrue(begun.startsWith("HTTP/1.1 200 "), begun);
    }
    Eventually.holds(() -> closed.future().isComplete(), "the upstream connection is never closed");
    Eventually.holds(() -> scraped(port, ACTIVE) == activeBefore, () -> scraped(port, ACTIVE) + " active, not "
        + activeBefore);
    assertServed(port, servedBefore + 1, "the read cut off by its caller, served below the router");
    var next = client.get(port, "127.0.0.1", "/v1/organizations").putHeader("Authorization", "Bearer " + token).send()
        .await();
    assertEquals(200, next.statusCode(), next.bodyAsString());
    assertServed(port, servedBefore + 2, "the next, served below the router");
  }

  /**
   * A caller that stops taking a large answer for longer than its route's timeout (a congested link) gets it whole:
   * served below the router, the gateway stops reading the upstream while the caller's queue is full, and the
   * upstream's silence meanwhile is not counted against the route's timeout, which cut the answer off if it were.
   */
  @Test
  void aCallerThatStopsReadingLongerThanTheRoutesTimeoutGetsTheWholeAnswer() throws Exception {
    double servedBefore = scraped(port, SERVED);
    try (var socket = slowCaller("/v1/slowly/large", "slowly")) {
      var in = socket.getInputStream();
      var begun = new String(in.readNBytes(1024 * 1024), StandardCharsets.ISO_8859_1);
      assertTrue(begun.startsWith("HTTP/1.1 200 "), begun.substring(0, 64));
      Thread.sleep(CALLER_PAUSE_MILLIS);
      long body = begun.length() - (begun.indexOf("\r\n\r\n") + 4);
      var buffer = new byte[64 * 1024];
      for (int read; body < LARGE_ANSWER_BYTES && (read = in.read(buffer)) > 0; ) {
        body += read;
      }
      assertEquals(LARGE_ANSWER_BYTES, body, "the whole body, not cut off");
    }
    assertServed(port, servedBefore + 1, "served below the router");
  }

  /**
   * A caller with a small receive buffer that asked for {@code path} under request id {@code requestId}: the gateway's
   * writes fill what the kernel buffers for it soon, once it stops reading.
   */
  private Socket slowCaller(String path, String requestId) throws IOException {
    var socket = new Socket();
    socket.setReceiveBufferSize(4096);
    socket.connect(new InetSocketAddress("127.0.0.1", port));
    socket.setSoTimeout(30_000);
    socket.getOutputStream().write(read(path, requestId).getBytes(StandardCharsets.US_ASCII));
    return socket;
  }

  /**
   * The same for an event stream (a caller asking for none by its Accept, which the door leaves to the router): its
   * connection to its upstream is one of its own, and the gateway stops reading that one while the caller's queue is
   * full, a silence the route's timeout must not count either.
   */
  @Test
  void aCallerThatStopsReadingAnEventStreamLongerThanTheRoutesTimeoutGetsItWhole() throws Exception {
    double servedBefore = scraped(port, SERVED);
    try (var socket = slowCaller("/v1/slowly/events", "slowly-events")) {
      var in = socket.getInputStream();
      var read = new ChunkedAnswerRead();
      var buffer = new byte[64 * 1024];
      boolean stopped = false;
      try {
        for (int chunk; !read.endsWhole() && (chunk = in.read(buffer)) > 0; ) {
          read.took(buffer, chunk);
          if (!stopped && read.bytes() > 1024 * 1024) {
            stopped = true;
            Thread.sleep(CALLER_PAUSE_MILLIS);
          }
        }
      } catch (IOException reset) {
        // cut off: asserted below
      }
      assertTrue(read.bytes() > LARGE_ANSWER_BYTES, "all of it, got " + read.bytes() + " bytes");
      assertTrue(read.endsWhole(), "ended, not cut off");
    }
    assertServed(port, servedBefore + 1, "served below the router");
  }

  /**
   * A caller that takes nothing of an endless event stream served below the router is not held for ever: nothing goes
   * either way on its connection once the gateway's writes to it are stuck (its upstream no longer read, the route's
   * timeout stopped), so the door's idle timeout closes it, which ends the read served and closes its upstream's
   * connection, and the request is no longer counted active, but counted served below the router.
   */
  @Test
  void aCallerThatTakesNothingOfAnEventStreamIsClosedAfterTheIdleTimeout() throws Exception {
    var gateway = deploy(new JsonObject()
        .put("ORGPLANE_GATEWAY_IDLE_TIMEOUT_SECONDS", Integer.toString(CALLER_IDLE_SECONDS))
        .put("ORGPLANE_ROUTES", new JsonArray().add(route("/v1/stream/", streamUrl).put("timeoutMs", 500))
            .add(route("/v1/", echoUrl)).encode()));
    rememberedBy(gateway, token);
    double servedBefore = scraped(gateway, SERVED);
    double activeBefore = scraped(gateway, ACTIVE);
    var closed = Promise.<Void>promise();
    streamClosed = closed;
    try (var socket = new Socket()) {
      socket.setReceiveBufferSize(4096);
      socket.connect(new InetSocketAddress("127.0.0.1", gateway));
      socket.getOutputStream().write(read("/v1/stream/flood", "takes-nothing").getBytes(StandardCharsets.US_ASCII));
      var upstreamClosed = closed.future().timeout(CALLER_IDLE_CLOSE_PATIENCE_SECONDS, TimeUnit.SECONDS)
          .transform(done -> Future.succeededFuture(done.succeeded())).await();
      assertTrue(upstreamClosed, "the upstream's connection was closed");
      // the answer's last write cannot complete while the caller reads nothing: the request ends with its connection
      Eventually.holds(() -> scraped(gateway, ACTIVE) == activeBefore, () -> scraped(gateway, ACTIVE)
          + " active, not " + activeBefore);
    }
    assertServed(gateway, servedBefore + 1, "the stream's read, served below the router");
  }

  /**
   * Requests from 127.0.0.1 with these X-Forwarded-* lines, to a gateway trusting {@code trusted}, which set
   * {@code proxyHeaders}, and the X-Forwarded-For, -Proto and -Host its upstream sees: the chain the trusted proxies
   * vouch for and what the proxy (the peer) says of the scheme and host, where it is said to set them; from a peer
   * that is no trusted proxy, none of the caller's words.
   */
  static Stream<Arguments> behindProxies() {
    var appended = "X-Forwarded-For: 198.51.100.1, 203.0.113.7\r\nX-Forwarded-Proto: http, https\r\n"
        + "X-Forwarded-Host: app.example\r\n";
    return Stream.of(
        Arguments.of("127.0.0.1", "proto,host", appended, "203.0.113.7, 127.0.0.1", "https", "app.example"),
        // a proxy that only appends to X-Forwarded-For: the scheme and host are the client's own words
        Arguments.of("127.0.0.1", "", appended, "203.0.113.7, 127.0.0.1", "http", "localhost"),
        Arguments.of("127.0.0.1", "host", appended, "203.0.113.7, 127.0.0.1", "http", "app.example"),
        Arguments.of("127.0.0.1, 10.0.0.0/8", "proto", "X-Forwarded-For: 203.0.113.7\r\nX-Forwarded-For: 10.1.2.3\r\n"
            + "X-Forwarded-Proto: https,\r\n", "203.0.113.7, 10.1.2.3, 127.0.0.1", "http", "localhost"),
        Arguments.of("127.0.0.1", "", "X-Forwarded-For: [2001:db8::7]:443\r\n", "2001:db8::7, 127.0.0.1", "http",
            "localhost"),
        Arguments.of("127.0.0.1", "", "X-Forwarded-For: 203.0.113.7, garbage\r\n", "127.0.0.1", "http",
            "localhost"),
        Arguments.of("127.0.0.1", "proto,host", "", "127.0.0.1", "http", "localhost"),
        Arguments.of("10.0.0.0/8", "proto,host", "X-Forwarded-For: 203.0.113.7\r\nX-Forwarded-Proto: https\r\n"
            + "X-Forwarded-Host: spoofed.example\r\n", "127.0.0.1", "http", "localhost"));
  }

  /**
   * Behind trusted proxies a read is served below the router, its upstream seeing the very X-Forwarded-* it sees
   * from a gateway that serves every read with its router.
   */
  @ParameterizedTest
  @MethodSource("behindProxies")
  void behindTrustedProxiesAReadIsServedBelowTheRouterWithTheRoutersForwardedHeaders(String trusted,
      String proxyHeaders, String forwarded, String forwardedFor, String proto, String host) throws Exception {
    var request = "GET /v1/organizations HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token + "\r\n"
        + forwarded + "\r\n";
    var seen = new ArrayList<List<String>>();
    for (var fast : List.of("true", "false")) {
      var gateway = deploy(new JsonObject().put("ORGPLANE_TRUSTED_PROXIES", trusted)
          .put("ORGPLANE_TRUSTED_PROXY_HEADERS", proxyHeaders).put("ORGPLANE_GATEWAY_FAST_READS", fast));
      rememberedBy(gateway, token);
      double servedBefore = scraped(port, SERVED);
      var answer = exchange(gateway, request, 1).get(0);
      assertEquals(200, answer.status(), answer.body());
      assertServed(port, servedBefore + (fast.equals("true") ? 1 : 0), "fast reads " + fast);
      var upstreamSaw = new JsonObject(answer.body()).getJsonObject("headers");
      seen.add(Stream.of("x-forwarded-for", "x-forwarded-proto", "x-forwarded-host").map(upstreamSaw::getString)
          .toList());
    }
    assertEquals(List.of(forwardedFor, proto, host), seen.get(0), "below the router");
    assertEquals(seen.get(1), seen.get(0), "the router's");
  }

  /**
   * A bucket of two per address behind a trusted proxy: a client's reads served below the router count against the
   * client, not the proxy, whose other clients go on being served (each read under a token of its own, which the
   * per-principal limit counts once).
   */
  @Test
  void behindATrustedProxyTheRateLimitCountsTheClientBehindIt() throws InterruptedException {
    var limited = deploy(new JsonObject().put("ORGPLANE_TRUSTED_PROXIES", "127.0.0.1")
        .put("ORGPLANE_RATE_LIMIT_PER_SECOND", "0.01").put("ORGPLANE_RATE_LIMIT_BURST", "2"));
    var tokens = verifiedBy(limited, 4, "198.51.100.");
    double servedBefore = scraped(port, SERVED);
    var statuses = new ArrayList<Integer>();
    for (int i = 0; i < 4; i++) {
      var from = i < 3 ? "203.0.113.1" : "203.0.113.2";
      statuses.add(client.get(limited, "127.0.0.1", "/v1/organizations").putHeader("X-Forwarded-For", from)
          .putHeader("Authorization", "Bearer " + tokens.get(i)).send().await().statusCode());
    }
    assertEquals(List.of(200, 200, 429, 200), statuses);
    assertServed(port, servedBefore + 3, "the three answered served below the router");
  }

  /**
   * A caller that is no trusted proxy cannot pick its bucket by writing X-Forwarded-For: reads served below the
   * router from new addresses it names all count against its own (a bucket of four, two of them taken verifying).
   */
  @Test
  void aForwardedForFromAPeerThatIsNoTrustedProxyIsNotBelieved() throws InterruptedException {
    var limited = deploy(new JsonObject().put("ORGPLANE_TRUSTED_PROXIES", "10.0.0.0/8")
        .put("ORGPLANE_RATE_LIMIT_PER_SECOND", "0.01").put("ORGPLANE_RATE_LIMIT_BURST", "4"));
    var tokens = verifiedBy(limited, 2, "198.51.100.");
    double servedBefore = scraped(port, SERVED);
    var statuses = new ArrayList<Integer>();
    for (int i = 0; i < 3; i++) {
      statuses.add(client.get(limited, "127.0.0.1", "/v1/organizations").putHeader("X-Forwarded-For", "203.0.113." + i)
          .putHeader("Authorization", "Bearer " + tokens.get(i % 2)).send().await().statusCode());
    }
    assertEquals(List.of(200, 200, 429), statuses);
    assertServed(port, servedBefore + 2, "served below the router");
  }

  /**
   * Tokens of {@code count} subjects of their own, each verified by the gateway on {@code port} with a read the router
   * serves, from an address at {@code network} + its index (as a trusted proxy would say).
   */
  private List<String> verifiedBy(int port, int count, String network) {
    var tokens = new ArrayList<String>();
    for (int i = 0; i < count; i++) {
      var each = keys.sign(vertx, TestKeys.claims(ISSUER, AUDIENCE, "client-" + i));
      var first = client.get(port, "127.0.0.1", "/v1/first").putHeader("X-Forwarded-For", network + i)
          .putHeader("Authorization", "Bearer " + each).send().await();
      assertEquals(200, first.statusCode(), first.bodyAsString());
      tokens.add(each);
    }
    return tokens;
  }

  /**
   * With CORS, a read without Origin is served below the router with the answer the router gives: its upstream's
   * Vary lines and the Origin merged into one header, each name once (here the upstream names the Origin itself, in
   * lower case), or the Origin alone; every other header the same. One with an Origin is the router's, CORS headers
   * and all.
   */
  @ParameterizedTest
  @ValueSource(strings = {"https://app.example", "https://other.example, https://app.example"})
  void withCorsAReadWithoutOriginIsServedBelowTheRouterWithTheRoutersVary(String origins) throws Exception {
    var varied = vertx.createHttpServer().requestHandler(req -> {
      var response = req.response().putHeader("Content-Type", "text/plain");
      response.headers().add("Vary", "Accept-Encoding").add("Vary", "origin, Accept-Language");
      response.end("varied");
    }).listen(0, "127.0.0.1").await();
    var routes = new JsonArray().add(route("/v1/varied/", url(varied))).add(route("/v1/", echoUrl));
    var answers = new ArrayList<List<String>>();
    for (var fast : List.of("true", "false")) {
      var gateway = deploy(new JsonObject().put("ORGPLANE_CORS_ORIGINS", origins)
          .put("ORGPLANE_ROUTES", routes.encode()).put("ORGPLANE_GATEWAY_FAST_READS", fast));
      rememberedBy(gateway, token);
      double servedBefore = scraped(port, SERVED);
      var merged = client.get(gateway, "127.0.0.1", "/v1/varied/x").putHeader("Authorization", "Bearer " + token)
          .send().await();
      var alone = client.get(gateway, "127.0.0.1", "/v1/organizations").putHeader("Authorization", "Bearer " + token)
          .send().await();
      assertServed(port, servedBefore + (fast.equals("true") ? 2 : 0), "fast reads " + fast);
      // one header each, its lines joined by | if there were more
      assertEquals("Accept-Encoding, origin, Accept-Language", String.join(" | ", merged.headers().getAll("Vary")),
          fast);
      assertEquals("Origin", String.join(" | ", alone.headers().getAll("Vary")), fast);
      answers.add(headersBut(merged, RequestIds.HEADER));
      if (fast.equals("true")) {
        var fromOrigin = client.get(gateway, "127.0.0.1", "/v1/varied/x").putHeader("Origin", "https://app.example")
            .putHeader("Authorization", "Bearer " + token).send().await();
        assertServed(port, servedBefore + 2, "the router's");
        assertEquals(200, fromOrigin.statusCode(), fromOrigin.bodyAsString());
        assertEquals("https://app.example", fromOrigin.getHeader("Access-Control-Allow-Origin"));
        assertTrue(fromOrigin.getHeader("Access-Control-Expose-Headers").contains("X-Request-Id"));
        assertEquals(1, fromOrigin.headers().getAll("Vary").size(), fromOrigin.headers().getAll("Vary").toString());
      }
    }
    assertEquals(answers.get(1), answers.get(0), "below the router, and the router's");
  }

  /** {@code answer}'s headers but {@code left}, each {@code name: value} (name in lower case), sorted. */
  private static List<String> headersBut(HttpResponse<Buffer> answer, String left) {
    return answer.headers().entries().stream().filter(header -> !header.getKey().equalsIgnoreCase(left))
        .map(header -> header.getKey().toLowerCase(Locale.ROOT) + ": " + header.getValue()).sorted().toList();
  }

  /** A plain read of {@code path} under the test's token, with request id {@code id}. */
  private String read(String path, String id) {
    return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token + "\r\n"
        + RequestIds.HEADER + ": " + id + "\r\n\r\n";
  }

  /** {@code request} with an Origin header, which has the router answer it (CORS, though none is configured). */
  private static String withOrigin(String request) {
    return request.replace("\r\n\r\n", "\r\nOrigin: https://app.example\r\n\r\n");
  }

  /**
   * Asserts the count of reads served below the router that the gateway on {@code port} tells comes to
   * {@code expected}: a read is counted once its answer's last write is done, and its caller may have the answer, and
   * ask for the count, first (on two busy cores the write that wakes the caller often preempts the gateway's thread
   * before it counts).
   */
  private void assertServed(int port, double expected, String message) throws InterruptedException {
    Eventually.holds(() -> scraped(port, SERVED) == expected,
        () -> message + ": expected " + expected + " reads served below the router, counted "
            + scraped(port, SERVED));
  }

  /**
   * The sum of the samples {@code /metrics} shows (at the gateway on {@code port}) for {@code series}: a name, or a
   * name and the start of its labels. The scrape is the router's, and is counted active itself.
   */
  private double scraped(int port, String series) {
    var text = client.get(port, "127.0.0.1", "/metrics").send().await().bodyAsString();
    return text.lines().filter(line -> line.startsWith(series) && (line.charAt(series.length()) == ' '
            || line.charAt(series.length()) == '{' || series.contains("{")))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }

  /** An answer read off a raw connection: its status, its headers (names in lower case) and its body. */
  record Answer(int status, Map<String, String> headers, String body) {
  }

  /** Writes {@code requests} at once on a new connection and reads {@code count} answers. */
  private static List<Answer> exchange(int port, String requests, int count) throws IOException {
    try (var socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      return answers(socket, requests, count);
    }
  }

  /** Writes {@code requests} at once on {@code socket} and reads {@code count} answers with a Content-Length each. */
  private static List<Answer> answers(Socket socket, String requests, int count) throws IOException {
    socket.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
    var in = socket.getInputStream();
    var answers = new ArrayList<Answer>();
    while (answers.size() < count) {
      var head = new ByteArrayOutputStream();
      while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          throw new IOException("closed after " + answers + " and " + head);
        }
        head.write(b);
      }
      var lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
      var headers = new LinkedHashMap<String, String>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.put(lines[i].substring(0, colon).toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
      var body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
      answers.add(new Answer(Integer.parseInt(lines[0].split(" ")[1]), headers,
          new String(body, StandardCharsets.UTF_8)));
    }
    return answers;
  }
}
