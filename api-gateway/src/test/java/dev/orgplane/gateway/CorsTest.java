package dev.orgplane.gateway;

import static dev.orgplane.gateway.GatewayTest.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.http.ApiDocument;
import dev.orgplane.kit.http.ProblemFailureHandler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The CORS handler alone, in front of a route that answers "through", as the gateway mounts it. */
@ExtendWith(VertxExtension.class)
class CorsTest {

  /**
   * An origin may be configured as a person writes it; the browser sends it serialized (lower case, no default port,
   * no slash) and must hear that back, or it refuses the answer.
   */
  @ParameterizedTest
  @CsvSource({
      "https://app.example, https://app.example",
      "https://App.example, https://app.example",
      "https://app.example:443, https://app.example",
      "https://app.example/, https://app.example",
      "HTTPS://APP.example:443/, https://app.example",
      "http://app.example:80, http://app.example",
      "https://app.example:8443, https://app.example:8443",
      "https://app.example, https://APP.example:443",
      "https://app.example, HTTPS://app.example",
      "https://app.example, https://app.example/",
      "https://App.example, https://app.example:443/",
  })
  void anOriginConfiguredAnyWayItMayBeSpelledIsAllowed(String configured, String origin, Vertx vertx) {
    var port = serve(vertx, configured);
    var client = WebClient.create(vertx);
    var read = client.get(port, "127.0.0.1", "/v1/x").putHeader("Origin", origin).send().await();
    assertEquals(200, read.statusCode(), read.bodyAsString());
    assertEquals("through", read.bodyAsString());
    assertEquals(origin, read.getHeader("Access-Control-Allow-Origin"));
    var preflight = client.request(HttpMethod.OPTIONS, port, "127.0.0.1", "/v1/x").putHeader("Origin", origin)
        .putHeader("Access-Control-Request-Method", "POST").send().await();
    assertEquals(204, preflight.statusCode(), preflight.bodyAsString());
    assertEquals(origin, preflight.getHeader("Access-Control-Allow-Origin"));
  }

  @Test
  void anotherOriginIsRefusedWithAProblem(Vertx vertx) {
    var port = serve(vertx, "https://App.example:443, https://other.example");
    var refused = WebClient.create(vertx).get(port, "127.0.0.1", "/v1/x").putHeader("Origin", "https://evil.example")
        .send().await();
    assertProblem(refused, 403, "cors_origin_refused");
  }

  /**
   * A browser shows a script an answer's headers that CORS safelists (Cache-Control, Content-Type...) and those the
   * answer exposes, no other: every header the API document or the README says an answer carries is exposed. An
   * import's {@code Orgplane-Import-Result} and a refused token's {@code WWW-Authenticate} were not.
   */
  @Test
  void everyHeaderTheApiAnswersWithIsExposed(Vertx vertx) {
    var port = serve(vertx, "https://app.example");
    var read = WebClient.create(vertx).get(port, "127.0.0.1", "/v1/x").putHeader("Origin", "https://app.example")
        .send().await();
    var exposed = new TreeSet<String>(String.CASE_INSENSITIVE_ORDER);
    exposed.addAll(Arrays.stream(read.getHeader("Access-Control-Expose-Headers").split(",")).map(String::trim).toList());
    var answered = answeredHeaders(new JsonObject(Buffer.buffer(ApiDocument.bytes())));
    // the README's: 429 and 503 answers, the request id every hop keeps, a replayed key's answer, a 405's methods
    answered.addAll(List.of("Retry-After", "X-Request-Id", "Idempotent-Replayed", "Allow"));
    answered.removeAll(List.of("Cache-Control", "Content-Language", "Content-Length", "Content-Type", "Expires",
        "Last-Modified", "Pragma"));
    assertTrue(answered.contains("Orgplane-Import-Result"), "read from the document: " + answered);
    answered.removeAll(exposed);
    assertEquals(Set.of(), answered, "not exposed to the browser's scripts");
  }

