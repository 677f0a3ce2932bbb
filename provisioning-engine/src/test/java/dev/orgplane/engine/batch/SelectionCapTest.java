package dev.orgplane.engine.batch;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.engine.EngineHarness;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A batch selects at most {@value TargetSelection#MAX_SELECTED} organizations: that many are queued in one
 * transaction, one more is refused. The tenants are written straight into org-service's table (made through its
 * API they would take minutes), and no engine runs jobs.
 */
class SelectionCapTest {

  private static Vertx vertx;
  private static EngineHarness engine;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    engine = EngineHarness.start(vertx, new JsonObject().put("ORGPLANE_ENGINE_WORKERS", "0")
        .put("ORGPLANE_ENGINE_PAGE_SIZE", "500"));
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void aSelectionOfMoreThanTenThousandTenantsIsRefusedAndOfTenThousandQueued() {
    var platformAdmin = engine.org.platformAdminToken();
    var groupId = engine.org.post("/v1/organization-groups", platformAdmin, new JsonObject().put("name", "cap group"))
        .bodyAsJsonObject().getString("id");
    var admin = engine.org.newUser("cap-admin");
    assertEquals(204, engine.org.send(HttpMethod.PUT, "/v1/organization-groups/" + groupId + "/admins/" + admin.id(),
        platformAdmin, null).statusCode());
    var template = engine.org.post("/v1/organizations", admin.token(), new JsonObject().put("name", "cap-template")
        .put("title", "Cap").put("groupId", groupId));
    assertEquals(201, template.statusCode(), template.bodyAsString());
    var templateId = template.bodyAsJsonObject().getString("id");
    PgFixture.execute(engine.db, "INSERT INTO org.organizations (id, name, title, group_id, provisioned_from) "
        + "SELECT gen_random_uuid(), 'tenant-' || n, 'Tenant', '" + groupId + "', jsonb_build_object('templateId', '"
        + templateId + "', 'jobId', '" + UUID.randomUUID() + "') FROM generate_series(1, "
        + (TargetSelection.MAX_SELECTED + 1) + ") n");
    var rollout = new JsonObject().put("templateOrganization", templateId).put("select", "provisionedFrom")
        .put("dryRun", true);

    var refused = engine.post("/v1/provisioning/batches", admin.token(), rollout);
    assertProblem(refused, 422, "too_many_targets");
    assertTrue(refused.bodyAsJsonObject().getString("detail").contains("at most 10000"), refused.bodyAsString());

    PgFixture.execute(engine.db, "DELETE FROM org.organizations WHERE name = 'tenant-1'");
    var queued = engine.post("/v1/provisioning/batches", admin.token(), rollout);
    assertEquals(202, queued.statusCode(), queued.bodyAsString());
    assertEquals(TargetSelection.MAX_SELECTED, queued.bodyAsJsonObject().getLong("total"));
    assertEquals(TargetSelection.MAX_SELECTED, queued.bodyAsJsonObject().getJsonObject("counts").getLong("queued"));
  }
}
