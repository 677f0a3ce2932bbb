package dev.orgplane.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.config.ConfigException;
import dev.orgplane.kit.config.Settings;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Standalone's own address, its public URL unless one is configured, and whether only this machine reaches it. */
class StandaloneCommandTest {

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
}