  /**
   * Each answer's CORS headers depend on its request's Origin, and a shared cache must know it: else it hands one
   * origin's answer to another, or one without CORS headers to a CORS request. A preflight's on what it asks besides.
   */
  @Test
  void everyAnswerVariesOnTheOrigin(Vertx vertx) {
    var port = serve(vertx, "https://app.example");
    var client = WebClient.create(vertx);
    var allowed = client.get(port, "127.0.0.1", "/v1/x").putHeader("Origin", "https://app.example").send().await();
    var withoutOrigin = client.get(port, "127.0.0.1", "/v1/x").send().await();
    var refused = client.get(port, "127.0.0.1", "/v1/x").putHeader("Origin", "https://evil.example").send().await();
    var preflight = client.request(HttpMethod.OPTIONS, port, "127.0.0.1", "/v1/x")
        .putHeader("Origin", "https://app.example").putHeader("Access-Control-Request-Method", "POST")
        .putHeader("Access-Control-Request-Headers", "Authorization").send().await();
    var refusedPreflight = client.request(HttpMethod.OPTIONS, port, "127.0.0.1", "/v1/x")
        .putHeader("Origin", "https://evil.example").putHeader("Access-Control-Request-Method", "POST").send().await();

    assertEquals(200, allowed.statusCode());
    assertEquals(List.of("Origin"), allowed.headers().getAll("Vary"));
    assertEquals(200, withoutOrigin.statusCode());
    assertEquals(List.of("Origin"), withoutOrigin.headers().getAll("Vary"));
    assertProblem(refused, 403, "cors_origin_refused");
    assertEquals(List.of("Origin"), refused.headers().getAll("Vary"));
    assertEquals(204, preflight.statusCode());
    assertEquals(List.of("Origin, Access-Control-Request-Method, Access-Control-Request-Headers"),
        preflight.headers().getAll("Vary"));
    assertEquals(403, refusedPreflight.statusCode());
    assertEquals(List.of("Origin, Access-Control-Request-Method, Access-Control-Request-Headers"),
        refusedPreflight.headers().getAll("Vary"));
  }

  @Test
  void withoutCorsOriginsNoVaryIsAdded(Vertx vertx) {
    var port = serve(vertx, " ");
    var read = WebClient.create(vertx).get(port, "127.0.0.1", "/v1/x").putHeader("Origin", "https://app.example")
        .send().await();
    assertEquals(200, read.statusCode());
    assertEquals(List.of(), read.headers().getAll("Vary"));
  }

  /**
   * A service's own Vary stays, merged with the Origin into one header, each name once: here the keys org-service
   * answers, which a shared cache may keep a minute. vertx-web names the Origin itself for more than one origin.
   */
  @ParameterizedTest
  @ValueSource(strings = {"https://app.example", "https://other.example, https://app.example"})
  void aProxiedAnswersOwnVaryIsKeptAndMerged(String origins, Vertx vertx) {
    var service = vertx.createHttpServer().requestHandler(request -> request.response()
            .putHeader("Cache-Control", "public, max-age=60").putHeader("Vary", "Accept-Encoding")
            .putHeader("Content-Type", "application/json").end("{\"keys\":[]}"))
        .listen(0, "127.0.0.1").await().actualPort();
    var gateway = new GatewayVerticle(new JsonObject().put("ORGPLANE_HTTP_HOST", "127.0.0.1")
        .put("ORGPLANE_HTTP_PORT", "0").put("ORGPLANE_ORG_SERVICE_URL", "http://127.0.0.1:" + service)
        .put("ORGPLANE_PUBLIC_URL", "http://gateway.test").put("ORGPLANE_CORS_ORIGINS", origins));
    vertx.deployVerticle(gateway).await();
    var client = WebClient.create(vertx);
    var fromOrigin = client.get(gateway.port(), "127.0.0.1", "/.well-known/jwks.json")
        .putHeader("Origin", "https://app.example");
    for (var request : List.of(fromOrigin, client.get(gateway.port(), "127.0.0.1", "/.well-known/jwks.json"))) {
      var answer = request.send().await();
      assertEquals(200, answer.statusCode(), answer.bodyAsString());
      var vary = answer.headers().getAll("Vary");
      assertEquals(1, vary.size(), vary.toString());
      assertEquals(List.of("accept-encoding", "origin"), Arrays.stream(vary.get(0).split(","))
          .map(name -> name.trim().toLowerCase(Locale.ROOT)).sorted().toList());
    }
  }

  /** The headers of every answer the document describes, its shared ones and each operation's own. */
  private static Set<String> answeredHeaders(JsonObject document) {
    var answers = new ArrayList<JsonObject>();
    document.getJsonObject("components").getJsonObject("responses")
        .forEach(shared -> answers.add((JsonObject) shared.getValue()));
    document.getJsonObject("paths").forEach(path -> ((JsonObject) path.getValue()).forEach(operation -> {
      if (operation.getValue() instanceof JsonObject described && described.containsKey("responses")) {
        described.getJsonObject("responses").forEach(answer -> answers.add((JsonObject) answer.getValue()));
      }
    }));
    var names = new TreeSet<String>(String.CASE_INSENSITIVE_ORDER);
    answers.forEach(answer -> names.addAll(answer.getJsonObject("headers", new JsonObject()).fieldNames()));
    return names;
  }

  private static int serve(Vertx vertx, String origins) {
    var router = Router.router(vertx);
    Cors.of(origins).ifPresent(cors -> cors.mount(router));
    ProblemFailureHandler.install(router);
    router.route().handler(ctx -> ctx.response().end("through"));
    return vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await().actualPort();
  }
}
