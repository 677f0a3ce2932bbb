package dev.orgplane.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.testing.OpenApiRoutes;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The API document names 429 {@code rate_limited} on each operation the gateway's stricter per-address bucket
 * throttles: a client reads there what it may be answered. Until session 39 registering and confirming a password
 * reset listed no 429, and sign-in, a new password, an address change and an account's deletion listed one naming
 * only their own throttles.
 */
class PasswordLimitDocumentedTest {

  @Test
  void everyRequestThatHashesAPasswordNamesItsRateLimit() {
    var paths = OpenApiRoutes.load().document().getJsonObject("paths");

    var unnamed = GatewayVerticle.PASSWORD_ROUTES.stream()
        .filter(route -> !paths.getJsonObject(route.path()).getJsonObject(route.method().name().toLowerCase(Locale.ROOT))
            .getJsonObject("responses").getJsonObject("429", new JsonObject()).getString("description", "")
            .contains("`rate_limited`"))
        .map(route -> route.method() + " " + route.path())
        .toList();

    assertEquals(List.of(), unnamed);
  }
}
