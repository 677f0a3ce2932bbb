package dev.orgplane.kit.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.orgplane.kit.http.QueryParameters;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpenApiRoutesTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private static void answer(RoutingContext ctx) {
    ctx.end();
  }

  @Test
  void routesReadAsOpenApiOperationsAndMiddlewareIsLeftOut() {
    var router = Router.router(vertx);
    router.route().handler(RoutingContext::next);
    router.route("/v1/*").handler(RoutingContext::next);
    router.post("/v1/*").handler(RoutingContext::next);
    router.route().failureHandler(OpenApiRoutesTest::answer);
    router.get("/v1/organizations/:org/roles/:rid").handler(OpenApiRoutesTest::answer);
    router.postWithRegex("/v1/organizations/(?<org>[^/]+)/queues:batch").handler(OpenApiRoutesTest::answer);
    assertEquals(Set.of("GET /v1/organizations/{org}/roles/{rid}", "POST /v1/organizations/{org}/queues:batch"),
        OpenApiRoutes.registered(router));
  }

  /**
   * A key written twice in one object is refused: parsers keep one of the two, most the last, so half of what was
   * written was dropped unseen (an operation's two {@code parameters} lists, until session 42).
   */
  @Test
  void theDocumentNamesNoKeyTwiceInAnObject() throws Exception {
    var strict = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    try (var in = OpenApiRoutes.class.getClassLoader().getResourceAsStream(OpenApiRoutes.RESOURCE)) {
      strict.readTree(in);
    }
  }

  @Test
  void everyMismatchInTheOwnedPathsIsNamed() {
    var router = Router.router(vertx);
    router.get("/health/live").handler(OpenApiRoutesTest::answer);
    router.get("/health/undocumented").handler(OpenApiRoutesTest::answer);
    router.get("/v1/provisioning/elsewhere").handler(OpenApiRoutesTest::answer);
    var failure = assertThrows(AssertionError.class, () -> OpenApiRoutes.load()
        .assertMatches(router, List.of("/health/", "/v1/provisioning/"), List.of("/v1/provisioning/")));
    var message = failure.getMessage();
    assertTrue(message.contains("Registered but not documented (1):\n  GET /health/undocumented"), message);
    assertTrue(message.contains("Documented but not registered (1):\n  GET /health/ready"), message);
    assertFalse(message.contains("/v1/provisioning/"), message);
  }

  @Test
  void queryParametersAreDeclaredByEveryRouteAndAsDocumented() {
    var router = Router.router(vertx);
    QueryParameters.list("q", "state", "groupId", "provisionedFrom", "order").withPrefix("metadata.")
        .withPrefix("label.")
        .on(router.get("/v1/organizations")).handler(OpenApiRoutesTest::answer);
    router.get("/v1/users/me").handler(OpenApiRoutesTest::answer);
    QueryParameters.named("mail").on(router.get("/v1/users")).handler(OpenApiRoutesTest::answer);
    QueryParameters.list("order").withPrefix("tag.").on(router.get("/v1/users/me/organizations"))
        .handler(OpenApiRoutesTest::answer);
    router.postWithRegex("/v1/organizations/(?<org>[^/]+)/queues:copy").handler(OpenApiRoutesTest::answer);
    QueryParameters.NONE.on(router.post("/v1/organizations")).handler(OpenApiRoutesTest::answer);
    router.post("/v1/organizations/:org/disable").handler(OpenApiRoutesTest::answer);
    var failure = assertThrows(AssertionError.class, () -> OpenApiRoutes.load()
        .assertQueryParameters(router, List.of("/v1/"), List.of()));
    var message = failure.getMessage();
    assertFalse(message.contains("GET /v1/organizations:"), message);
    assertFalse(message.contains("POST /v1/organizations:"), message);
    assertTrue(message.contains("GET /v1/users/me: declares no query parameters"), message);
    assertTrue(message.contains("GET /v1/users: declared but not documented [mail]; documented but not declared "
        + "[email]"), message);
    assertTrue(message.contains("GET /v1/users/me/organizations: the description does not mention tag.<key>"),
        message);
    assertTrue(message.contains("POST /v1/organizations/{org}/queues:copy: declares no query parameters"), message);
    assertTrue(message.contains("POST /v1/organizations/{org}/disable: declares no query parameters"), message);
  }

  @Test
  void everyBrokenConventionIsNamed() {
    var idempotencyKey = new JsonObject().put("name", "Idempotency-Key").put("in", "header");
    var ifNoneMatch = new JsonObject().put("name", "If-None-Match").put("in", "header");
    var document = new JsonObject()
        .put("security", new JsonArray().add(new JsonObject().put("bearerAuth", new JsonArray())))
        .put("components", new JsonObject().put("parameters", new JsonObject().put("IdempotencyKey", idempotencyKey)
            .put("IfNoneMatch", ifNoneMatch)))
        .put("paths", new JsonObject()
            .put("/v1/things", new JsonObject().put("post", new JsonObject()
                .put("parameters", new JsonArray()
                    .add(new JsonObject().put("name", "if-none-match").put("in", "header"))
                    .add(new JsonObject().put("$ref", "#/components/parameters/IfNoneMatch")))
                .put("requestBody", new JsonObject().put("content", new JsonObject().put("application/json",
                    new JsonObject())))
                .put("responses", new JsonObject().put("400", new JsonObject().put("description",
                    "Codes: `validation_failed`.")))))
            .put("/v1/auth/open", new JsonObject().put("post", new JsonObject().put("security", new JsonArray())
                .put("responses", new JsonObject())))
            .put("/v1/kept", new JsonObject().put("post", new JsonObject()
                .put("parameters", new JsonArray().add(new JsonObject().put("$ref",
                    "#/components/parameters/IdempotencyKey")))
                .put("responses", new JsonObject()
                    .put("409", new JsonObject().put("description", "Codes: `idempotency_key_in_use`."))
                    .put("422", new JsonObject().put("description", "Codes: `idempotency_key_reused`.")))))
            .put("/v1/things/{id}", new JsonObject()
                .put("parameters", new JsonArray().add(new JsonObject().put("name", "id").put("in", "path")
                    .put("schema", new JsonObject().put("type", "string").put("format", "uuid"))))
                .put("get", new JsonObject().put("responses", new JsonObject().put("400", new JsonObject()
                    .put("description", "Codes: `unknown_parameter` (any query parameter).")))))
            .put("/v1/listed", listing("Codes: `unknown_parameter` (any parameter but `limit`).", "limit", "order"))
            .put("/v1/searched", listing("Codes: `unknown_parameter` (any query parameter).", "q"))
            .put("/v1/ordered", listing("Codes: `invalid_order`, `unknown_parameter` (any parameter but `order` and "
                + "`limit`).", "limit", "order")));
    var failure = assertThrows(AssertionError.class, () -> new OpenApiRoutes(document).assertConventions());
    var message = failure.getMessage();
    assertTrue(message.contains("POST /v1/things: lists header If-None-Match twice"), message);
    assertTrue(message.contains("POST /v1/things: takes no Idempotency-Key"), message);
    assertTrue(message.contains("POST /v1/things: its 409 does not name `idempotency_key_in_use`"), message);
    assertTrue(message.contains("POST /v1/things: its 422 does not name `idempotency_key_reused`"), message);
    assertTrue(message.contains("POST /v1/things: its 400 does not name `malformed_json`"), message);
    assertTrue(message.contains("GET /v1/things/{id}: its 400 does not name `validation_failed`"), message);
    assertFalse(message.contains("/v1/auth/open"), message);
    assertFalse(message.contains("/v1/kept"), message);
    assertTrue(message.contains("GET /v1/listed: its 400 does not name `invalid_order`"), message);
    assertTrue(message.contains("GET /v1/listed: its 400 says [limit] are no unknown parameters, but it takes "
        + "[limit, order]"), message);
    assertTrue(message.contains("GET /v1/searched: its 400 says [] are no unknown parameters, but it takes [q]"),
        message);
    assertFalse(message.contains("/v1/ordered"), message);
  }

  /** A GET taking the query parameters {@code names}, whose 400 is described as {@code refusals}. */
  private static JsonObject listing(String refusals, String... names) {
    var parameters = new JsonArray();
    for (var name : names) {
      parameters.add(new JsonObject().put("name", name).put("in", "query"));
    }
    return new JsonObject().put("get", new JsonObject().put("parameters", parameters).put("responses",
        new JsonObject().put("400", new JsonObject().put("description", refusals))));
  }

  @Test
  void documentKeepsTheApisConventions() {
    OpenApiRoutes.load().assertConventions();
  }

  @Test
  void documentIsOpenApi31AndDescribesItself() {
    var document = OpenApiRoutes.load();
    assertEquals("3.1.0", document.document().getString("openapi"));
    assertTrue(document.documented().contains("GET /openapi.json"));
  }
}
