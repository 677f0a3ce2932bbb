package dev.orgplane.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.config.Settings;
import io.vertx.core.json.JsonObject;
import java.util.List;
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
