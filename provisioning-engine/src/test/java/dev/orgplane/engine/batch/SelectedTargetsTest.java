package dev.orgplane.engine.batch;

import static dev.orgplane.engine.WatchedTemplate.unique;
import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.engine.CountingRelay;
import dev.orgplane.engine.WatchedTemplate;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A batch that selects its targets ({@code "select": "provisionedFrom"}) queues a job for every organization of the
 * template's group made from the template, as its requester sees them, and for no other, reading org-service's list
 * one page per call (the harness's pages hold 4). The engine is watched through a relay.
 */
class SelectedTargetsTest {

  @RegisterExtension
  static final WatchedTemplate watched = new WatchedTemplate(new JsonObject(), "rollout");

  private static JsonObject rollout(String templateId) {
    return new JsonObject().put("templateOrganization", templateId).put("select", "provisionedFrom");
  }

  private static HttpResponse<Buffer> start(JsonObject request) {
    return watched.engine().post("/v1/provisioning/batches", watched.token(), request);
  }

  /** An organization of the template's group that the group admin made by hand. */
  private static String handMade(String label) {
    var created = watched.engine().org.post("/v1/organizations", watched.token(), new JsonObject()
        .put("name", label + "-" + unique()).put("title", label).put("groupId", watched.template().groupId()));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject().getString("id");
  }

  /**
   * An organization of group {@code groupId} that says it was provisioned from {@code templateId}, made (as only the
   * engine may) with the engine's identity and owned by the group admin, an admin of {@code groupId}: cheaper than
   * copying a template into it.
   */
  private static String tenantOf(String templateId, String groupId) {
    return tenantOf(templateId, groupId, "tenant-" + unique());
  }

  private static String tenantOf(String templateId, String groupId, String name) {
    var created = watched.engine().org.post("/v1/organizations", watched.engine().org.engineToken(), new JsonObject()
        .put("name", name).put("title", "Tenant").put("groupId", groupId)
        .put("ownerId", watched.template().groupAdmin().id())
        .put("provisionedFrom", new JsonObject().put("templateId", templateId).put("jobId", UUID.randomUUID().toString())));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject().getString("id");
  }

  private static List<JsonObject> jobs(String batchId) {
    var page = watched.engine().get("/v1/provisioning/batches/" + batchId + "/jobs?limit=500", watched.token());
    assertEquals(200, page.statusCode(), page.bodyAsString());
    return page.bodyAsJsonObject().getJsonArray("items").stream().map(JsonObject.class::cast).toList();
  }

  private static Set<String> targets(List<JsonObject> jobs) {
    return jobs.stream().map(job -> job.getString("targetOrganization")).collect(Collectors.toSet());
  }

  /** The calls to org-service's organization list made with the caller's token. */
  private static List<CountingRelay.Seen> listCalls() {
    return watched.relay().seen().stream().filter(seen -> ("Bearer " + watched.token()).equals(seen.authorization())
        && seen.method().equals("GET") && seen.path().equals("/v1/organizations")).toList();
  }

  @Test
  void aRolloutRunsAJobForEveryTenantOfTheTemplateOnlyAndARerunCreatesNothing() {
    var made = watched.engine().provisionBatch(watched.token(), new JsonObject()
        .put("templateOrganization", watched.template().templateId())
        .put("targets", new JsonArray().add(new JsonObject().put("name", "made-" + unique()))
            .add(new JsonObject().put("name", "made-" + unique())).add(new JsonObject().put("name", "made-" + unique()))));
    assertEquals("succeeded", made.getString("status"), made.encodePrettily());
    assertEquals("explicit", made.getString("selection"));
    var tenants = targets(jobs(made.getString("id")));
    var otherTemplate = handMade("other-template");
    tenantOf(otherTemplate, watched.template().groupId());
    handMade("by-hand");

    var rollout = watched.engine().provisionBatch(watched.token(), rollout(watched.template().templateId()));
    assertEquals("succeeded", rollout.getString("status"), rollout.encodePrettily());
    assertEquals("provisionedFrom", rollout.getString("selection"));
    assertEquals(3, rollout.getLong("total"));
    var jobs = jobs(rollout.getString("id"));
    assertEquals(tenants, targets(jobs), "the template's tenants, not the other template's or the hand-made one");
    assertTrue(jobs.stream().allMatch(job -> job.getValue("target") == null), "each an existing target");
    assertEquals(new JsonObject().put("created", 0L).put("updated", 0L),
        new JsonObject().put("created", rollout.getJsonObject("objects").getLong("created"))
            .put("updated", rollout.getJsonObject("objects").getLong("updated")), "the tenants were in sync already");

    var organizations = watched.engine().items("/v1/organizations", watched.token()).size();
    var again = watched.engine().provisionBatch(watched.token(), rollout(watched.template().templateId()));
    assertEquals("succeeded", again.getString("status"), again.encodePrettily());
    assertEquals(tenants, targets(jobs(again.getString("id"))));
    assertEquals(0L, again.getJsonObject("objects").getLong("created"));
    assertEquals(organizations, watched.engine().items("/v1/organizations", watched.token()).size(),
        "no organization made twice");

    var listed = watched.engine().get("/v1/provisioning/batches?template=" + watched.template().templateId()
            + "&limit=500", watched.token())
        .bodyAsJsonObject().getJsonArray("items").stream().map(JsonObject.class::cast)
        .collect(Collectors.toMap(batch -> batch.getString("id"), batch -> batch.getString("selection")));
    assertEquals("explicit", listed.get(made.getString("id")));
    assertEquals("provisionedFrom", listed.get(rollout.getString("id")));
  }

  @Test
  void aRolloutTakesTheOptionsOfAnyBatchAndADryRunWritesNothing() {
    var fresh = handMade("dry-template");
    var tenant = tenantOf(fresh, watched.template().groupId());

    var planned = watched.engine().provisionBatch(watched.token(), rollout(fresh).put("dryRun", true).put("plugins",
        new JsonArray().add("roles")).put("options", new JsonObject().put("existing", "keep").put("copyMembers", false)));
    assertEquals("succeeded", planned.getString("status"), planned.encodePrettily());
    assertTrue(planned.getBoolean("dryRun"));
    assertEquals("provisionedFrom", planned.getString("selection"));
    var job = jobs(planned.getString("id")).get(0);
    assertEquals(tenant, job.getString("targetOrganization"));
    assertTrue(job.getBoolean("dryRun"));
    assertEquals(new JsonArray().add("roles"), job.getJsonArray("plugins"));
    assertEquals(new JsonObject().put("existing", "keep").put("copyMembers", false), job.getJsonObject("options"));
  }

  @Test
  void tenantsOfTheTemplateInAnotherGroupAreNotSelected() {
    var fresh = handMade("grouped-template");
    var inGroup = tenantOf(fresh, watched.template().groupId());
    var otherGroup = watched.engine().org.post("/v1/organization-groups", watched.engine().org.platformAdminToken(),
        new JsonObject().put("name", "elsewhere " + unique())).bodyAsJsonObject().getString("id");
    // the engine makes an organization only for an admin of its group
    assertEquals(204, watched.engine().org.send(HttpMethod.PUT, "/v1/organization-groups/" + otherGroup + "/admins/"
        + watched.template().groupAdmin().id(), watched.engine().org.platformAdminToken(), null).statusCode());
    var elsewhere = tenantOf(fresh, otherGroup);
    var seen = watched.engine().org.get("/v1/organizations?provisionedFrom=" + fresh, watched.token())
        .bodyAsJsonObject().getJsonArray("items");
    assertEquals(2, seen.size(), "the requester, its owner, sees the one in the other group too: " + seen);

    var queued = start(rollout(fresh).put("dryRun", true));
    assertEquals(202, queued.statusCode(), queued.bodyAsString());
    assertEquals(Set.of(inGroup), targets(jobs(queued.bodyAsJsonObject().getString("id"))), "not " + elsewhere);
  }

  @Test
  void theTemplatesTenantsAreReadOnePageOfOrgServicesListAtATime() {
    var fresh = handMade("paged-template");
    var tenants = new ArrayList<String>();
    for (int i = 0; i < 9; i++) {
      tenants.add(tenantOf(fresh, watched.template().groupId()));
    }
    watched.relay().clear();

    var queued = start(rollout(fresh).put("dryRun", true));
    assertEquals(202, queued.statusCode(), queued.bodyAsString());
    assertEquals(Set.copyOf(tenants), targets(jobs(queued.bodyAsJsonObject().getString("id"))));
    var calls = listCalls();
    assertEquals(3, calls.size(), "pages of 4, 4 and 1: " + calls);
    assertTrue(calls.stream().allMatch(call -> call.query().contains("provisionedFrom=" + fresh)
        && call.query().contains("groupId=" + watched.template().groupId()) && call.query().contains("limit=4")
        && call.query().contains("order=id")), calls.toString());
    assertEquals(2, calls.stream().filter(call -> call.query().contains("cursor=")).count(), calls.toString());
  }

  /**
   * Tenants renamed between two pages of the selection, one of the first page (by name) to sort after the cursor and
   * one of the second to sort before it: by name, one would be selected twice and the other not at all.
   */
  @Test
  void aTenantRenamedWhileTheSelectionIsReadIsSelectedOnce() {
    var fresh = handMade("renamed-template");
    var prefix = "r" + unique();
    var tenants = new ArrayList<String>();
    for (int i = 1; i <= 5; i++) {
      tenants.add(tenantOf(fresh, watched.template().groupId(), prefix + "-b" + i));
    }
    watched.relay().holdOnce(seen -> seen.path().equals("/v1/organizations") && seen.query().contains("cursor="),
        () -> Future.all(rename(tenants.get(0), prefix + "-c1"), rename(tenants.get(4), prefix + "-a5")));

    var queued = start(rollout(fresh).put("dryRun", true));
    assertEquals(202, queued.statusCode(), queued.bodyAsString());
    assertEquals(5, queued.bodyAsJsonObject().getLong("total"));
    var jobs = jobs(queued.bodyAsJsonObject().getString("id"));
    assertEquals(5, jobs.size());
    assertEquals(Set.copyOf(tenants), targets(jobs));
    assertEquals(Set.of(prefix + "-a5", prefix + "-c1"), Set.of(name(tenants.get(4)), name(tenants.get(0))),
        "renamed while the selection was read");
  }

  private static Future<?> rename(String organization, String name) {
    return watched.rename("/v1/organizations/" + organization, name);
  }

  private static String name(String organization) {
    return watched.engine().org.get("/v1/organizations/" + organization, watched.token()).bodyAsJsonObject()
        .getString("name");
  }

  @Test
  void targetsAndSelectAreOneOrTheOther() {
    var tenant = new JsonArray().add(new JsonObject().put("organization", handMade("named")));
    var cases = List.of(
        new Object[] {rollout(watched.template().templateId()).put("targets", tenant), "select"},
        new Object[] {rollout(watched.template().templateId()).put("targets", new JsonArray()), "select"},
        new Object[] {rollout(watched.template().templateId()).put("select", "everything"), "select"},
        new Object[] {rollout(watched.template().templateId()).put("select", true), "select"},
        new Object[] {new JsonObject().put("templateOrganization", watched.template().templateId()), "targets"});
    for (var refused : cases) {
      var response = start((JsonObject) refused[0]);
      assertProblem(response, 400, "validation_failed");
      assertEquals(refused[1], response.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"),
          response.bodyAsString());
    }
  }

  @Test
  void aTemplateWithoutTenantsIsRefused() {
    var fresh = handMade("lonely-template");
    tenantOf(watched.template().templateId(), watched.template().groupId());

    assertProblem(start(rollout(fresh)), 422, "no_targets");
  }

  @Test
  void onlyTheGroupsAdminsMayRollOutAsForNamedTargets() {
    watched.relay().clear();
    var member = watched.engine().post("/v1/provisioning/batches", watched.template().member().token(),
        rollout(watched.template().templateId()));
    assertProblem(member, 403, "forbidden");
    var stranger = watched.engine().post("/v1/provisioning/batches", watched.engine().org.newUser("stranger").token(),
        rollout(watched.template().templateId()));
    assertProblem(stranger, 404, "template_not_found");
    assertEquals(0, watched.relay().seen().stream().filter(seen -> seen.method().equals("GET")
        && seen.path().equals("/v1/organizations")).count(), "no tenant was listed for them");
  }
}
