package dev.orgplane.kit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.db.Migrations;
import dev.orgplane.kit.db.PgUrl;
import dev.orgplane.kit.db.SessionTimeouts;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceHttpTest {

  private static final Migrations WIDGETS = new Migrations("kittest", "db/kittest");
  private Vertx vertx;
  private Pool pool;
  private WebClient client;
  private int port;

  @BeforeAll
  void start(Vertx vertx) {
    this.vertx = vertx;
    PgUrl url = PgFixture.freshDatabase(WIDGETS);
    pool = Database.open(vertx, url, 2, new SessionTimeouts(500, 60_000), List.of(WIDGETS)).await();
    var router = ServiceHttp.router(vertx, "kittest", 1024, () -> pool.query("SELECT 1").execute());
    router.post("/widgets").handler(ctx -> {
      var body = ctx.body().asJsonObject();
      pool.preparedQuery("INSERT INTO kittest.widgets (id, name) VALUES ($1, $2)")
          .execute(Tuple.of(body.getLong("id"), body.getString("name")))
          .onSuccess(rs -> ctx.response().setStatusCode(201).end())
          .onFailure(ctx::fail);
    });
    QueryParameters.named("q").on(router.get("/gadgets")).handler(ctx -> ctx.end());
    router.get("/gadgets/:id").handler(ctx -> ctx.end(ctx.pathParam("id")));
    router.get("/slow").handler(ctx -> pool.query("SELECT pg_sleep(5)").execute()
        .onSuccess(rs -> ctx.response().end())
        .onFailure(ctx::fail));
    // what a write naming a row another transaction deleted meanwhile gets from its foreign key
    router.get("/dangling").handler(failingWith("23503"));
    // what a serializable transaction that lost a race, and a deadlock's victim, get: the engine retries on its code
    router.get("/serialization-failure").handler(failingWith("40001"));
    router.get("/deadlock").handler(failingWith("40P01"));
    router.get("/boom").handler(ctx -> {
      throw new IllegalStateException("secret internals");
    });
    router.get("/teapot").handler(ctx -> ctx.fail(new ApiException(422, "widget_wobbly", "The widget wobbles.",
        List.of(new ApiException.FieldError("name", "too wobbly")))));
    router.get("/refused").handler(ctx -> ctx.fail(403, new io.vertx.core.VertxException("a library's own refusal")));
    port = ServiceHttp.listen(vertx, HeadRequests.alongsideGets(router), "127.0.0.1", 0).await().actualPort();
    client = WebClient.create(vertx);
  }

  @AfterAll
  void stop() {
    pool.close();
  }

  /** A route whose statement the database refuses with the given SQLSTATE. */
  private Handler<RoutingContext> failingWith(String sqlState) {
    return ctx -> pool.query("DO $$BEGIN RAISE EXCEPTION 'refused' USING ERRCODE = '" + sqlState + "'; END$$").execute()
        .onSuccess(rs -> ctx.response().end())
        .onFailure(ctx::fail);
  }

  private HttpResponse<Buffer> send(HttpMethod method, String path, String body) {
    var request = client.request(method, port, "127.0.0.1", path);
    Future<HttpResponse<Buffer>> sent = body == null ? request.send() : request
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body));
    return sent.await();
  }

  private static void assertProblem(HttpResponse<Buffer> response, int status, String code) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    assertEquals(Problem.CONTENT_TYPE, response.getHeader("Content-Type"));
    var json = response.bodyAsJsonObject();
    assertEquals(code, json.getString("code"));
    assertEquals(status, json.getInteger("status"));
  }

  /**
   * A client that takes gzip gets an answer compressed from {@link ServiceHttp#COMPRESSED_FROM_BYTES} bytes on, and a
   * shorter one as it is, over HTTP/1.1 and HTTP/2 alike (Vert.x weighs only HTTP/1's against its threshold).
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(value = HttpVersion.class, names = {"HTTP_1_1", "HTTP_2"})
  void onlyAnswersOfAKibibyteOrMoreAreCompressed(HttpVersion version) {
    var versioned = WebClient.create(vertx, new WebClientOptions().setProtocolVersion(version)
        .setHttp2ClearTextUpgrade(false));
    try {
      for (int length : List.of(ServiceHttp.COMPRESSED_FROM_BYTES - 1, ServiceHttp.COMPRESSED_FROM_BYTES)) {
        var answer = versioned.get(port, "127.0.0.1", "/gadgets/" + "x".repeat(length))
            .putHeader("Accept-Encoding", "gzip").send().await();
        assertEquals(200, answer.statusCode());
        assertEquals(version, answer.version());
        assertEquals(length < ServiceHttp.COMPRESSED_FROM_BYTES ? null : "gzip",
            answer.getHeader("Content-Encoding"), length + " bytes");
      }
    } finally {
      versioned.close();
    }
  }

  @Test
  void aPathThatIsNotValidPercentEncodingIsAProblem() {
    assertProblem(send(HttpMethod.GET, "/widgets/%zz", null), 400, "malformed_path");
  }

  /** One code for a broken query whatever the route: vertx-web decodes it as it matches a path parameter, or later. */
  @Test
  void aQueryThatIsNotValidPercentEncodingIsAProblemOnEveryRoute() {
    for (var path : List.of("/gadgets?q=%zz", "/gadgets?q=a%", "/gadgets/7?q=%zz", "/gadgets/7?%zz=x")) {
      assertProblem(send(HttpMethod.GET, path, null), 400, "malformed_query");
    }
    assertEquals("7", send(HttpMethod.GET, "/gadgets/7?q=%41", null).bodyAsString());
  }

  /** Heads the HTTP decoder refuses: a problem document each, and the connection closed after it, as it says. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
      "'POST /widgets HTTP/1.1\r\nHost: a\r\nContent-Length: twelve\r\n\r\n{}', 400, malformed_request",
      "'GET /widgets HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n', 400, malformed_request",
      "'GET /LONG HTTP/1.1\r\nHost: a\r\n\r\n', 414, request_line_too_long",
      "'GET /widgets HTTP/1.1\r\nHost: a\r\nX-Big: LONG\r\n\r\n', 431, headers_too_large",
      // asked to keep the connection alive: told it closes all the same
      "'GET /widgets HTTP/1.0\r\nConnection: keep-alive\r\nBad Name: x\r\n\r\n', 400, malformed_request",
  })
  void whatIsNotReadableHttpIsAProblemAndEndsTheConnection(String head, int status, String code) {
    var request = head.replace("\\r\\n", "\r\n").replace("LONG", "a".repeat(
        Math.max(HeadLimits.SERVICE.requestLineBytes(), HeadLimits.SERVICE.headerBytes()) + 1));
    var answer = new StringBuffer();
    var closed = io.vertx.core.Promise.<Void>promise();
    var socket = vertx.createNetClient().connect(port, "127.0.0.1").await();
    socket.handler(bytes -> answer.append(bytes.toString()));
    socket.closeHandler(v -> closed.tryComplete());
    socket.write(request);
    closed.future().timeout(10, java.util.concurrent.TimeUnit.SECONDS).await();
    var text = answer.toString();
    // HTTP/1.0 when the request line itself was not read
    assertTrue(text.matches("(?s)HTTP/1\\.[01] " + status + " .*"), text);
    assertTrue(text.toLowerCase(java.util.Locale.ROOT).contains("content-type: " + Problem.CONTENT_TYPE), text);
    // said, so that a proxy in front (the gateway) pools it no more
    assertTrue(text.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), text);
    assertFalse(text.toLowerCase(java.util.Locale.ROOT).contains("keep-alive"), text);
    var json = new JsonObject(text.substring(text.indexOf("\r\n\r\n") + 4));
    assertEquals(code, json.getString("code"));
    assertEquals(status, json.getInteger("status"));
  }

  @Test
  void aBodyDeclaredNeitherJsonNorAFormIsRefusedUnread() {
    for (var type : List.of("text/plain", "application/xml; charset=utf-8", "multipart/form-data; boundary=x")) {
      var response = client.post(port, "127.0.0.1", "/widgets").putHeader("Content-Type", type)
          .sendBuffer(Buffer.buffer("{\"id\": 7, \"name\": \"plain\"}")).await();
      assertProblem(response, 415, "unsupported_media_type");
    }
    assertEquals(0L, pool.query("SELECT count(*) FROM kittest.widgets WHERE id = 7").execute().await().iterator()
        .next().getLong(0));
  }

  @Test
  void jsonMediaTypesFormsAndUndeclaredBodiesAreRead() {
    var types = new String[] {"application/json; charset=utf-8", "application/merge-patch+json", "Application/JSON",
        "application/x-www-form-urlencoded", null};
    for (int i = 0; i < types.length; i++) {
      var request = client.post(port, "127.0.0.1", "/widgets");
      if (types[i] != null) {
        request.putHeader("Content-Type", types[i]);
      }
      var response = request.sendBuffer(Buffer.buffer("{\"id\": " + (80 + i) + ", \"name\": \"w" + i + "\"}")).await();
      assertEquals(201, response.statusCode(), types[i] + ": " + response.bodyAsString());
    }
    assertEquals(200, client.get(port, "127.0.0.1", "/health/ready").putHeader("Content-Type", "text/plain").send()
        .await().statusCode(), "a request without a body is not refused for its Content-Type");
  }

  @Test
  void readyWhenDatabaseAnswers() {
    var response = send(HttpMethod.GET, "/health/ready", null);
    assertEquals(200, response.statusCode());
    assertEquals("UP", response.bodyAsJsonObject().getString("status"));
  }

  @Test
  void domainFailureIsProblemJsonWithFieldErrors() {
    var response = send(HttpMethod.GET, "/teapot", null);
    assertProblem(response, 422, "widget_wobbly");
    assertEquals("name", response.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"));
  }

  /** As vertx-web's CorsHandler refuses an origin: a status and an exception that is no ApiException. */
  @Test
  void aFailureGivenAStatusIsAProblemOfThatStatusNotA500() {
    var response = send(HttpMethod.GET, "/refused", null);
    assertProblem(response, 403, "forbidden");
    assertFalse(response.bodyAsString().contains("a library's own refusal"));
  }

  @Test
  void bugIsBare500WithoutInternals() {
    var response = send(HttpMethod.GET, "/boom", null);
    assertProblem(response, 500, "internal_error");
    assertFalse(response.bodyAsString().contains("secret internals"));
  }

  @Test
  void unknownRouteIs404Problem() {
    assertProblem(send(HttpMethod.GET, "/nope", null), 404, "not_found");
  }

  @Test
  void wrongMethodIs405Problem() {
    assertProblem(send(HttpMethod.DELETE, "/widgets", null), 405, "method_not_allowed");
  }

  /**
   * The skeleton's own paths come before routes without a method (the body handler), which made vertx-web forget the
   * method it refused: a wrong method was 404. A trailing {@code /} is the same path.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"POST, /health/ready", "PUT, /health/ready", "PUT, /health/live",
      "DELETE, /health/live/", "POST, /metrics", "PATCH, /metrics"})
  void aWrongMethodOnTheSkeletonsOwnPathsIs405NamingItsMethods(String method, String path) {
    var refused = send(HttpMethod.valueOf(method), path, null);
    assertProblem(refused, 405, "method_not_allowed");
    assertEquals("GET, HEAD", refused.getHeader("Allow"));
  }

  /** HEAD is answered as GET would be, headers alone; a path without GET refuses it as any other method. */
  @Test
  void headIsAnsweredAsGetWithoutContent() {
    var ready = send(HttpMethod.HEAD, "/health/ready", null);
    assertEquals(200, ready.statusCode());
    assertEquals("application/json", ready.getHeader("Content-Type"));
    assertNotNull(ready.getHeader("X-Request-Id"));
    assertNull(ready.body());
    var refused = send(HttpMethod.HEAD, "/teapot", null);
    assertEquals(422, refused.statusCode());
    assertEquals(Problem.CONTENT_TYPE, refused.getHeader("Content-Type"));
    assertNull(refused.body());
    assertEquals(405, send(HttpMethod.HEAD, "/widgets", null).statusCode());
    assertEquals(404, send(HttpMethod.HEAD, "/nope", null).statusCode());
  }

  @Test
  void malformedJsonIs400() {
    assertProblem(send(HttpMethod.POST, "/widgets", "{not json"), 400, "malformed_json");
  }

  @Test
  void oversizeBodyIs413() {
    assertProblem(send(HttpMethod.POST, "/widgets", new JsonObject().put("name", "x".repeat(4096)).encode()), 413,
        "payload_too_large");
  }

  @Test
  void uniqueViolationIs409() {
    assertEquals(201, send(HttpMethod.POST, "/widgets", "{\"id\":1,\"name\":\"a\"}").statusCode());
    assertProblem(send(HttpMethod.POST, "/widgets", "{\"id\":2,\"name\":\"a\"}"), 409, "conflict");
  }

  @Test
  void statementOverTheTimeoutIs503AndFreesItsConnection() {
    assertProblem(send(HttpMethod.GET, "/slow", null), 503, "database_timeout");
    assertProblem(send(HttpMethod.GET, "/slow", null), 503, "database_timeout");
    // both pooled connections were cancelled, not lost: the pool still answers
    assertEquals(200, send(HttpMethod.GET, "/health/ready", null).statusCode());
  }

  @Test
  void aForeignKeyRefusalIsAConflictNotAnInternalError() {
    assertProblem(send(HttpMethod.GET, "/dangling", null), 409, "reference_gone");
  }

  /** Serialization failures and deadlocks are a race the caller lost, to retry, not an internal error. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"/serialization-failure", "/deadlock"})
  void aLostRaceIsAConcurrentUpdateConflict(String path) {
    assertProblem(send(HttpMethod.GET, path, null), 409, "concurrent_update");
  }

  @Test
  void callerRequestIdIsEchoedAndBadOneReplaced() {
    var kept = client.get(port, "127.0.0.1", "/health/live").putHeader("X-Request-Id", "abc-123").send().await();
    assertEquals("abc-123", kept.getHeader("X-Request-Id"));
    var replaced = client.get(port, "127.0.0.1", "/health/live").putHeader("X-Request-Id", "bad id!").send().await();
    assertTrue(RequestIds.isWellFormed(replaced.getHeader("X-Request-Id")));
    assertFalse("bad id!".equals(replaced.getHeader("X-Request-Id")));
  }

  @Test
  void metricsArePrometheusText() {
    var response = send(HttpMethod.GET, "/metrics", null);
    assertEquals(200, response.statusCode());
    assertTrue(response.getHeader("Content-Type").startsWith("text/plain"));
  }
}
