package dev.orgplane.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.orgplane.kit.auth.TrustedIssuer;
import dev.orgplane.kit.config.ConfigException;
import dev.orgplane.kit.config.ConfigLoader;
import dev.orgplane.kit.config.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Standalone's own address, its public URL unless one is configured, whether only this machine reaches it, and the
 * settings it refuses before it starts anything.
 */
class StandaloneCommandTest {

  /** The defaults, with what standalone sets for its services before it checks them. */
  private static final Settings SERVICES = new Settings(ConfigLoader.defaults()).with(new JsonObject()
      .put("ORGPLANE_PUBLIC_URL", "http://localhost:8080")
      .put("ORGPLANE_ORG_SERVICE_URL", "http://127.0.0.1:8081").put("ORGPLANE_ENGINE_URL", "http://127.0.0.1:8082")
      .put("ORGPLANE_ENGINE_CLIENT_SECRET", "s3cret"));

  @Test
  void theGatewayUrlNamesItsPort() {
    assertEquals("http://localhost:18080",
        StandaloneCommand.gatewayUrl(new Settings(new JsonObject().put("ORGPLANE_HTTP_PORT", "18080"))));
  }

  @Test
  void theGatewayUrlIsHttpsWithACertificate() {
    assertEquals("https://localhost:18443", StandaloneCommand.gatewayUrl(new Settings(new JsonObject()
        .put("ORGPLANE_HTTP_PORT", "18443").put("ORGPLANE_TLS_CERT_FILE", "/etc/orgplane/cert.pem"))));
  }

  /** 0, a free port to a gateway alone, leaves standalone no address to print or to name as its public URL. */
  @Test
  void theGatewayUrlNeedsAPortItCanBeReachedOn() {
    var failure = assertThrows(ConfigException.class,
        () -> StandaloneCommand.gatewayUrl(new Settings(new JsonObject().put("ORGPLANE_HTTP_PORT", "0"))));
    assertEquals("ORGPLANE_HTTP_PORT must be 1 to 65535, got 0", failure.getMessage());
  }

  /** As for every key ({@code Settings.has}); the command line's value, blank or not, hides the environment's. */
  @Test
  void aBlankValueIsNotGiven() {
    var key = "ORGPLANE_PUBLIC_URL";
    var url = "https://orgplane.example";
    assertFalse(StandaloneCommand.given(key, Map.of(), Map.of()));
    assertFalse(StandaloneCommand.given(key, Map.of(key, ""), Map.of()));
    assertFalse(StandaloneCommand.given(key, Map.of(), Map.of(key, " ")));
    assertFalse(StandaloneCommand.given(key, Map.of(key, ""), Map.of(key, url)));
    assertTrue(StandaloneCommand.given(key, Map.of(), Map.of(key, url)));
    assertTrue(StandaloneCommand.given(key, Map.of(key, url), Map.of(key, "")));
  }

  @Test
  void anIpv6InternalHostIsBracketedInTheServicesUrls() {
    for (var host : List.of("::1", "fd00::5", "[::1]")) {
      var url = URI.create("http://" + StandaloneCommand.urlHost(host) + ":8081");
      assertEquals(host.startsWith("[") ? host : "[" + host + "]", url.getHost(), host);
      assertEquals(8081, url.getPort(), host);
    }
    for (var host : List.of("127.0.0.1", "localhost")) {
      assertEquals(host, URI.create("http://" + StandaloneCommand.urlHost(host) + ":8081").getHost(), host);
    }
  }

  @Test
  void onlyAGatewayOnLoopbackCountsAsThisMachinesAlone() {
    for (var host : List.of("127.0.0.1", "localhost", "::1", "127.0.0.2")) {
      assertTrue(StandaloneCommand.loopbackOnly(host), host);
    }
    for (var host : List.of("0.0.0.0", "::", "192.168.1.10")) {
      assertFalse(StandaloneCommand.loopbackOnly(host), host);
    }
  }

  @Test
  void theDefaultsAreAccepted() {
    StandaloneCommand.checkSettings(SERVICES);
  }

  /**
   * Vert.x shares one socket between servers given the same host and port: the gateway and org-service both started,
   * and every other public request reached org-service past the gateway's rate limits and CORS.
   */
  @Test
  void theDoorOnOrgServicesAddressIsRefusedNamingBoth() {
    assertRefused("ORGPLANE_HTTP_PORT and ORGPLANE_ORG_SERVICE_PORT are both 18431 on ORGPLANE_HTTP_HOST (127.0.0.1) "
        + "and ORGPLANE_INTERNAL_HOST (127.0.0.1): give each its own port", Map.of("ORGPLANE_HTTP_HOST", "127.0.0.1",
        "ORGPLANE_HTTP_PORT", "18431", "ORGPLANE_ORG_SERVICE_PORT", "18431"));
  }

