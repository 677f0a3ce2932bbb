package dev.orgplane.org;

import dev.orgplane.kit.testing.OpenApiRoutes;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The OpenAPI document says what org-service answers, no more and no less. The document also covers
 * the provisioning engine (checked by its own module) and {@code /openapi.json} (the gateway's).
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiRoutesTest {

  private static final List<String> ENGINE_AND_GATEWAY = List.of("/v1/provisioning/", "/openapi.json");
  /** RFC 6749 (3.1, 3.2) has an authorization server ignore parameters it does not recognize. */
  private static final List<String> OAUTH_ENDPOINTS = List.of("/v1/auth/token", "/v1/auth/revoke");

  private OrgServiceVerticle service;

  @BeforeAll
  void deploy(Vertx vertx) {
    // Deployed here rather than through OrgServiceHarness, which does not hand out its verticle.
    service = new OrgServiceVerticle(new JsonObject()
        .put("ORGPLANE_PG_URL", PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS).toString())
        .put("ORGPLANE_ORG_SERVICE_PORT", "0")
        .put("ORGPLANE_PG_POOL_SIZE", "2")
        .put("ORGPLANE_ADMIN_EMAIL", OrgServiceHarness.ADMIN_EMAIL)
        .put("ORGPLANE_ADMIN_PASSWORD", OrgServiceHarness.ADMIN_PASSWORD)
        .put("ORGPLANE_PASSWORD_HASH_COST", String.valueOf(OrgServiceHarness.PASSWORD_HASH_COST)));
    vertx.deployVerticle(service).await();
  }

  @Test
  void everyRouteIsDocumentedAndEveryDocumentedRouteExists() {
    OpenApiRoutes.load().assertMatches(service.router(), List.of("/"), ENGINE_AND_GATEWAY);
  }

  /**
   * Every route of the API but the OAuth endpoints says which query parameters it reads, and the document lists
   * exactly those, so a client or a fuzzer working from the document sends nothing a route refuses, and a route
   * reads nothing undocumented.
   */
  @Test
  void everyQueryParameterARouteReadsIsDocumentedAndNoOther() {
    OpenApiRoutes.load().assertQueryParameters(service.router(), List.of("/v1/"),
        Stream.concat(ENGINE_AND_GATEWAY.stream(), OAUTH_ENDPOINTS.stream()).toList());
  }
}
