package dev.orgplane.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.config.ConfigException;
import dev.orgplane.kit.config.ConfigLoader;
import dev.orgplane.kit.config.Settings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A gateway handed the configuration its launcher loaded (to count its instances) does not load it again, and stops
 * its start on settings it cannot keep.
 */
@ExtendWith(VertxExtension.class)
class GivenConfigurationTest {

  private static final Settings LOADED = new Settings(ConfigLoader.defaults()).with(new JsonObject()
      .put("ORGPLANE_HTTP_HOST", "127.0.0.1").put("ORGPLANE_HTTP_PORT", "0")
      .put("ORGPLANE_ORG_SERVICE_URL", "http://127.0.0.1:9").put("ORGPLANE_PUBLIC_URL", "http://gateway.test"));

  @Test
  void everyInstanceStartsOnTheConfigurationItWasGiven(Vertx vertx) {
    var instances = new java.util.concurrent.CopyOnWriteArrayList<GatewayVerticle>();
    vertx.deployVerticle(() -> {
      var gateway = new GatewayVerticle(LOADED);
      instances.add(gateway);
      return gateway;
    }, new DeploymentOptions().setInstances(2)).await();
    var client = WebClient.create(vertx);
    for (var gateway : instances) {
      assertEquals(200, client.get(gateway.port(), "127.0.0.1", "/openapi.json").send().await().statusCode());
    }
  }

  /** Loaded again, the defaults would have filled in the key the given configuration lacks. */
  @Test
  void whatTheGivenConfigurationLacksIsNotLookedUpAgain(Vertx vertx) {
    var lacking = LOADED.asJson();
    lacking.remove("ORGPLANE_GATEWAY_QUARANTINE_MILLIS");
    var failure = assertThrows(ConfigException.class,
        () -> vertx.deployVerticle(new GatewayVerticle(new Settings(lacking))).await());
    assertEquals("ORGPLANE_GATEWAY_QUARANTINE_MILLIS is not set", failure.getMessage());
  }

  @Test
  void keysKeptLessThanTheMinimumRefreshIntervalStopTheStart(Vertx vertx) {
    var contradicting = LOADED.with(new JsonObject().put("ORGPLANE_GATEWAY_JWKS_MIN_REFRESH_MILLIS", "5000")
        .put("ORGPLANE_GATEWAY_JWKS_MAX_AGE_MILLIS", "1000"));
    var failure = assertThrows(ConfigException.class,
        () -> vertx.deployVerticle(new GatewayVerticle(contradicting)).await());
    assertTrue(failure.getMessage().startsWith("ORGPLANE_GATEWAY_JWKS_MIN_REFRESH_MILLIS must be at least 1 and at "
        + "most ORGPLANE_GATEWAY_JWKS_MAX_AGE_MILLIS"), failure.getMessage());
  }
}
