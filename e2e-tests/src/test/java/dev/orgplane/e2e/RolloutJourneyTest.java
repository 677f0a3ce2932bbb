package dev.orgplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A group admin changes a template after making tenants from it and rolls the change out, through the gateway,
 * with a batch that selects its targets: every tenant made from the template, and nothing else, is brought up to
 * date with it.
 */
class RolloutJourneyTest extends TwoEnginesTest {

  @Test
  void aRolloutBringsEveryTenantOfTheTemplateUpToDate() {
    var made = template.provision(gateway, "rolled-" + UUID.randomUUID().toString().substring(0, 8), 2, 2);
    var first = template.awaitEnd(gateway, "/v1/provisioning/batches/" + made.getString("id"), 180_000);
    assertEquals("succeeded", first.getString("status"), first.encodePrettily());
    var tenants = targets(made.getString("id"));
    assertEquals(2, tenants.size(), "two tenants, each named by its id: " + tenants);
    var handMade = gateway.postJson("/v1/organizations", template.adminToken(), new JsonObject()
        .put("name", "by-hand-" + UUID.randomUUID().toString().substring(0, 8)).put("title", "By hand")
        .put("groupId", template.groupId()));
    assertEquals(201, handMade.status(), handMade.body());

    var base = "/v1/organizations/" + template.templateId();
    assertEquals(201, gateway.postJson(base + "/workspaces", template.adminToken(),
        new JsonObject().put("name", "ws-added")).status());
    var queue = gateway.get(base + "/queues?limit=1", template.adminToken()).json().getJsonArray("items")
        .getJsonObject(0).getString("id");
    assertEquals(200, gateway.send("PATCH", base + "/queues/" + queue, template.adminToken(),
        new JsonObject().put("settings", new JsonObject().put("retention", "7d"))).status());
    tenants.forEach(tenant -> assertFalse(template.diff(gateway, tenant).getBoolean("inSync"), tenant));

    var rollout = gateway.postJson("/v1/provisioning/batches", template.adminToken(), new JsonObject()
        .put("templateOrganization", template.templateId()).put("select", "provisionedFrom").put("concurrency", 2));
    assertEquals(202, rollout.status(), rollout.body());
    assertEquals("provisionedFrom", rollout.json().getString("selection"));
    var ended = template.awaitEnd(gateway, "/v1/provisioning/batches/" + rollout.json().getString("id"), 180_000);
    assertEquals("succeeded", ended.getString("status"), ended.encodePrettily());
    assertEquals(tenants, targets(ended.getString("id")), "the template's tenants, not the hand-made organization");
    assertTrue(ended.getJsonObject("objects").getLong("created") >= 2, ended.encodePrettily());
    assertTrue(ended.getJsonObject("objects").getLong("updated") >= 2, ended.encodePrettily());
    tenants.forEach(tenant -> assertTrue(template.diff(gateway, tenant).getBoolean("inSync"),
        template.diff(gateway, tenant).encodePrettily()));
  }

  private Set<String> targets(String batchId) {
    return template.jobs(gateway, batchId).stream().map(JsonObject.class::cast)
        .map(job -> job.getString("targetOrganization")).collect(Collectors.toSet());
  }
}
