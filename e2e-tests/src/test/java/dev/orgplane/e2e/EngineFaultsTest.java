package dev.orgplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** An engine dies mid-batch (kill -9), org-service restarts under the engines: the work still completes, once. */
class EngineFaultsTest extends TwoEnginesTest {

  @Test
  void killingAnEngineMidBatchLosesNothingAndDuplicatesNothing() {
    var batch = template.provision(gateway, "survivor", 30, 4);
    var path = "/v1/provisioning/batches/" + batch.getString("id");
    awaitSucceeded(path, 3, 30);
    platform.process(platform.enginePort).kill();
    platform.startEngine(Platform.freePort());
    var ended = template.awaitEnd(gateway, path, 240_000);
    assertEquals("succeeded", ended.getString("status"), ended.encodePrettily());
    assertEquals(30, ended.getJsonObject("counts").getLong("succeeded"));
    for (var raw : template.jobs(gateway, batch.getString("id"))) {
      var diff = template.diff(gateway, ((JsonObject) raw).getString("targetOrganization"));
      assertTrue(diff.getBoolean("inSync"), "no object missing, none twice: " + diff.encodePrettily());
    }
    assertEachEndReportedOnce(batch.getString("id"));
  }

  @Test
  void restartingOrgServiceUnderTheEngineOnlyDelaysTheCopies() {
    var batch = template.provision(gateway, "restart", 10, 2);
    var path = "/v1/provisioning/batches/" + batch.getString("id");
    awaitSucceeded(path, 1, 10);
    platform.restartOrgService();
    var ended = template.awaitEnd(gateway, path, 240_000);
    assertEquals("succeeded", ended.getString("status"), "jobs retried the pages that failed: " + ended.encodePrettily());
    for (var raw : template.jobs(gateway, batch.getString("id"))) {
      assertTrue(template.diff(gateway, ((JsonObject) raw).getString("targetOrganization")).getBoolean("inSync"));
    }
    assertEachEndReportedOnce(batch.getString("id"));
  }

  /** Every job's end reached the template's hooks, once, whatever happened to the services meanwhile. */
  private void assertEachEndReportedOnce(String batchId) {
    var jobIds = template.jobs(gateway, batchId).stream().map(job -> ((JsonObject) job).getString("id"))
        .collect(java.util.stream.Collectors.toSet());
    var reported = template.reportedEnds(gateway, jobIds);
    var expected = jobIds.stream().collect(java.util.stream.Collectors.toMap(id -> id, id -> 1L));
    assertEquals(expected, reported, "each job's end is reported once");
  }

  private void awaitSucceeded(String path, int count, int total) {
    var deadline = System.currentTimeMillis() + 120_000;
    while (System.currentTimeMillis() < deadline) {
      var batch = gateway.get(path, template.adminToken()).json();
      if (batch.getJsonObject("counts").getLong("succeeded") >= count) {
        assertTrue(batch.getJsonObject("counts").getLong("succeeded") < total, "the fault must land mid-batch");
        return;
      }
      GroupTemplate.sleep(50);
    }
    throw new AssertionError("no progress: " + gateway.get(path, template.adminToken()).body());
  }
}
