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
 * Every operation of the API refuses a query parameter it does not read with 400 {@code unknown_parameter} naming
 * it, and those that read some take the ones the document lists, each once (twice is 400
 * {@code repeated_parameter}). Swept from the document,
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

  /**
   * {@code "GET /v1/..."} for every operation of org-service but the OAuth endpoints, which ignore parameters they
   * do not recognize as RFC 6749 (3.1) has them. A change refuses before it changes anything, so none is made here.
   */
  Stream<String> operations() {
    return document.documented().stream()
        .filter(operation -> operation.contains(" /v1/") && !operation.contains(" /v1/provisioning/"))
        .filter(operation -> !operation.equals("POST /v1/auth/token") && !operation.equals("POST /v1/auth/revoke"));
  }

  /** Those that read query parameters: every GET, and the changes the document gives some. */
  Stream<String> reading() {
    return operations()
        .filter(operation -> operation.startsWith("GET ") || !document.queryParameters(operation).isEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("operations")
  void anUndocumentedQueryParameterIsRefusedByName(String operation) {
    var refused = send(operation, document.queryParameters(operation).contains("limit") ? "fields=name&limit=1"
        : "fields=name");
    assertProblem(refused, 400, "unknown_parameter");
    assertEquals(List.of("fields"), fields(refused));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("reading")
  void theDocumentedQueryParametersAreTakenOnceEach(String operation) {
    var documented = document.queryParameters(operation);
    // values may well be invalid (400 with another code) or name nothing (404): only the names are under test
    var query = documented.stream().map(name -> name + "=1").collect(Collectors.joining("&"));
    var answer = send(operation, query);
    var code = answer.statusCode() == 400 ? answer.bodyAsJsonObject().getString("code") : null;
    assertNotEquals("unknown_parameter", code, answer.bodyAsString());
    documented.stream().findFirst().ifPresent(name -> {
      var twice = send(operation, query + "&" + name + "=2");
      assertProblem(twice, 400, "repeated_parameter");
      assertEquals(List.of(name), fields(twice));
    });
  }

  private static List<String> fields(HttpResponse<Buffer> problem) {
    return problem.bodyAsJsonObject().getJsonArray("errors").stream()
        .map(error -> ((JsonObject) error).getString("field")).toList();
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
