package dev.orgplane.gateway;

import static dev.orgplane.gateway.GatewayTest.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.http.ProblemFailureHandler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

  private static int serve(Vertx vertx, String origins) {
    var router = Router.router(vertx);
    ProblemFailureHandler.install(router);
    Cors.handler(origins).ifPresent(cors -> router.route().handler(cors));
    router.route().handler(ctx -> ctx.response().end("through"));
    return vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await().actualPort();
  }
}
