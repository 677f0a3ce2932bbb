package dev.orgplane.engine.job;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.engine.EngineHarness;
import dev.orgplane.engine.TemplateFixture;
import dev.orgplane.org.OrgServiceHarness;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who may do what with a job or batch once queued, on an engine with no free slot (its jobs stay queued): a
 * requester keeps reading what they asked for, but cancelling and retrying take the group's admin rights as
 * they are now, and a token scoped to one organization sees only the requests that involve it.
 */
class RequesterRightsTest {

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

  private static JsonObject newTenant(TemplateFixture template, String name) {
    return new JsonObject().put("templateOrganization", template.templateId())
        .put("target", new JsonObject().put("name", name).put("title", name));
  }

  @Test
  void aRequesterWhoIsNoLongerGroupAdminReadsTheirJobsButCannotRetryOrCancelThem() {
    var template = TemplateFixture.build(idle.org, "rights-template");
    var former = template.groupAdmin();
    var cancelledJob = idle.queue("/v1/provisioning/jobs", former.token(), newTenant(template, "never-retried"));
    var cancelledPath = "/v1/provisioning/jobs/" + cancelledJob.getString("id");
    assertEquals(200, idle.post(cancelledPath + "/cancel", former.token(), null).statusCode());
    var queuedPath = "/v1/provisioning/jobs/"
        + idle.queue("/v1/provisioning/jobs", former.token(), newTenant(template, "left-queued")).getString("id");
    var batchPath = "/v1/provisioning/batches/" + idle.queue("/v1/provisioning/batches", former.token(), new JsonObject()
        .put("templateOrganization", template.templateId())
        .put("targets", new JsonArray().add(new JsonObject().put("name", "batch-left-queued")))).getString("id");

    assertEquals(204, idle.org.send(HttpMethod.DELETE, "/v1/organization-groups/" + template.groupId() + "/admins/"
        + former.id(), platformAdmin(), null).statusCode());

    assertEquals("cancelled", idle.get(cancelledPath, former.token()).bodyAsJsonObject().getString("status"),
        "the requester still reads their job");
    assertEquals(200, idle.get(batchPath + "/jobs", former.token()).statusCode(), "and their batch");
    assertProblem(idle.post(cancelledPath + "/retry", former.token(), null), 404, "job_not_found");
    assertProblem(idle.post(queuedPath + "/cancel", former.token(), null), 404, "job_not_found");
    assertProblem(idle.post(batchPath + "/retry", former.token(), null), 404, "batch_not_found");
    assertProblem(idle.post(batchPath + "/cancel", former.token(), null), 404, "batch_not_found");
    assertEquals("queued", idle.get(queuedPath, former.token()).bodyAsJsonObject().getString("status"));
    assertEquals(1, idle.get(batchPath, former.token()).bodyAsJsonObject().getJsonObject("counts").getLong("queued"));

    // a platform admin still may; with the queue cleared, an engine with a slot shows what the refused retry left
    assertEquals(200, idle.post(queuedPath + "/cancel", platformAdmin(), null).statusCode());
    assertEquals(200, idle.post(batchPath + "/cancel", platformAdmin(), null).statusCode());
    var worker = idle.alongside(vertx, new JsonObject().put("ORGPLANE_ENGINE_WORKERS", "1"));
    try {
      // one slot takes jobs oldest first: once this later one has ended, a re-queued job would have run
      var later = idle.queue("/v1/provisioning/jobs", platformAdmin(), newTenant(template, "ran-after")
          .put("plugins", new JsonArray().add("roles")));
      assertEquals("succeeded", worker.awaitEnd("/v1/provisioning/jobs/" + later.getString("id"), platformAdmin())
          .getString("status"));
    } finally {
      worker.undeploy(vertx);
    }
    var job = idle.get(cancelledPath, platformAdmin()).bodyAsJsonObject();
    assertEquals("cancelled", job.getString("status"), job.encodePrettily());
    assertEquals(0, job.getInteger("attempts"), "the job never ran");
    assertProblem(idle.org.get("/v1/organizations/never-retried", platformAdmin()), 404, "organization_not_found");
  }

