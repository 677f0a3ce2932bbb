package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A job asked for a new organization, retried after an operator deleted the one it had made (to start clean, say),
 * runs as a new job would: it makes the organization again, and a dry run plans a new one. Until session 35 the retry
 * kept copying into the organization it had recorded, and failed {@code organization_not_found} on every retry.
 */
class RetryOfADeletedTargetTest extends TemplateEngineTest {

  @BeforeAll
  static void start() {
    startEngine(new JsonObject(), "deleted-target-template");
  }

  private static JsonObject job(String name, boolean dryRun) {
    return new JsonObject().put("templateOrganization", template.templateId()).put("dryRun", dryRun)
        .put("target", new JsonObject().put("name", name));
  }

  /** The job ended {@code status} after its target was made, and the target is deleted. */
  private static void endedAndItsTargetDeleted(JsonObject job, String status, String target) {
    PgFixture.execute(engine.db, "UPDATE provisioning.jobs SET status = '" + status + "' WHERE id = '"
        + job.getString("id") + "'");
    var deleted = engine.org.send(HttpMethod.DELETE, "/v1/organizations/" + target, token(), null);
    assertEquals(204, deleted.statusCode(), deleted.bodyAsString());
  }

  private static JsonObject retried(JsonObject job) {
    var path = "/v1/provisioning/jobs/" + job.getString("id");
    var retry = engine.post(path + "/retry", token(), null);
    assertEquals(200, retry.statusCode(), retry.bodyAsString());
    return engine.awaitEnd(path, token());
  }

  @Test
  void aRetryWhoseNewTargetWasDeletedMakesItAgain() {
    var name = "remade-" + UUID.randomUUID().toString().substring(0, 8);
    var first = engine.provision(token(), job(name, false));
    assertEquals("succeeded", first.getString("status"), first.encodePrettily());
    var deleted = first.getString("targetOrganization");
    endedAndItsTargetDeleted(first, "failed", deleted);

    var again = retried(first);

    assertEquals("succeeded", again.getString("status"), again.encodePrettily());
    var remade = engine.org.get("/v1/organizations/" + name, token()).bodyAsJsonObject();
    assertEquals(remade.getString("id"), again.getString("targetOrganization"), again.encodePrettily());
    assertNotEquals(deleted, remade.getString("id"));
    assertEquals(first.getString("id"), remade.getJsonObject("provisionedFrom").getString("jobId"));
  }

  @Test
  void aRetriedDryRunWhoseTenantWasDeletedPlansANewOne() {
    var name = "replanned-" + UUID.randomUUID().toString().substring(0, 8);
    var tenant = engine.provision(token(), job(name, false)).getString("targetOrganization");
    var plan = engine.provision(token(), job(name, true));
    assertEquals(tenant, plan.getString("targetOrganization"), plan.encodePrettily());
    endedAndItsTargetDeleted(plan, "cancelled", tenant);

    var again = retried(plan);

    assertEquals("succeeded", again.getString("status"), again.encodePrettily());
    assertNull(again.getValue("targetOrganization"), again.encodePrettily());
  }
}
