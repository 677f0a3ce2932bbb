package dev.orgplane.engine;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;

import dev.orgplane.kit.testing.Eventually;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's start and stop as its callers see them: ready once it can do its work (its database answers, and it
 * has org-service's keys), and while it stops, answering what comes during its notice as it did before.
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
    var engine = EngineHarness.relayed(vertx, new JsonObject());
    try {
      engine.relay.cut();
      assertProblem(engine.get("/health/ready", null), 503, "not_ready");

      engine.relay.restore();
      Eventually.holds(() -> engine.get("/health/ready", null).statusCode() == 200,
          "the engine never became ready once org-service's keys could be fetched");
    } finally {
      engine.relay.close();
    }
  }
}
