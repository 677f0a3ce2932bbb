package dev.orgplane.engine;

import dev.orgplane.kit.testing.OpenApiRoutes;
import io.vertx.core.Vertx;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The OpenAPI document says what the engine answers under /v1/provisioning, no more and no less. */
class OpenApiRoutesTest {

  private static final Vertx VERTX = Vertx.vertx();

  @AfterAll
  static void stop() {
    VERTX.close().await();
  }

  @Test
  void everyRouteIsDocumentedAndEveryDocumentedRouteExists() {
    var engine = EngineHarness.start(VERTX);
    OpenApiRoutes.load().assertMatches(engine.router(), List.of("/v1/provisioning/"), List.of());
  }
}
