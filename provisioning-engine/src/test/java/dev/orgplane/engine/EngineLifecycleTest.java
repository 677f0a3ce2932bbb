package dev.orgplane.engine;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.metrics.Metrics;
import dev.orgplane.kit.testing.Eventually;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's start and stop as its callers see them: ready once it can do its work (its database answers, it has
 * org-service's keys and has read the revoked tokens, see StaleRevocationsTest), and while it stops, answering what
 * comes during its notice as it did before; one whose start fails leaves nothing running.
 */
class EngineLifecycleTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  /** Without org-service's signing keys every token sent to the engine is refused: a load balancer must wait. */
  @Test
  void theEngineIsNotReadyUntilItHasOrgServicesSigningKeys() throws InterruptedException {
    var direct = EngineHarness.start(vertx);
    var relay = CountingRelay.start(vertx, direct.org.port());
    relay.refuse("/.well-known/jwks.json", 503);
    var engine = direct.startingThrough(vertx, relay.port(), new JsonObject()
        .put("ORGPLANE_REVOCATION_RELOAD_MILLIS", "200"));
    // reads go one at a time: a second asked for means the first was answered, so the revoked tokens are known
    Eventually.holds(() -> relay.count("GET", "/v1/token-revocations") >= 2, "the engine never read the revocations");
    assertProblem(engine.get("/health/ready", null), 503, "not_ready");

    relay.passAll();
    Eventually.holds(() -> engine.get("/health/ready", null).statusCode() == 200,
        "the engine never became ready once org-service's keys could be fetched");
  }

  /**
   * An engine whose start fails at its last step (its port taken, here) leaves nothing of it running in the process,
   * where a launcher may try again: no timer reads the revoked tokens (Vert.x cancels a failed deployment's timers),
   * and its outbox's gauge is gone (the engine stops its outbox, which the process's meter registry outlives).
   */
  @Test
  void anEngineWhoseStartFailsLeavesNothingRunning() throws Exception {
    var direct = EngineHarness.start(vertx);
    var relay = CountingRelay.start(vertx, direct.org.port());
    direct.undeploy(vertx);
    try (var taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThrows(Exception.class, () -> direct.startingThrough(vertx, relay.port(), new JsonObject()
          .put("ORGPLANE_REVOCATION_RELOAD_MILLIS", "200")
          .put("ORGPLANE_ENGINE_PORT", Integer.toString(taken.getLocalPort()))));
    }
    assertTrue(relay.count("GET", "/v1/token-revocations") >= 1, "the start read the revoked tokens first");
    // a read sent as the start failed may reach the relay a moment later; one that reads on sends one every 200 ms
    Thread.sleep(500);
    var reads = relay.count("GET", "/v1/token-revocations");
    Thread.sleep(1000);
    assertEquals(reads, relay.count("GET", "/v1/token-revocations"), "the engine that failed to start reads on");
    assertNull(Metrics.registry().find("orgplane_outbox_backlog").tag("outbox", "job_end_reports").gauge(),
        "the engine that failed to start left its outbox's gauge");
  }

  /**
   * A token whose key the engine must fetch (none was fetched yet: the first token it sees) still passes during the
   * notice: the key client lives until the drain ends. It was closed before the notice: a 500 (Client is closed).
   */
  @Test
  void aTokenNeedingItsKeyFetchedDuringTheNoticeIsVerified() throws Exception {
    var engine = EngineHarness.start(vertx, new JsonObject().put("ORGPLANE_SHUTDOWN_NOTICE_MILLIS", "3000"));
    var token = engine.org.platformAdminToken();
    var stopped = CompletableFuture.runAsync(() -> engine.undeploy(vertx), task -> new Thread(task).start());
    Eventually.holds(() -> engine.get("/health/ready", null).statusCode() == 503, "the engine never gave notice");

    var answer = engine.get("/v1/provisioning/jobs", token);
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    stopped.get(30, TimeUnit.SECONDS);
  }

  /** No notice and no grace (both in range) stop at once: the wait for the pages in flight asked for a 0 ms timer. */
  @Test
  void anEngineWithNoNoticeAndNoGraceStops() {
    var engine = EngineHarness.start(vertx, new JsonObject().put("ORGPLANE_SHUTDOWN_NOTICE_MILLIS", "0")
        .put("ORGPLANE_SHUTDOWN_GRACE_SECONDS", "0"));
    engine.undeploy(vertx); // throws if the stop failed
  }
}