  @Test
  void aJobRetriedByAnotherAdminCreatesItsOrganizationForThemNotForTheFormerRequester() {
    var template = TemplateFixture.build(idle.org, "handover-template");
    var former = template.groupAdmin();
    var path = "/v1/provisioning/jobs/"
        + idle.queue("/v1/provisioning/jobs", former.token(), newTenant(template, "handed-over").put("plugins",
            new JsonArray().add("roles"))).getString("id");
    assertEquals(200, idle.post(path + "/cancel", former.token(), null).statusCode());
    assertEquals(204, idle.org.send(HttpMethod.DELETE, "/v1/organization-groups/" + template.groupId() + "/admins/"
        + former.id(), platformAdmin(), null).statusCode());
    var retrier = idle.org.get("/v1/users/me", platformAdmin()).bodyAsJsonObject().getString("id");

    var retried = idle.post(path + "/retry", platformAdmin(), null).bodyAsJsonObject();

    assertEquals(former.id(), retried.getString("requestedBy"));
    assertEquals(retrier, retried.getString("queuedBy"));
    var worker = idle.alongside(vertx, new JsonObject().put("ORGPLANE_ENGINE_WORKERS", "1"));
    JsonObject ended;
    try {
      ended = worker.awaitEnd(path, platformAdmin());
    } finally {
      worker.undeploy(vertx);
    }
    assertEquals("succeeded", ended.getString("status"), ended.encodePrettily());
    var membersPath = "/v1/organizations/" + ended.getString("targetOrganization") + "/users";
    var listed = idle.org.get(membersPath, platformAdmin());
    assertEquals(200, listed.statusCode(), listed.bodyAsString());
    var members = listed.bodyAsJsonObject()
        .getJsonArray("items").stream().map(JsonObject.class::cast)
        .map(member -> member.getString("userId") + " " + member.getJsonArray("roles")).toList();
    assertEquals(List.of(retrier + " [\"owner\"]"), members, "the retrier owns it; the former admin is no member");
    assertEquals("succeeded", idle.get(path, former.token()).bodyAsJsonObject().getString("status"),
        "the requester still reads their job");
  }

  /**
   * A platform admin reads, cancels and retries every job and batch, those of a group deleted since included: until
   * session 35 the engine asked org-service for the group, which shows a deleted one to no one, and answered the
   * platform admin 404 as it answers an outsider. Outsiders and the requester, whose admin rights went with the
   * group, are answered as before.
   */
  @Test
  void aPlatformAdminStillUsesTheJobsAndBatchesOfADeletedGroup() {
    var template = TemplateFixture.build(idle.org, "deleted-group-template");
    var requester = template.groupAdmin().token();
    var jobPath = "/v1/provisioning/jobs/"
        + idle.queue("/v1/provisioning/jobs", requester, newTenant(template, "of-deleted-group")).getString("id");
    var batchPath = "/v1/provisioning/batches/" + idle.queue("/v1/provisioning/batches", requester, new JsonObject()
        .put("templateOrganization", template.templateId())
        .put("targets", new JsonArray().add(new JsonObject().put("name", "batch-of-deleted-group")))).getString("id");
    assertEquals(204, idle.org.send(HttpMethod.DELETE, "/v1/organizations/" + template.templateId(), requester, null)
        .statusCode());
    var groupPath = "/v1/organization-groups/" + template.groupId();
    var tag = idle.org.get(groupPath, platformAdmin()).getHeader("ETag");
    assertEquals(204, idle.org.send(HttpMethod.DELETE, groupPath, platformAdmin(), null,
        MultiMap.caseInsensitiveMultiMap().add("If-Match", tag)).statusCode());

    var outsider = idle.org.newUser("deleted-group-outsider").token();
    assertProblem(idle.get(jobPath, outsider), 404, "job_not_found");
    assertProblem(idle.get(batchPath, outsider), 404, "batch_not_found");
    assertProblem(idle.post(jobPath + "/cancel", requester, null), 404, "job_not_found");
    assertProblem(idle.post(batchPath + "/cancel", requester, null), 404, "batch_not_found");
    assertEquals(200, idle.get(jobPath, requester).statusCode(), "the requester still reads their job");

    assertEquals("queued", idle.get(jobPath, platformAdmin()).bodyAsJsonObject().getString("status"));
    assertEquals(1, ids(idle.get(batchPath + "/jobs", platformAdmin()).bodyAsJsonObject()).size());
    assertEquals("cancelled", idle.post(jobPath + "/cancel", platformAdmin(), null).bodyAsJsonObject()
        .getString("status"));
    assertEquals("queued", idle.post(jobPath + "/retry", platformAdmin(), null).bodyAsJsonObject()
        .getString("status"));
    assertEquals(200, idle.post(batchPath + "/cancel", platformAdmin(), null).statusCode());
    assertEquals(1, idle.post(batchPath + "/retry", platformAdmin(), null).bodyAsJsonObject()
        .getJsonObject("counts").getLong("queued"));
    // nothing left queued for an engine another test starts
    assertEquals(200, idle.post(jobPath + "/cancel", platformAdmin(), null).statusCode());
    assertEquals(200, idle.post(batchPath + "/cancel", platformAdmin(), null).statusCode());
  }

