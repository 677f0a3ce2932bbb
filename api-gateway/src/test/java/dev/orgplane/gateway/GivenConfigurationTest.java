package dev.orgplane.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.config.ConfigException;
import dev.orgplane.kit.config.ConfigLoader;
import dev.orgplane.kit.config.Settings;
import dev.orgplane.kit.testing.RefusedSettings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

  /** Trusted twice, the platform's issuer stopped the start on a bare "Duplicate key" that named no setting. */
  @Test
  void anExternalIssuerThatIsThePlatformsOwnStopsTheStartNamingTheSetting(Vertx vertx) {
    var own = LOADED.with(new JsonObject().put("ORGPLANE_TRUSTED_ISSUERS", "[{\"issuer\":\"http://gateway.test\","
        + "\"jwksUrl\":\"https://idp.test/jwks\",\"audience\":\"orgplane\"}]"));
    var failure = assertThrows(ConfigException.class, () -> vertx.deployVerticle(new GatewayVerticle(own)).await());
    assertEquals("ORGPLANE_TRUSTED_ISSUERS[0].issuer is ORGPLANE_PUBLIC_URL (http://gateway.test), the platform's own "
        + "issuer: its tokens are org-service's alone", failure.getMessage());
  }

  @Test
  void keysKeptLessThanTheMinimumRefreshIntervalStopTheStart(Vertx vertx) {
    var contradicting = LOADED.with(new JsonObject().put("ORGPLANE_GATEWAY_JWKS_MIN_REFRESH_MILLIS", "5000")
        .put("ORGPLANE_GATEWAY_JWKS_MAX_AGE_MILLIS", "1000"));
    var failure = assertThrows(ConfigException.class,
        () -> vertx.deployVerticle(new GatewayVerticle(contradicting)).await());
    assertEquals("ORGPLANE_GATEWAY_JWKS_MAX_AGE_MILLIS must be at least 5000, got 1000", failure.getMessage());
  }

  /** Vert.x gave both servers one socket, and half the requests at the public door reached /metrics' router. */
  @Test
  void metricsOnTheDoorsAddressStopTheStart(Vertx vertx) {
    var shared = LOADED.with(new JsonObject().put("ORGPLANE_HTTP_PORT", "18497").put("ORGPLANE_METRICS_PORT", "18497"));
    var failure = assertThrows(ConfigException.class, () -> vertx.deployVerticle(new GatewayVerticle(shared)).await());
    assertEquals("ORGPLANE_HTTP_PORT and ORGPLANE_METRICS_PORT are both 18497 on ORGPLANE_HTTP_HOST (127.0.0.1) and "
        + "ORGPLANE_INTERNAL_HOST (127.0.0.1): give each its own port", failure.getMessage());
  }

  /**
   * A host without its scheme stopped the start with vertx-web's words, naming neither setting nor value; {@code *}
   * and an origin with a path started a gateway that refused every origin (403 cors_origin_refused).
   */
  @ParameterizedTest
  @ValueSource(strings = {"app.example.com", "https://a.example/path", "https://a.example/?q", "https://a.example#top",
      "https://user@a.example", "https://a.example:port", "localhost:3000"})
  void aCorsOriginThatIsNoOriginStopsTheStartNamingIt(String entry, Vertx vertx) {
    var configured = LOADED.with(new JsonObject().put("ORGPLANE_CORS_ORIGINS", "https://app.example, " + entry));
    var failure = assertThrows(ConfigException.class,
        () -> vertx.deployVerticle(new GatewayVerticle(configured)).await());
    assertEquals("ORGPLANE_CORS_ORIGINS: '" + entry + "' is not an origin, scheme://host[:port] with no path "
        + "(https://app.example.com)", failure.getMessage());
    assertEquals(failure.getMessage(),
        assertThrows(ConfigException.class, () -> GatewayVerticle.checkSettings(configured)).getMessage(),
        "checked before a launcher makes its database");
  }

  /** Which of X-Forwarded-Proto and -Host the trusted proxies set: a word that names neither is no guess at one. */
  @Test
  void proxyHeadersThatAreNeitherProtoNorHostStopTheStartNamingTheSetting(Vertx vertx) {
    var configured = LOADED.with(new JsonObject().put("ORGPLANE_TRUSTED_PROXIES", "10.0.0.0/8")
        .put("ORGPLANE_TRUSTED_PROXY_HEADERS", "proto, X-Forwarded-Host"));
    var failure = assertThrows(ConfigException.class,
        () -> vertx.deployVerticle(new GatewayVerticle(configured)).await());
    assertEquals("ORGPLANE_TRUSTED_PROXY_HEADERS: 'X-Forwarded-Host' is neither proto nor host: name those the trusted "
        + "proxies set, or none", failure.getMessage());
    assertEquals(failure.getMessage(),
        assertThrows(ConfigException.class, () -> GatewayVerticle.checkSettings(configured)).getMessage(),
        "checked before a launcher makes its database");
  }

  /** Believed only from a trusted proxy, X-Forwarded-Proto and -Host named with none were ignored, unsaid. */
  @Test
  void proxyHeadersWithNoTrustedProxyStopTheStartNamingBothSettings(Vertx vertx) {
    var configured = LOADED.with(new JsonObject().put("ORGPLANE_TRUSTED_PROXY_HEADERS", "proto,host"));
    var failure = assertThrows(ConfigException.class,
        () -> vertx.deployVerticle(new GatewayVerticle(configured)).await());
    assertEquals("ORGPLANE_TRUSTED_PROXY_HEADERS is 'proto,host' but ORGPLANE_TRUSTED_PROXIES names no proxy: the "
        + "gateway believes X-Forwarded-Proto and -Host only from a trusted proxy; name the proxies, or set "
        + "ORGPLANE_TRUSTED_PROXY_HEADERS to none", failure.getMessage());
    assertEquals(failure.getMessage(),
        assertThrows(ConfigException.class, () -> GatewayVerticle.checkSettings(configured)).getMessage(),
        "checked before a launcher makes its database");
  }

  @Test
  void anyOriginStopsTheStartSayingWhy(Vertx vertx) {
    var configured = LOADED.with(new JsonObject().put("ORGPLANE_CORS_ORIGINS", "*"));
    var failure = assertThrows(ConfigException.class,
        () -> vertx.deployVerticle(new GatewayVerticle(configured)).await());
    assertEquals("ORGPLANE_CORS_ORIGINS: '*' is not supported, name each origin as scheme://host[:port]: requests to "
        + "the API carry credentials (Authorization), which only origins named may send", failure.getMessage());
  }

  /** Its scheme is none vertx-web's CORS handler can allow. */
  @Test
  void anOriginOfAnUnknownSchemeStopsTheStartNamingTheSetting(Vertx vertx) {
    var configured = LOADED.with(new JsonObject().put("ORGPLANE_CORS_ORIGINS", "capacitor://localhost"));
    var failure = assertThrows(ConfigException.class,
        () -> vertx.deployVerticle(new GatewayVerticle(configured)).await());
    assertTrue(failure.getMessage().startsWith("ORGPLANE_CORS_ORIGINS: 'capacitor://localhost' holds an origin the "
        + "gateway cannot allow: "), failure.getMessage());
  }

  /**
   * Each used to start a gateway that refused every request (a burst of 0, a body limit of -1), told clients to
   * retry in 2^63 s (a rate of 0), or to fail with a library's words naming no setting.
   */
  @Test
  void aSettingOutOfRangeStopsTheStartNamingIt(Vertx vertx) {
    for (var rate : List.of("0", "lots", "-1", "NaN")) {
      assertStopsTheStart(vertx, Map.of("ORGPLANE_RATE_LIMIT_PER_SECOND", rate));
    }
    for (var bodyLimit : List.of("-1", "0", "2147483648")) {
      assertStopsTheStart(vertx, Map.of("ORGPLANE_BODY_LIMIT_BYTES", bodyLimit));
    }
    assertStopsTheStart(vertx, Map.of("ORGPLANE_GATEWAY_JWKS_MIN_REFRESH_MILLIS", "86400001"));
    for (var probePeriod : List.of("-1", "99", "60001")) {
      assertStopsTheStart(vertx, Map.of("ORGPLANE_GATEWAY_READY_PROBE_MILLIS", probePeriod));
    }
    for (var sitePrefix : List.of("47", "64")) {
      assertStopsTheStart(vertx, Map.of("ORGPLANE_PASSWORD_RATE_LIMIT_SITE_PREFIX", sitePrefix));
    }
    assertStopsTheStart(vertx, Map.of("ORGPLANE_RATE_LIMIT_BURST", "0", "ORGPLANE_HTTP_PORT", "70000",
        "ORGPLANE_METRICS_PORT", "65536", "ORGPLANE_GATEWAY_IDLE_TIMEOUT_SECONDS", "-1",
        "ORGPLANE_GATEWAY_UPSTREAM_CONNECTIONS", "0", "ORGPLANE_GATEWAY_QUARANTINE_MILLIS", "9223372036854775807",
        "ORGPLANE_GATEWAY_JWKS_MIN_REFRESH_MILLIS", "0", "ORGPLANE_GATEWAY_BODY_TIMEOUT_MILLIS", "0"));
  }

  private static void assertStopsTheStart(Vertx vertx, Map<String, String> refused) {
    RefusedSettings.assertEachStopsTheStart(refused, setting -> () -> vertx.deployVerticle(new GatewayVerticle(
        LOADED.with(new JsonObject().put(setting.getKey(), setting.getValue())))).await());
  }
}