  @Test
  void orgServiceAndTheEngineOnOnePortAreRefused() {
    assertRefused("ORGPLANE_ORG_SERVICE_PORT and ORGPLANE_ENGINE_PORT are both 8081 on ORGPLANE_INTERNAL_HOST "
        + "(127.0.0.1) and ORGPLANE_INTERNAL_HOST (127.0.0.1): give each its own port",
        Map.of("ORGPLANE_ENGINE_PORT", "8081"));
  }

  @Test
  void metricsOnTheDoorsAddressAreRefused() {
    assertRefused("ORGPLANE_HTTP_PORT and ORGPLANE_METRICS_PORT are both 8080 on ORGPLANE_HTTP_HOST (localhost) and "
        + "ORGPLANE_INTERNAL_HOST (127.0.0.1): give each its own port",
        Map.of("ORGPLANE_HTTP_HOST", "localhost", "ORGPLANE_METRICS_PORT", "8080"));
  }

  /** A wildcard takes the port on every address: the second server failed to bind, after initdb. */
  @Test
  void aWildcardHostOverlapsEveryOther() {
    assertRefused("ORGPLANE_HTTP_PORT and ORGPLANE_ENGINE_PORT are both 8082 on ORGPLANE_HTTP_HOST (0.0.0.0) and "
        + "ORGPLANE_INTERNAL_HOST (127.0.0.1): give each its own port", Map.of("ORGPLANE_HTTP_PORT", "8082"));
  }

  /** Started first, the embedded server took the port, and the service on it failed to bind after initdb. */
  @Test
  void theEmbeddedDatabaseOnAServicesPortIsRefusedNamingBoth() {
    assertRefused("ORGPLANE_HTTP_PORT and ORGPLANE_EMBEDDED_PG_PORT are both 8080 on ORGPLANE_HTTP_HOST (0.0.0.0) and "
        + "the embedded PostgreSQL (127.0.0.1): give each its own port", Map.of("ORGPLANE_EMBEDDED_PG_PORT", "8080"));
    assertRefused("ORGPLANE_ORG_SERVICE_PORT and ORGPLANE_EMBEDDED_PG_PORT are both 8081 on ORGPLANE_INTERNAL_HOST "
        + "(127.0.0.1) and the embedded PostgreSQL (127.0.0.1): give each its own port",
        Map.of("ORGPLANE_EMBEDDED_PG_PORT", "8081"));
  }

  /** On another database no embedded server listens: its port setting takes none. */
  @Test
  void theEmbeddedDatabasesPortIsFreeWithAnotherDatabase() {
    StandaloneCommand.checkSettings(services(Map.of("ORGPLANE_EMBEDDED_PG_PORT", "8081",
        "ORGPLANE_PG_URL", "postgresql://orgplane@db.example:5432/orgplane")));
    StandaloneCommand.checkSettings(services(Map.of("ORGPLANE_EMBEDDED_PG_PORT", "8083")));
  }

  @Test
  void onePortOnTwoAddressesIsAccepted() {
    StandaloneCommand.checkSettings(SERVICES.with(new JsonObject().put("ORGPLANE_HTTP_HOST", "127.0.0.2")
        .put("ORGPLANE_HTTP_PORT", "8081").put("ORGPLANE_METRICS_PORT", "0").put("ORGPLANE_ENGINE_PORT", "8083")));
  }

  @Test
  void oneSocketForBothServicesIsRefused() {
    assertRefused("ORGPLANE_ORG_SERVICE_SOCKET and ORGPLANE_ENGINE_SOCKET are both /tmp/orgplane/./services.sock: "
        + "give each its own path", Map.of("ORGPLANE_ORG_SERVICE_SOCKET", "/tmp/orgplane/./services.sock",
        "ORGPLANE_ENGINE_SOCKET", "/tmp/orgplane/services.sock"));
  }

  /** The embedded server's 200 connections were exhausted under load ("too many clients"), not refused at start. */
  @Test
  void poolsTheEmbeddedDatabaseCannotHoldAreRefused() {
    var pools = Map.of("ORGPLANE_PG_POOL_SIZE", "64", "ORGPLANE_ORG_SERVICE_EVENT_LOOPS", "2",
        "ORGPLANE_ENGINE_EVENT_LOOPS", "2");
    assertRefused("ORGPLANE_PG_POOL_SIZE 64 x (ORGPLANE_ORG_SERVICE_EVENT_LOOPS 2 + ORGPLANE_ENGINE_EVENT_LOOPS 2) is "
        + "256 connections, more than the embedded PostgreSQL's 190 (200 less 10 kept for the admin command and psql): "
        + "lower them, or set ORGPLANE_PG_URL to a server that takes more", pools);
    StandaloneCommand.checkSettings(services(pools).with(new JsonObject().put("ORGPLANE_PG_POOL_SIZE", "47")));
    StandaloneCommand.checkSettings(services(pools).with(new JsonObject()
        .put("ORGPLANE_PG_URL", "postgresql://orgplane@db.example:5432/orgplane")));
  }