  @Test
  void aTokenScopedToAnOrganizationSeesOnlyTheRequestsThatInvolveIt() {
    var template = TemplateFixture.build(idle.org, "scoped-template");
    var admin = template.groupAdmin();
    var created = idle.org.post("/v1/organizations", admin.token(), new JsonObject().put("name", "scoped-other")
        .put("title", "Other").put("groupId", template.groupId()));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    var other = created.bodyAsJsonObject().getString("id");
    var intoNew = idle.queue("/v1/provisioning/jobs", admin.token(), newTenant(template, "scoped-new")).getString("id");
    var intoOther = idle.queue("/v1/provisioning/jobs", admin.token(), new JsonObject()
        .put("templateOrganization", template.templateId()).put("targetOrganization", other)).getString("id");
    var batch = idle.queue("/v1/provisioning/batches", admin.token(), new JsonObject()
        .put("templateOrganization", template.templateId())
        .put("targets", new JsonArray().add(new JsonObject().put("name", "scoped-batch")))).getString("id");
    var inTemplate = scopedToken(template, admin, template.templateId());
    var inOther = scopedToken(template, admin, other);

    assertEquals(200, idle.get("/v1/provisioning/jobs/" + intoNew, inTemplate).statusCode());
    assertEquals(200, idle.get("/v1/provisioning/batches/" + batch, inTemplate).statusCode());
    assertEquals(200, idle.get("/v1/provisioning/jobs/" + intoOther, inOther).statusCode(), "its target");
    assertProblem(idle.get("/v1/provisioning/jobs/" + intoNew, inOther), 404, "job_not_found");
    assertProblem(idle.get("/v1/provisioning/batches/" + batch, inOther), 404, "batch_not_found");
    assertEquals(List.of(intoOther), ids(idle.get("/v1/provisioning/jobs", inOther).bodyAsJsonObject()));
    assertEquals(List.of(), ids(idle.get("/v1/provisioning/batches", inOther).bodyAsJsonObject()));
    assertEquals(List.of(batch), ids(idle.get("/v1/provisioning/batches", inTemplate).bodyAsJsonObject()));
    assertEquals(3, ids(idle.get("/v1/provisioning/jobs", inTemplate).bodyAsJsonObject()).size(),
        "two jobs and the batch's one, all from the template");
    assertProblem(idle.post("/v1/provisioning/jobs/" + intoNew + "/cancel", inTemplate, null), 404, "job_not_found");
    assertEquals("queued", idle.get("/v1/provisioning/jobs/" + intoNew, admin.token()).bodyAsJsonObject()
        .getString("status"), "a scoped token holds no group rights, so it cancels nothing");
    // nothing left queued for an engine another test starts
    idle.post("/v1/provisioning/batches/" + batch + "/cancel", admin.token(), null);
    List.of(intoNew, intoOther).forEach(id -> idle.post("/v1/provisioning/jobs/" + id + "/cancel", admin.token(), null));
  }

