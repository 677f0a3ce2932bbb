package dev.orgplane.org;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.orgplane.kit.metrics.Metrics;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An org-service whose start fails after its outboxes started (mail, then hooks) stops them: their gauges are the
 * process's meter registry's, which outlives the verticle, where a launcher may try again.
 */
class FailedStartTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void aStartOnATakenPortLeavesNoOutboxGauge() throws Exception {
    try (var taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThrows(Exception.class, () -> start(new JsonObject()
          .put("ORGPLANE_INTERNAL_HOST", "127.0.0.1")
          .put("ORGPLANE_ORG_SERVICE_PORT", Integer.toString(taken.getLocalPort()))));
    }
    assertNoGauge("mail");
    assertNoGauge("hook_deliveries");
  }

  /** The hooks' CA file is read as their dispatcher is made, after mail's outbox started. */
  @Test
  void aStartWithAnUnreadableHooksCaFileLeavesNoOutboxGauge() {
    assertThrows(Exception.class, () -> start(new JsonObject().put("ORGPLANE_HOOKS_CA_FILE", "/nonexistent/ca.pem")));
    assertNoGauge("mail");
  }

  private void start(JsonObject settings) {
    OrgServiceHarness.start(vertx, PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS), settings);
  }

  private static void assertNoGauge(String outbox) {
    assertNull(Metrics.registry().find("orgplane_outbox_backlog").tag("outbox", outbox).gauge(),
        "the org-service that failed to start left the gauge of its outbox " + outbox);
  }
}
