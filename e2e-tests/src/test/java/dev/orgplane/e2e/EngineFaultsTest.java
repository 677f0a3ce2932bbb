package dev.orgplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Engines die mid-batch (kill -9) and org-service restarts under the engine: the work still completes, once. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EngineFaultsTest {

  private Platform platform;
  private Gateway gateway;
  private GroupTemplate template;

  @BeforeAll
  void startPlatform() {
    platform = Platform.start(PgFixture.freshDatabase(), 2);
    gateway = new Gateway(platform.baseUrl());
    template = GroupTemplate.build(gateway, platform, 4);
  }

  @AfterAll
  void stopPlatform() {
    if (platform != null) {
      platform.close();
    }
  }

  @Test
  void killingAnEngineMidBatchLosesNothingAndDuplicatesNothing() {
    var batch = template.provision(gateway, "survivor", 30, 4);
    var path = "/v1/provisioning/batches/" + batch.getString("id");
    awaitSucceeded(path, 3);
    platform.process(platform.enginePort).kill();
    platform.startEngine(Platform.freePort());
    var ended = template.awaitEnd(gateway, path, 240_000);
    assertEquals("succeeded", ended.getString("status"), ended.encodePrettily());
    assertEquals(30, ended.getJsonObject("counts").getLong("succeeded"));
    for (var raw : template.jobs(gateway, batch.getString("id"))) {
      var diff = template.diff(gateway, ((JsonObject) raw).getString("targetOrganization"));
      assertTrue(diff.getBoolean("inSync"), "no object missing, none twice: " + diff.encodePrettily());
    }
  }

  private void awaitSucceeded(String path, int count) {
    var deadline = System.currentTimeMillis() + 120_000;
    while (System.currentTimeMillis() < deadline) {
      var batch = gateway.get(path, template.adminToken()).json();
      if (batch.getJsonObject("counts").getLong("succeeded") >= count) {
        assertTrue(batch.getJsonObject("counts").getLong("succeeded") < 30, "the kill must land mid-batch");
        return;
      }
      GroupTemplate.sleep(50);
    }
    throw new AssertionError("no progress: " + gateway.get(path, template.adminToken()).body());
  }
}
