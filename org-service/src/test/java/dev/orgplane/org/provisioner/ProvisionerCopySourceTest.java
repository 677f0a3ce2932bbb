package dev.orgplane.org.provisioner;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceTest;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The provisioner reads every organization, hook secrets included, but a run copies its template into an organization
 * of the template's group: a {@code :copy} from another group, or from another organization than the template the run
 * names, is refused and copies nothing.
 */
class ProvisionerCopySourceTest extends OrgServiceTest {

  private static final String SECRET = "template-secret-0123456789";

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** An organization of {@code groupId}, which {@code admin} administers, with a hook of a secret. */
  private String orgWithHook(OrgServiceHarness.Account admin, String groupId, String secret) {
    var id = org.createOrg(admin.token(), unique("o"), groupId).getString("id");
    addHook(admin, id, secret);
    return id;
  }

  private void addHook(OrgServiceHarness.Account owner, String orgId, String secret) {
    var hook = org.post("/v1/organizations/" + orgId + "/hooks", owner.token(), new JsonObject()
        .put("name", unique("ready")).put("url", "https://hooks.example.com/ready").put("secret", secret)
        .put("events", new JsonArray().add("provisioning.job.finished")));
    assertEquals(201, hook.statusCode(), hook.bodyAsString());
  }

  /** The engine's page of {@code hooks:copy} from {@code from}, with their secrets, for a run of {@code template}. */
  private HttpResponse<Buffer> copyHooks(String target, String from, String template) {
    var headers = MultiMap.caseInsensitiveMultiMap();
    if (template != null) {
      headers.add(RolloutTemplate.HEADER, template);
    }
    return org.send(HttpMethod.POST, "/v1/organizations/" + target + "/hooks:copy", org.engineToken(),
        new JsonObject().put("from", from).put("copySecrets", true), headers);
  }

  private long hooksOf(String orgId) {
    return PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.hooks WHERE org_id = '" + orgId + "'");
  }

  private String groupAdministeredBy(OrgServiceHarness.Account admin) {
    var groupId = org.createOrg(admin.token(), unique("g")).getString("groupId");
    assertEquals(204, org.send(HttpMethod.PUT, "/v1/organization-groups/" + groupId + "/admins/" + admin.id(),
        org.platformAdminToken(), null).statusCode());
    return groupId;
  }

  @Test
  void theEngineCopiesNoOrganizationOfAnotherGroup() {
    var admin = org.newVerifiedUser("admin");
    var groupId = groupAdministeredBy(admin);
    var template = orgWithHook(admin, groupId, SECRET);
    var target = orgWithHook(admin, groupId, "target-secret-0123456789");
    var tenant = org.newVerifiedUser("tenant");
    var elsewhere = orgWithHook(tenant, groupAdministeredBy(tenant), "elsewhere-secret-0123456789");

    assertProblem(copyHooks(target, elsewhere, null), 422, "group_mismatch");
    assertProblem(copyHooks(target, elsewhere, elsewhere), 422, "group_mismatch");
    assertProblem(copyHooks(target, elsewhere, template), 422, "group_mismatch");
    assertEquals(1, hooksOf(target), "nothing copied");
    assertEquals(0, PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.hooks WHERE secret LIKE 'elsewhere-%'"
        + " AND org_id <> '" + elsewhere + "'"), "the other tenant's secret stayed with it");

    var copied = copyHooks(target, template, template);
    assertEquals(200, copied.statusCode(), copied.bodyAsString());
    assertEquals(1, copied.bodyAsJsonObject().getInteger("created"));
    assertEquals(1, PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.hooks WHERE org_id = '" + target
        + "' AND secret = '" + SECRET + "'"));
  }

  @Test
  void theEngineCopiesOnlyTheTemplateItsRunNames() {
    var admin = org.newVerifiedUser("admin");
    var groupId = groupAdministeredBy(admin);
    var template = orgWithHook(admin, groupId, SECRET);
    var sibling = orgWithHook(admin, groupId, "sibling-secret-0123456789");
    var target = orgWithHook(admin, groupId, "target-secret-0123456789");

    assertProblem(copyHooks(target, sibling, template), 422, "template_mismatch");
    assertEquals(1, hooksOf(target), "nothing copied");
    assertEquals(200, copyHooks(target, template, template).statusCode());
    assertEquals(2, hooksOf(target));
  }
}
