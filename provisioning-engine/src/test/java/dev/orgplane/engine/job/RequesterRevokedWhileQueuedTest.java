package dev.orgplane.engine.job;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.orgplane.engine.EngineHarness;
import dev.orgplane.engine.TemplateFixture;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A job runs with the engine's identity, for whoever queued it: a group admin revoked while their job waits (an
 * engine with no free slot keeps it queued) or while it is away from an engine has it fail {@code requester_not_admin}
 * when a run of it starts, before it creates or writes anything. Until session 36 the run made them the owner of a
 * new tenant holding the template's members, or rewrote the group's tenants, with the rights they had lost.
 */
class RequesterRevokedWhileQueuedTest {

  private static Vertx vertx;
  private static EngineHarness idle;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    idle = EngineHarness.start(vertx, new JsonObject().put("ORGPLANE_ENGINE_WORKERS", "0"));
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static String platformAdmin() {
    return idle.org.platformAdminToken();
  }

  /** The path of a job queued with {@code request}. */
  private static String queued(String token, JsonObject request) {
    return "/v1/provisioning/jobs/" + idle.queue("/v1/provisioning/jobs", token, request).getString("id");
  }

  private static void revoke(TemplateFixture template) {
    assertEquals(204, idle.org.send(HttpMethod.DELETE, "/v1/organization-groups/" + template.groupId() + "/admins/"
        + template.groupAdmin().id(), platformAdmin(), null).statusCode());
  }

  /** The job at {@code path} once an engine with a free slot has run it. */
  private static JsonObject ranByAWorker(String path) {
    var worker = idle.alongside(vertx, new JsonObject().put("ORGPLANE_ENGINE_WORKERS", "1"));
    try {
      return worker.awaitEnd(path, platformAdmin());
    } finally {
      worker.undeploy(vertx);
    }
  }

  private static void assertRefusedTheRequester(JsonObject job) {
    assertEquals("failed", job.getString("status"), job.encodePrettily());
    assertEquals("requester_not_admin", job.getJsonObject("error").getString("code"), job.encodePrettily());
  }

  private static JsonArray roles(String organization) {
    return idle.items("/v1/organizations/" + organization + "/roles", platformAdmin());
  }

  @Test
  void aJobQueuedByAnAdminRevokedMeanwhileCreatesNoTenantForThem() {
    var template = TemplateFixture.build(idle.org, "revoked-requester-template");
    var path = queued(template.groupAdmin().token(), new JsonObject()
        .put("templateOrganization", template.templateId())
        .put("target", new JsonObject().put("name", "revoked-requester-tenant").put("title", "Tenant")));
    revoke(template);

    var ended = ranByAWorker(path);

    assertRefusedTheRequester(ended);
    assertNull(ended.getString("targetOrganization"), ended.encodePrettily());
    assertProblem(idle.org.get("/v1/organizations/revoked-requester-tenant", platformAdmin()), 404,
        "organization_not_found");
    assertEquals("failed", idle.get(path, template.groupAdmin().token()).bodyAsJsonObject().getString("status"),
        "the requester still reads their job, and why it failed");
  }

  @Test
  void aRolloutQueuedByAnAdminRevokedMeanwhileLeavesTheTenantAsItWas() {
    var template = TemplateFixture.build(idle.org, "revoked-rollout-template");
    var admin = template.groupAdmin();
    var created = idle.org.post("/v1/organizations", admin.token(), new JsonObject().put("name", "revoked-rollout")
        .put("title", "Tenant").put("groupId", template.groupId()));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    var tenant = created.bodyAsJsonObject().getString("id");
    var before = roles(tenant);
    var path = queued(admin.token(), new JsonObject().put("templateOrganization", template.templateId())
        .put("targetOrganization", tenant).put("plugins", new JsonArray().add("roles"))
        .put("options", new JsonObject().put("existing", "update")));
    revoke(template);

    var ended = ranByAWorker(path);

    assertRefusedTheRequester(ended);
    assertEquals(before, roles(tenant), "no role of the template was copied");
  }

  @Test
  void aResumedRunOfAJobWhoseRequesterWasRevokedWritesNothingMore() {
    var template = TemplateFixture.build(idle.org, "revoked-resume-template");
    var path = queued(template.groupAdmin().token(), new JsonObject()
        .put("templateOrganization", template.templateId()).put("plugins", new JsonArray().add("roles"))
        .put("target", new JsonObject().put("name", "revoked-resume-tenant").put("title", "Tenant")));
    var made = ranByAWorker(path);
    assertEquals("succeeded", made.getString("status"), made.encodePrettily());
    var tenant = made.getString("targetOrganization");
    var copies = roles(tenant);
    assertEquals(2, copies.size(), copies.encode());
    for (var copy : copies) {
      assertEquals(204, idle.org.send(HttpMethod.DELETE, "/v1/organizations/" + tenant + "/roles/"
          + ((JsonObject) copy).getString("id"), platformAdmin(), null).statusCode());
    }
    // as if its engine died before its checkpoints: the lease lapsed, its step has its pages to copy again
    var jobId = made.getString("id");
    PgFixture.execute(idle.db,
        "UPDATE provisioning.job_steps SET status = 'running', cursor = NULL, created = 0 WHERE job_id = '" + jobId
            + "'",
        "UPDATE provisioning.jobs SET status = 'running', lease_owner = 'dead-engine', "
            + "lease_until = now() - interval '1 second', finished_at = NULL WHERE id = '" + jobId + "'");
    revoke(template);

    var resumed = ranByAWorker(path);

    assertRefusedTheRequester(resumed);
    assertEquals(2, resumed.getInteger("attempts"), resumed.encodePrettily());
    assertEquals(new JsonArray(), roles(tenant), "the resumed run copied nothing again");
  }
}
