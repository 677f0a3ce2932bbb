package dev.orgplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * An engine dies mid-batch (kill -9) or is redeployed (SIGTERM, a new process), org-service restarts under the
 * engines: the work still completes, once.
 */
class EngineFaultsTest extends TwoEnginesTest {

  private Platform own;

  /** One of its own, as these tests kill, redeploy and restart its services. */
  @Override
  Platform platform(SharedPlatforms.Platforms platforms) {
    own = Platform.start(PgFixture.freshDatabase(), 2);
    return own;
  }

  @AfterAll
  void stopPlatform() {
    if (own != null) {
      own.close();
    }
  }

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
    for (var raw : everyJob(batch.getString("id"), 30)) {
      var diff = template.diff(gateway, ((JsonObject) raw).getString("targetOrganization"));
      assertTrue(diff.getBoolean("inSync"), "no object missing, none twice: " + diff.encodePrettily());
    }
    assertEachEndReportedOnce(batch.getString("id"));
  }

  /**
   * A redeployed engine hands its running jobs back to the queue for the other one; the gateway leaves it out
   * while it is down, so a client following the batch through the gateway never sees a failure.
   */
  @Test
  void redeployingAnEngineMidBatchFinishesItAndItsFollowerSeesNoFailure() {
    var batch = template.provision(gateway, "redeployed", 40, 4);
    var path = "/v1/provisioning/batches/" + batch.getString("id");
    awaitSucceeded(path, 2, 40);
    var failedPolls = new ConcurrentLinkedQueue<String>();
    var follower = LoopingClients.start(1, () -> {
      var polled = gateway.get(path, template.adminToken());
      if (polled.status() != 200) {
        failedPolls.add(polled.status() + " " + polled.body());
      }
      GroupTemplate.sleep(20);
    });
    // the second engine: the other tests kill the first
    platform.redeployEngine(platform.enginePorts.get(1));
    var ended = template.awaitEnd(gateway, path, 240_000);
    follower.stop();

    assertEquals("succeeded", ended.getString("status"), ended.encodePrettily());
    assertEquals(40, ended.getJsonObject("counts").getLong("succeeded"));
    for (var raw : everyJob(batch.getString("id"), 40)) {
      assertTrue(template.diff(gateway, ((JsonObject) raw).getString("targetOrganization")).getBoolean("inSync"));
    }
    assertEachEndReportedOnce(batch.getString("id"));
    assertTrue(failedPolls.isEmpty(), String.join("\n", failedPolls));
  }

  @Test
  void restartingOrgServiceUnderTheEngineOnlyDelaysTheCopies() {
    var batch = template.provision(gateway, "restart", 10, 2);
    var path = "/v1/provisioning/batches/" + batch.getString("id");
    awaitSucceeded(path, 1, 10);
    platform.restartOrgService();
    var ended = template.awaitEnd(gateway, path, 240_000);
    assertEquals("succeeded", ended.getString("status"), "jobs retried the pages that failed: " + ended.encodePrettily());
    for (var raw : everyJob(batch.getString("id"), 10)) {
      assertTrue(template.diff(gateway, ((JsonObject) raw).getString("targetOrganization")).getBoolean("inSync"));
    }
    assertEachEndReportedOnce(batch.getString("id"));
  }

  /** The batch's jobs, all {@code count} of them: a check of each is worth nothing if some are missing. */
  private JsonArray everyJob(String batchId, int count) {
    var jobs = template.jobs(gateway, batchId);
    assertEquals(count, jobs.size(), jobs.encodePrettily());
    return jobs;
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
