package dev.orgplane.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.config.Settings;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Standalone's own address, its public URL unless one is configured. */
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
}
