package dev.orgplane.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.testing.OpenApiRoutes;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The API document lists a 429 on each operation the gateway's stricter per-address bucket throttles: a client reads
 * there what it may be answered. Until session 39 registering and confirming a password reset listed none.
 */
class PasswordLimitDocumentedTest {

  @Test
  void everyRequestThatHashesAPasswordListsItsRateLimit() {
    var paths = OpenApiRoutes.load().document().getJsonObject("paths");

    var unlisted = GatewayVerticle.PASSWORD_ROUTES.stream()
        .filter(route -> !paths.getJsonObject(route.path()).getJsonObject(route.method().name().toLowerCase(Locale.ROOT))
            .getJsonObject("responses").containsKey("429"))
        .map(route -> route.method() + " " + route.path())
        .toList();

    assertEquals(List.of(), unlisted);
  }
}
