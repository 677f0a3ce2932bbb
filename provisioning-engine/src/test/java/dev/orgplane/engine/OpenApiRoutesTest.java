package dev.orgplane.engine;

import dev.orgplane.kit.testing.OpenApiRoutes;
import io.vertx.core.Vertx;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The OpenAPI document says what the engine answers under /v1/provisioning, no more and no less. */
class OpenApiRoutesTest {

  private static final List<String> ENGINE = List.of("/v1/provisioning/");
  private static final Vertx VERTX = Vertx.vertx();
  private static EngineHarness engine;

  @BeforeAll
  static void start() {
    engine = EngineHarness.start(VERTX);
  }

  @AfterAll
  static void stop() {
    VERTX.close().await();
  }

  @Test
  void everyRouteIsDocumentedAndEveryDocumentedRouteExists() {
    OpenApiRoutes.load().assertMatches(engine.router(), ENGINE, List.of());
  }

  /**
   * Every route of the engine says which query parameters it reads, and the document lists exactly those, so a client
   * working from the document sends nothing a route refuses, and a route reads nothing undocumented.
   */
  @Test
  void everyQueryParameterARouteReadsIsDocumentedAndNoOther() {
    OpenApiRoutes.load().assertQueryParameters(engine.router(), ENGINE, List.of());
  }
}
