package dev.orgplane.org.event;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.testing.UncommittedTransaction;
import dev.orgplane.org.OrgServiceTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/provisioning-events:batch}: the engine's reports of many organizations in one request, each
 * recorded once and answered on its own.
 */
class ProvisioningEventBatchTest extends OrgServiceTest {

  private static final String FINISHED = "provisioning.job.finished";
  private static final String BATCH = "/v1/provisioning-events:batch";

  /** An organization with a hook subscribed to the event, and its owner's token. */
  private record Subscribed(String orgId, String hookId, String ownerToken) {
  }

  private Subscribed subscribedOrganization() {
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "batch-" + UUID.randomUUID().toString().substring(0, 8))
        .getString("id");
    var hook = org.post("/v1/organizations/" + orgId + "/hooks", owner.token(), new JsonObject().put("name", "ready")
        .put("url", "https://hooks.example.com/ready").put("events", new JsonArray().add(FINISHED)));
    assertEquals(201, hook.statusCode(), hook.bodyAsString());
    return new Subscribed(orgId, hook.bodyAsJsonObject().getString("id"), owner.token());
  }

  private static JsonObject item(String orgId, String jobId, String reportId) {
    return new JsonObject().put("organization", orgId).put("type", FINISHED).put("jobId", jobId)
        .put("reportId", reportId).put("details", new JsonObject().put("status", "succeeded"));
  }

  private HttpResponse<Buffer> deliver(String token, JsonObject... items) {
    return org.post(BATCH, token, new JsonObject().put("items", new JsonArray(List.of((Object[]) items))));
  }

  private List<String> outcomes(HttpResponse<Buffer> answer) {
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    return answer.bodyAsJsonObject().getJsonArray("items").stream()
        .map(item -> ((JsonObject) item).getString("outcome")).toList();
  }

  private JsonArray audited(Subscribed org, String jobId) {
    return this.org.get("/v1/organizations/" + org.orgId() + "/audit-events?action=" + FINISHED + "&target=job:" + jobId,
        org.ownerToken()).bodyAsJsonObject().getJsonArray("items");
  }

  private int deliveries(Subscribed org) {
    return this.org.get("/v1/organizations/" + org.orgId() + "/hooks/" + org.hookId() + "/deliveries",
        org.ownerToken()).bodyAsJsonObject().getJsonArray("items").size();
  }

  @Test
  void reportsOfManyOrganizationsAreRecordedOnceEachAndAnsweredInOrder() {
    var template = subscribedOrganization();
    var target = subscribedOrganization();
    var jobId = UUID.randomUUID().toString();
    var reportId = UUID.randomUUID().toString();
    var toTemplate = item(template.orgId(), jobId, reportId);
    var toTarget = item(target.orgId(), jobId, reportId);

    var first = deliver(org.engineToken(), toTemplate, toTarget);
    var again = deliver(org.engineToken(), toTarget, toTemplate);

    assertEquals(List.of("recorded", "recorded"), outcomes(first));
    assertEquals(target.orgId(), first.bodyAsJsonObject().getJsonArray("items").getJsonObject(1)
        .getString("organization"));
    assertEquals(reportId, first.bodyAsJsonObject().getJsonArray("items").getJsonObject(1).getString("reportId"));
    assertEquals(List.of("already_recorded", "already_recorded"), outcomes(again));
    for (var organization : List.of(template, target)) {
      var events = audited(organization, jobId);
      assertEquals(1, events.size(), "the end is audited once in each organization");
      assertEquals(jobId, events.getJsonObject(0).getString("jobId"), "the report's job, as the header names it");
      assertEquals(1, deliveries(organization), "its hook hears of it once");
    }
  }

  @Test
  void aReportTheSingleRouteRecordedIsRecordedAlready() {
    var subscribed = subscribedOrganization();
    var jobId = UUID.randomUUID().toString();
    var item = item(subscribed.orgId(), jobId, UUID.randomUUID().toString());
    var single = item.copy();
    single.remove("organization");
    assertEquals(202, org.post("/v1/organizations/" + subscribed.orgId() + "/provisioning-events", org.engineToken(),
        single).statusCode());

    assertEquals(List.of("already_recorded"), outcomes(deliver(org.engineToken(), item)));
    assertEquals(1, audited(subscribed, jobId).size());
  }

  @Test
  void anOrganizationGoneAmongOthersIsAnsweredAloneAndTheOthersAreRecorded() {
    var subscribed = subscribedOrganization();
    var jobId = UUID.randomUUID().toString();
    var reportId = UUID.randomUUID().toString();

    var answer = deliver(org.engineToken(), item(UUID.randomUUID().toString(), jobId, reportId),
        item(subscribed.orgId(), jobId, reportId));

    assertEquals(List.of("organization_not_found", "recorded"), outcomes(answer));
    assertEquals(1, audited(subscribed, jobId).size());
  }

  @Test
  void anOrganizationDeletedWhileTheBatchIsRecordedIsAnsweredGoneAndTheOthersAreRecorded() throws Exception {
    var template = subscribedOrganization();
    var target = subscribedOrganization();
    var jobId = UUID.randomUUID().toString();
    var reportId = UUID.randomUUID().toString();

    HttpResponse<Buffer> answer;
    try (var deletion = UncommittedTransaction.begin(org.db())) {
      deletion.run("DELETE FROM org.organizations WHERE id = ?::uuid", target.orgId());
      answer = deletion.commitOnceWaitedFor(() -> deliver(org.engineToken(), item(template.orgId(), jobId, reportId),
          item(target.orgId(), jobId, reportId)));
    }

    assertEquals(List.of("recorded", "organization_not_found"), outcomes(answer),
        "the deletion's foreign key no longer refuses the whole batch (409 reference_gone)");
    assertEquals(1, audited(template, jobId).size());
    assertEquals(1, deliveries(template));
  }

  @Test
  void onlyTheEngineReports() {
    var subscribed = subscribedOrganization();
    var jobId = UUID.randomUUID().toString();
    var item = item(subscribed.orgId(), jobId, UUID.randomUUID().toString());

    assertProblem(deliver(subscribed.ownerToken(), item), 403, "forbidden");
    assertProblem(deliver(org.platformAdminToken(), item), 403, "forbidden");
    assertEquals(0, audited(subscribed, jobId).size());
  }

  @Test
  void moreItemsThanABatchHoldsAreRefused() {
    // counted before any item is read: items that are no reports keep the body under the test's body limit
    var items = new JsonArray();
    for (int i = 0; i < 501; i++) {
      items.add(i);
    }

    var refused = org.post(BATCH, org.engineToken(), new JsonObject().put("items", items));

    assertProblem(refused, 400, "validation_failed");
    assertEquals("items", refused.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"));
  }

  @Test
  void malformedItemsAreRefusedByNameAndNothingIsRecorded() {
    var subscribed = subscribedOrganization();
    var jobId = UUID.randomUUID().toString();
    var reportId = UUID.randomUUID().toString();
    var withoutOrganization = item(subscribed.orgId(), jobId, UUID.randomUUID().toString());
    withoutOrganization.remove("organization");

    var refused = deliver(org.engineToken(), item(subscribed.orgId(), jobId, reportId),
        item(subscribed.orgId(), jobId, "report-1"), item(subscribed.orgId(), jobId, reportId).put("type", "x"),
        withoutOrganization, item(subscribed.orgId(), jobId, reportId),
        item(subscribed.orgId(), jobId, UUID.randomUUID().toString()).putNull("organization"),
        item(subscribed.orgId(), jobId, UUID.randomUUID().toString()).putNull("jobId"),
        item(subscribed.orgId(), jobId, reportId).putNull("reportId"));

    assertProblem(refused, 400, "validation_failed");
    var errors = refused.bodyAsJsonObject().getJsonArray("errors").stream()
        .map(error -> ((JsonObject) error).getString("field") + " " + ((JsonObject) error).getString("message"))
        .toList();
    assertEquals(List.of("items[1].reportId must be a UUID", "items[2].type must be " + FINISHED,
        "items[2].reportId appears twice for this organization in this batch", "items[3].organization is required",
        "items[4].reportId appears twice for this organization in this batch",
        "items[5].organization must not be null", "items[6].jobId must not be null",
        "items[7].reportId must not be null"), errors);
    assertEquals(0, audited(subscribed, jobId).size(), "the well-formed items are not recorded either");
  }
}