  @Test
  void strangersAndTokensScopedElsewhereNeitherWatchARequestNorListABatchsJobs() {
    var template = TemplateFixture.build(idle.org, "watched-template");
    var admin = template.groupAdmin();
    var job = idle.queue("/v1/provisioning/jobs", admin.token(), newTenant(template, "watched-job")).getString("id");
    var batch = idle.queue("/v1/provisioning/batches", admin.token(), new JsonObject()
        .put("templateOrganization", template.templateId())
        .put("targets", new JsonArray().add(new JsonObject().put("name", "watched-batch")))).getString("id");
    var created = idle.org.post("/v1/organizations", admin.token(), new JsonObject().put("name", "watched-other")
        .put("title", "Other").put("groupId", template.groupId()));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    var inOther = scopedToken(template, admin, created.bodyAsJsonObject().getString("id"));

    for (var token : List.of(idle.org.newUser("watcher").token(), inOther)) {
      var jobEvents = idle.get("/v1/provisioning/jobs/" + job + "/events", token);
      assertProblem(jobEvents, 404, "job_not_found");
      assertFalse(jobEvents.bodyAsString().contains("event:"), jobEvents.bodyAsString());
      var batchEvents = idle.get("/v1/provisioning/batches/" + batch + "/events", token);
      assertProblem(batchEvents, 404, "batch_not_found");
      assertFalse(batchEvents.bodyAsString().contains("event:"), batchEvents.bodyAsString());
      assertProblem(idle.get("/v1/provisioning/batches/" + batch + "/jobs", token), 404, "batch_not_found");
    }
    // nothing left queued for an engine another test starts
    assertEquals(200, idle.post("/v1/provisioning/batches/" + batch + "/cancel", admin.token(), null).statusCode());
    assertEquals(200, idle.post("/v1/provisioning/jobs/" + job + "/cancel", admin.token(), null).statusCode());
  }

  private static String scopedToken(TemplateFixture template, OrgServiceHarness.Account admin, String organization) {
    var response = idle.org.post("/v1/organization-groups/" + template.groupId() + "/organizations/" + organization
        + "/token", admin.token(), null);
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getString("access_token");
  }

  /**
   * A stream outlives the check its request passed: a group admin who loses the group while watching a job's or a
   * batch's events is let go at the stream's next check of their rights (every 60 polls, 6 s here), without an end,
   * and a reconnect is answered as any request of theirs, 404.
   */
  @Test
  void aFormerAdminWatchingAJobOrBatchIsLetGo() throws Exception {
    var template = TemplateFixture.build(idle.org, "let-go-template");
    var requester = template.groupAdmin().token();
    var jobPath = "/v1/provisioning/jobs/" + idle.queue("/v1/provisioning/jobs", requester, newTenant(template,
        "let-go-job")).getString("id");
    var batchPath = "/v1/provisioning/batches/" + idle.queue("/v1/provisioning/batches", requester, new JsonObject()
        .put("templateOrganization", template.templateId())
        .put("targets", new JsonArray().add(new JsonObject().put("name", "let-go-batch")))).getString("id");
    var watcher = idle.org.newVerifiedUser("watching-admin");
    var admins = "/v1/organization-groups/" + template.groupId() + "/admins/" + watcher.id();
    assertEquals(204, idle.org.send(HttpMethod.PUT, admins, platformAdmin(), null).statusCode());
    var streams = List.of(watch(jobPath, watcher.token()), watch(batchPath, watcher.token()));

    assertEquals(204, idle.org.send(HttpMethod.DELETE, admins, platformAdmin(), null).statusCode());

    for (var stream : streams) {
      var rest = stream.get(30, TimeUnit.SECONDS);
      assertFalse(rest.contains("event: end"), "the work goes on, the former admin no longer sees it: " + rest);
    }
    assertProblem(idle.get(jobPath + "/events", watcher.token()), 404, "job_not_found");
    assertProblem(idle.get(batchPath + "/events", watcher.token()), 404, "batch_not_found");
    assertEquals("queued", idle.get(jobPath, requester).bodyAsJsonObject().getString("status"));
  }

  /** Each stream read on a thread of its own, which a stream that never closes leaves behind. */
  private static final Executor OWN_THREAD = task -> {
    var thread = new Thread(task, "event-stream-reader");
    thread.setDaemon(true);
    thread.start();
  };

  /** Opens the event stream at {@code path}; answers what it sends after its first event, once it closes. */
  private static CompletableFuture<String> watch(String path, String token) throws Exception {
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + idle.port() + path + "/events"))
        .header("Authorization", "Bearer " + token).build();
    var lines = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofLines()).body().iterator();
    assertTrue(lines.next().startsWith("event: "), path);
    return CompletableFuture.supplyAsync(() -> {
      var rest = new StringBuilder();
      lines.forEachRemaining(line -> rest.append(line).append('\n'));
      return rest.toString();
    }, OWN_THREAD);
  }

  private static List<String> ids(JsonObject page) {
    return page.getJsonArray("items").stream().map(JsonObject.class::cast).map(item -> item.getString("id")).toList();
  }
}