  /**
   * Every number and switch of the defaults file, and every file, path and list with a value of the wrong shape, is
   * refused by the check standalone makes before it unpacks and initialises its database, naming its setting: read by
   * a service's start alone, a mistake stopped it only after initdb, migrations and the platform admin (49 s). A
   * setting added to the defaults file is covered by this test without a word.
   */
  @Test
  void everySettingOutOfItsRangeIsRefusedBeforeTheDatabase(@TempDir Path dir) throws IOException {
    var readable = Files.writeString(dir.resolve("readable.pem"), "not a certificate").toString();
    var missing = dir.resolve("missing").toString();
    var wrong = new ArrayList<Map<String, String>>();
    ConfigLoader.defaults().forEach(entry -> {
      var given = String.valueOf(entry.getValue());
      if (given.matches("-?\\d+")) {
        wrong.add(Map.of(entry.getKey(), "-1"));
        wrong.add(Map.of(entry.getKey(), "many"));
      } else if (given.equals("true") || given.equals("false")) {
        wrong.add(Map.of(entry.getKey(), "maybe"));
      }
    });
    // numbers and shapes whose default is blank (unset), or not a number
    List.of("ORGPLANE_METRICS_PORT", "ORGPLANE_EMBEDDED_PG_PORT").forEach(port -> wrong.add(Map.of(port, "-1")));
    wrong.add(Map.of("ORGPLANE_ENGINE_CLIENT_ID", "engine"));
    wrong.add(Map.of("ORGPLANE_TRUSTED_ISSUERS", "[\"https://idp.example\"]"));
    wrong.add(Map.of("ORGPLANE_TRUSTED_PROXIES", "proxy.example/99"));
    wrong.add(Map.of("ORGPLANE_TRUSTED_PROXY_HEADERS", "x-forwarded-host"));
    // a setting that counts only beside another: headers believed only from trusted proxies, with none named
    wrong.add(Map.of("ORGPLANE_TRUSTED_PROXY_HEADERS", "proto"));
    wrong.add(Map.of("ORGPLANE_ROUTES", "not a route"));
    wrong.add(Map.of("ORGPLANE_HOOKS_CA_FILE", missing));
    wrong.add(Map.of("ORGPLANE_HOOKS_CA_FILE", dir.toString()));
    wrong.add(Map.of("ORGPLANE_PLUGINS_DIR", missing));
    wrong.add(Map.of("ORGPLANE_TLS_CERT_FILE", missing, "ORGPLANE_TLS_KEY_FILE", readable));
    wrong.add(Map.of("ORGPLANE_TLS_KEY_FILE", missing, "ORGPLANE_TLS_CERT_FILE", readable));
    var accepted = new ArrayList<String>();
    for (var settings : wrong) {
      var key = settings.keySet().stream().filter(k -> !settings.get(k).equals(readable)).findFirst().orElseThrow();
      try {
        StandaloneCommand.checkSettings(services(settings));
        accepted.add(key + "=" + settings.get(key) + " accepted");
      } catch (ConfigException refused) {
        if (!refused.getMessage().contains(key)) {
          accepted.add(key + "=" + settings.get(key) + " refused without naming it: " + refused.getMessage());
        }
      }
    }
    assertEquals(List.of(), accepted);
  }

  /**
   * An external issuer whose keys travel in clear by its entry's leave is warned of by the starts that fetch them:
   * standalone's check of every service's settings first warned of it twice more (org-service's and the gateway's).
   */
  @Test
  void theCheckOfTheSettingsWarnsOfNothing() {
    var setting = "[{\"issuer\":\"https://idp.test\",\"jwksUrl\":\"http://idp.auth.svc/jwks\","
        + "\"audience\":\"orgplane\",\"insecureJwks\":true}]";
    var issuers = (Logger) LoggerFactory.getLogger(TrustedIssuer.class);
    var logged = new ListAppender<ILoggingEvent>();
    logged.start();
    issuers.addAppender(logged);
    var vertx = Vertx.vertx();
    try {
      StandaloneCommand.checkSettings(services(Map.of("ORGPLANE_TRUSTED_ISSUERS", setting)));
      assertEquals(List.of(), logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
      TrustedIssuer.external(vertx, setting, SERVICES.string("ORGPLANE_PUBLIC_URL"));
    } finally {
      issuers.detachAppender(logged);
      vertx.close().await();
    }
    assertEquals(1, logged.list.size(), "the start's warning");
    assertEquals(Level.WARN, logged.list.get(0).getLevel());
  }

  private static void assertRefused(String message, Map<String, String> settings) {
    var failure = assertThrows(ConfigException.class,
        () -> StandaloneCommand.checkSettings(services(settings)));
    assertEquals(message, failure.getMessage());
  }

  private static Settings services(Map<String, String> settings) {
    var given = new JsonObject();
    settings.forEach(given::put);
    return SERVICES.with(given);
  }
}
