package dev.orgplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * An operator and a group admin stamp out 20 tenants from a template, through the gateway, with two
 * engines sharing the work: every job runs once, and every copy equals its template.
 */
class ProvisioningJourneyTest extends TwoEnginesTest {

  @Test
  void twentyTenantsFromOneTemplateEachJobOnceEveryCopyEqualToTheTemplate() {
    var batch = template.provision(gateway, "tenant", 20, 4);
    var ended = template.awaitEnd(gateway, "/v1/provisioning/batches/" + batch.getString("id"), 180_000);
    assertEquals("succeeded", ended.getString("status"), ended.encodePrettily());
    assertEquals(20, ended.getJsonObject("counts").getLong("succeeded"));
    var jobs = template.jobs(gateway, batch.getString("id"));
    assertEquals(20, jobs.size());
    for (var raw : jobs) {
      var job = (JsonObject) raw;
      assertEquals(1, job.getInteger("attempts"), "two engines, each job run exactly once: " + job.encode());
      var diff = template.diff(gateway, job.getString("targetOrganization"));
      assertTrue(diff.getBoolean("inSync"), diff.encodePrettily());
    }
    var copy = jobs.getJsonObject(0).getString("targetOrganization");
    var queues = gateway.get("/v1/organizations/" + copy + "/queues?limit=500", template.adminToken()).json();
    assertEquals(template.queues(), queues.getJsonArray("items").size());
    var hooks = gateway.get("/v1/organizations/" + copy + "/hooks?limit=500", template.adminToken()).json();
    assertEquals(template.hooks() - 1, hooks.getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(h -> !h.getJsonArray("runAfter").isEmpty()).count());
  }

  @Test
  void progressStreamsAsServerSentEventsThroughTheGateway() throws Exception {
    var job = gateway.postJson("/v1/provisioning/jobs", template.adminToken(), new JsonObject()
        .put("templateOrganization", template.templateId()).put("dryRun", true)
        .put("target", new JsonObject().put("name", "planned-only").put("title", "Plan")));
    assertEquals(202, job.status(), job.body());
    var request = HttpRequest.newBuilder(URI.create(platform.baseUrl() + "/v1/provisioning/jobs/"
            + job.json().getString("id") + "/events"))
        .header("Authorization", "Bearer " + template.adminToken()).timeout(Duration.ofSeconds(60)).build();
    var stream = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(200, stream.statusCode());
    assertTrue(stream.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
    assertTrue(stream.body().contains("event: job"), stream.body());
    assertTrue(stream.body().contains("event: end\ndata: {\"id\":\"" + job.json().getString("id")
        + "\",\"status\":\"succeeded\"}"), stream.body());
  }
}
