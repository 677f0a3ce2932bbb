package dev.orgplane.engine.batch;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.engine.EngineWithTemplate;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A batch selects at most {@value TargetSelection#MAX_SELECTED} organizations: that many are queued in one
 * transaction, one more is refused. The tenants are written straight into org-service's table (made through its
 * API they would take minutes), and no engine runs jobs.
 */
class SelectionCapTest {

  @RegisterExtension
  static final EngineWithTemplate idle = EngineWithTemplate.idle("cap-template")
      .with("ORGPLANE_ENGINE_PAGE_SIZE", "500");

  @Test
  void aSelectionOfMoreThanTenThousandTenantsIsRefusedAndOfTenThousandQueued() {
    var groupId = idle.template().groupId();
    var templateId = idle.template().templateId();
    PgFixture.execute(idle.engine().db, "INSERT INTO org.organizations (id, name, title, group_id, provisioned_from) "
        + "SELECT gen_random_uuid(), 'tenant-' || n, 'Tenant', '" + groupId + "', jsonb_build_object('templateId', '"
        + templateId + "', 'jobId', '" + UUID.randomUUID() + "') FROM generate_series(1, "
        + (TargetSelection.MAX_SELECTED + 1) + ") n");
    var rollout = new JsonObject().put("templateOrganization", templateId).put("select", "provisionedFrom")
        .put("dryRun", true);

    var refused = idle.engine().post("/v1/provisioning/batches", idle.token(), rollout);
    assertProblem(refused, 422, "too_many_targets");
    assertTrue(refused.bodyAsJsonObject().getString("detail").contains("at most 10000"), refused.bodyAsString());

    PgFixture.execute(idle.engine().db, "DELETE FROM org.organizations WHERE name = 'tenant-1'");
    var queued = idle.engine().post("/v1/provisioning/batches", idle.token(), rollout);
    assertEquals(202, queued.statusCode(), queued.bodyAsString());
    assertEquals(TargetSelection.MAX_SELECTED, queued.bodyAsJsonObject().getLong("total"));
    assertEquals(TargetSelection.MAX_SELECTED, queued.bodyAsJsonObject().getJsonObject("counts").getLong("queued"));
  }
}
