package dev.orgplane.org.event;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.kit.testing.UncommittedTransaction;
import dev.orgplane.org.OrgServiceTest;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A provisioning report is recorded once per organization whatever its deliveries: a retry whose Idempotency-Key
 * lost its answer (org-service killed between the commit and keeping the answer) brings another key, or the key
 * freed, and still finds its report recorded.
 */
class ProvisioningReportsTest extends OrgServiceTest {

  private static final String FINISHED = "provisioning.job.finished";

  /** An organization with a hook subscribed to the event: its id and the hook's. */
  private record Subscribed(String orgId, String hookId, String ownerToken) {
  }

  private Subscribed subscribedOrganization() {
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "reports-" + UUID.randomUUID().toString().substring(0, 8))
        .getString("id");
    var hook = org.post("/v1/organizations/" + orgId + "/hooks", owner.token(), new JsonObject().put("name", "ready")
        .put("url", "https://hooks.example.com/ready").put("events", new JsonArray().add(FINISHED)));
    assertEquals(201, hook.statusCode(), hook.bodyAsString());
    return new Subscribed(orgId, hook.bodyAsJsonObject().getString("id"), owner.token());
  }

  private static JsonObject report(String jobId, String reportId) {
    return new JsonObject().put("type", FINISHED).put("jobId", jobId).put("reportId", reportId)
        .put("details", new JsonObject().put("status", "succeeded"));
  }

  /** The engine delivering {@code report}, under {@code idempotencyKey} (null: none). */
  private HttpResponse<Buffer> deliver(String orgId, JsonObject report, String idempotencyKey) {
    var headers = MultiMap.caseInsensitiveMultiMap();
    if (idempotencyKey != null) {
      headers.add("Idempotency-Key", idempotencyKey);
    }
    return org.send(HttpMethod.POST, "/v1/organizations/" + orgId + "/provisioning-events", org.engineToken(), report,
        headers);
  }

  private int audited(Subscribed org, String jobId) {
    return this.org.get("/v1/organizations/" + org.orgId() + "/audit-events?action=" + FINISHED + "&target=job:" + jobId,
        org.ownerToken()).bodyAsJsonObject().getJsonArray("items").size();
  }

  private int deliveries(Subscribed org) {
    return this.org.get("/v1/organizations/" + org.orgId() + "/hooks/" + org.hookId() + "/deliveries",
        org.ownerToken()).bodyAsJsonObject().getJsonArray("items").size();
  }

  @Test
  void aReportDeliveredAgainUnderAnotherKeyOrNoneIsRecordedOnce() {
    var subscribed = subscribedOrganization();
    var jobId = UUID.randomUUID().toString();
    var report = report(jobId, UUID.randomUUID().toString());

    var first = deliver(subscribed.orgId(), report, UUID.randomUUID().toString());
    var underAnotherKey = deliver(subscribed.orgId(), report, UUID.randomUUID().toString());
    var withoutKey = deliver(subscribed.orgId(), report, null);

    for (var answer : List.of(first, underAnotherKey, withoutKey)) {
      assertEquals(202, answer.statusCode(), answer.bodyAsString());
      assertEquals(first.bodyAsJsonObject(), answer.bodyAsJsonObject(), "every delivery is answered as the first");
    }
    assertEquals(1, audited(subscribed, jobId), "the end is audited once");
    assertEquals(1, deliveries(subscribed), "the hook hears of it once");
  }

  @Test
  void anotherReportOfTheSameJobIsRecordedToo() {
    var subscribed = subscribedOrganization();
    var jobId = UUID.randomUUID().toString();

    // a job that failed, was retried and ended again: two ends, two reports
    assertEquals(202, deliver(subscribed.orgId(), report(jobId, UUID.randomUUID().toString()), null).statusCode());
    assertEquals(202, deliver(subscribed.orgId(), report(jobId, UUID.randomUUID().toString()), null).statusCode());

    assertEquals(2, audited(subscribed, jobId));
    assertEquals(2, deliveries(subscribed));
  }

  @Test
  void oneReportIsRecordedInEachOrganizationItIsDeliveredTo() {
    var template = subscribedOrganization();
    var target = subscribedOrganization();
    var jobId = UUID.randomUUID().toString();
    var report = report(jobId, UUID.randomUUID().toString());

    for (var organization : List.of(template, target, template, target)) {
      assertEquals(202, deliver(organization.orgId(), report, null).statusCode());
    }

    for (var organization : List.of(template, target)) {
      assertEquals(1, audited(organization, jobId));
      assertEquals(1, deliveries(organization));
    }
  }

  @Test
  void aReportToAnOrganizationDeletedMeanwhileIsAnsweredNotFound() throws Exception {
    var subscribed = subscribedOrganization();
    var report = report(UUID.randomUUID().toString(), UUID.randomUUID().toString());

    try (var deletion = UncommittedTransaction.begin(org.db())) {
      deletion.run("DELETE FROM org.organizations WHERE id = ?::uuid", subscribed.orgId());
      assertProblem(deletion.commitOnceWaitedFor(() -> deliver(subscribed.orgId(), report, null)), 404,
          "organization_not_found");
    }
  }

  @Test
  void aReportWithoutAnIdIsRecordedAtEveryDelivery() {
    var subscribed = subscribedOrganization();
    var jobId = UUID.randomUUID().toString();
    var report = report(jobId, null);
    report.remove("reportId");

    assertEquals(202, deliver(subscribed.orgId(), report, null).statusCode());
    assertEquals(202, deliver(subscribed.orgId(), report, null).statusCode());

    assertEquals(2, audited(subscribed, jobId), "an older engine's report names nothing to recognise it by");
  }

  @Test
  void aReportIdThatIsNoUuidIsRefusedAndRecordsNothing() {
    var subscribed = subscribedOrganization();
    var jobId = UUID.randomUUID().toString();

    var refused = deliver(subscribed.orgId(), report(jobId, "report-1"), null);

    assertProblem(refused, 400, "validation_failed");
    assertEquals("reportId", refused.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"));
    assertEquals(0, audited(subscribed, jobId));
  }

  @Test
  void idsOfReportsRecordedMoreThanTwoDaysAgoArePurged() {
    var subscribed = subscribedOrganization();
    var insert = "INSERT INTO org.provisioning_reports (org_id, report_id, recorded_at) SELECT '" + subscribed.orgId()
        + "', gen_random_uuid(), now() - interval '%s' FROM generate_series(1, %d)";
    PgFixture.execute(org.db(), insert.formatted("49 hours", 3), insert.formatted("47 hours", 2));
    var purge = ProvisioningReports.expiredPurge(Database.open(vertx, org.db(), 1, List.of()).await());

    assertEquals(3, purge.run().await());
    assertEquals(2, PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.provisioning_reports WHERE org_id = '"
        + subscribed.orgId() + "'"));
  }
}
