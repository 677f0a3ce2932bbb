package dev.orgplane.engine;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.orgplane.kit.testing.OpenApiRoutes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every GET of the engine (lists, a job or batch, their event streams, the diff, the plugins) refuses a query
 * parameter it does not read with 400 {@code unknown_parameter} naming it, before it looks anything up, and takes
 * those the document lists. Swept from the document, which {@link OpenApiRoutesTest} keeps equal to what each route
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

  static Stream<String> gets() {
    return DOCUMENT.documented().stream().filter(operation -> operation.startsWith("GET /v1/provisioning/"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("gets")
  void anUndocumentedParameterIsRefusedByNameAndTheDocumentedOnesAreTaken(String operation) {
    var path = operation.substring("GET ".length()).replaceAll("\\{[a-z]+}", UUID.randomUUID().toString());
    var documented = DOCUMENT.queryParameters(operation);
    var refused = engine.get(path + query(Stream.concat(documented.stream(), Stream.of("fields"))), token);
    assertProblem(refused, 400, "unknown_parameter");
    assertEquals(List.of("fields"), refused.bodyAsJsonObject().getJsonArray("errors").stream()
        .map(error -> ((JsonObject) error).getString("field")).toList());

    // values may well be invalid (400 with another code) or name nothing (404): only the names are under test
    var taken = engine.get(path + query(documented.stream()), token);
    assertNotEquals("unknown_parameter", taken.statusCode() == 400 ? taken.bodyAsJsonObject().getString("code")
        : null, taken.bodyAsString());
  }

  /** {@code ?a=1&b=1} of these names, or nothing for none. */
  private static String query(Stream<String> names) {
    var query = names.map(name -> name + "=1").collect(Collectors.joining("&"));
    return query.isEmpty() ? "" : "?" + query;
  }
}
