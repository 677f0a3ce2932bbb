package dev.orgplane.kit.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.http.QueryParameters;
import io.vertx.core.Vertx;
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
  void documentIsOpenApi31AndDescribesItself() {
    var document = OpenApiRoutes.load();
    assertEquals("3.1.0", document.document().getString("openapi"));
    assertTrue(document.documented().contains("GET /openapi.json"));
  }
}
