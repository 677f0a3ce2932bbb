package dev.orgplane.org;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.orgplane.kit.testing.OpenApiRoutes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every GET of the API, and every other operation the document gives query parameters, refuses one it does not
 * read with 400 {@code unknown_parameter} naming it, and takes those the document lists. Swept from the document,
 * which {@link OpenApiRoutesTest} keeps equal to what each route declares, so a new route is swept without a test.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnknownQueryParametersTest {

  private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([a-z]+)}");

  private final OpenApiRoutes document = OpenApiRoutes.load();
  private OrgServiceHarness org;
  private String token;
  private String organization;

  @BeforeAll
  void start(Vertx vertx) {
    org = OrgServiceHarness.start(vertx);
    var owner = org.newUser("owner");
    token = owner.token();
    organization = org.createOrg(token, "params-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
  }

  /** {@code "GET /v1/..."} for every operation of org-service that reads or refuses query parameters. */
  Stream<String> operations() {
    return document.documented().stream()
        .filter(operation -> operation.contains(" /v1/") && !operation.contains(" /v1/provisioning/"))
        .filter(operation -> operation.startsWith("GET ") || !document.queryParameters(operation).isEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("operations")
  void anUndocumentedQueryParameterIsRefusedByName(String operation) {
    var refused = send(operation, document.queryParameters(operation).contains("limit") ? "fields=name&limit=1"
        : "fields=name");
    assertProblem(refused, 400, "unknown_parameter");
    assertEquals(List.of("fields"), refused.bodyAsJsonObject().getJsonArray("errors").stream()
        .map(error -> ((JsonObject) error).getString("field")).toList());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("operations")
  void theDocumentedQueryParametersAreTaken(String operation) {
    // values may well be invalid (400 with another code) or name nothing (404): only the names are under test
    var query = document.queryParameters(operation).stream().map(name -> name + "=1")
        .collect(Collectors.joining("&"));
    var answer = send(operation, query);
    var code = answer.statusCode() == 400 ? answer.bodyAsJsonObject().getString("code") : null;
    assertNotEquals("unknown_parameter", code, answer.bodyAsString());
  }

  private HttpResponse<Buffer> send(String operation, String query) {
    var method = HttpMethod.valueOf(operation.substring(0, operation.indexOf(' ')));
    var path = PATH_PARAMETER.matcher(operation.substring(operation.indexOf(' ') + 1)).replaceAll(match ->
        switch (match.group(1)) {
          case "org" -> organization;
          case "name" -> "organization";
          default -> UUID.randomUUID().toString();
        });
    return org.send(method, path + (query.isEmpty() ? "" : "?" + query), token,
        method == HttpMethod.GET ? null : new JsonObject());
  }
}
