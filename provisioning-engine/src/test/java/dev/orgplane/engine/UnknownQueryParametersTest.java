package dev.orgplane.engine;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.orgplane.kit.testing.OpenApiRoutes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every operation of the engine refuses a query parameter it does not read with 400 {@code unknown_parameter}
 * naming it, before it looks anything up or changes anything; every GET takes those the document lists, each once
 * (twice is 400 {@code repeated_parameter}). Swept from the document, which {@link OpenApiRoutesTest} keeps equal to what each route
 * declares; the engine's path parameters are all ids, so a random one stands for each.
 */
class UnknownQueryParametersTest {

  private static final OpenApiRoutes DOCUMENT = OpenApiRoutes.load();
  private static Vertx vertx;
  private static EngineHarness engine;
  private static String token;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    engine = EngineHarness.start(vertx, new JsonObject().put("ORGPLANE_ENGINE_WORKERS", "0"));
    token = engine.org.newUser("params").token();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  static Stream<String> operations() {
    return DOCUMENT.documented().stream().filter(operation -> operation.contains(" /v1/provisioning/"));
  }

  static Stream<String> gets() {
    return operations().filter(operation -> operation.startsWith("GET "));
  }

  /** Every operation, reads and changes alike: a change refuses before it changes anything. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("operations")
  void anUndocumentedParameterIsRefusedByName(String operation) {
    var refused = send(operation, Stream.concat(DOCUMENT.queryParameters(operation).stream(), Stream.of("fields")));
    assertProblem(refused, 400, "unknown_parameter");
    assertEquals(List.of("fields"), fields(refused));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("gets")
  void theDocumentedParametersAreTakenOnceEach(String operation) {
    var documented = DOCUMENT.queryParameters(operation);
    // values may well be invalid (400 with another code) or name nothing (404): only the names are under test
    var taken = send(operation, documented.stream());
    assertNotEquals("unknown_parameter", taken.statusCode() == 400 ? taken.bodyAsJsonObject().getString("code")
        : null, taken.bodyAsString());
    documented.stream().findFirst().ifPresent(name -> {
      var twice = send(operation, Stream.concat(documented.stream(), Stream.of(name)));
      assertProblem(twice, 400, "repeated_parameter");
      assertEquals(List.of(name), fields(twice));
    });
  }

  private static HttpResponse<Buffer> send(String operation, Stream<String> names) {
    var method = HttpMethod.valueOf(operation.substring(0, operation.indexOf(' ')));
    var path = operation.substring(operation.indexOf(' ') + 1)
        .replaceAll("\\{[a-z]+}", UUID.randomUUID().toString());
    return engine.send(method, path + query(names), token, method == HttpMethod.GET ? null : new JsonObject());
  }

  private static List<String> fields(HttpResponse<Buffer> problem) {
    return problem.bodyAsJsonObject().getJsonArray("errors").stream()
        .map(error -> ((JsonObject) error).getString("field")).toList();
  }

  /** {@code ?a=1&b=1} of these names, or nothing for none. */
  private static String query(Stream<String> names) {
    var query = names.map(name -> name + "=1").collect(Collectors.joining("&"));
    return query.isEmpty() ? "" : "?" + query;
  }
}
