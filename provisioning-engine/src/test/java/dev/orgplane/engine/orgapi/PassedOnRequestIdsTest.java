package dev.orgplane.engine.orgapi;

import static dev.orgplane.engine.WatchedTemplate.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.orgplane.engine.CountingRelay.Seen;
import dev.orgplane.engine.WatchedTemplate;
import dev.orgplane.kit.http.RequestIds;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * org-service hears the engine's calls for a client's request under that request's id, and a job's calls under the
 * job's ({@code job-} and its id), so that its log lines of them are found by the id the client was answered with.
 * The engine is watched through a relay in front of the real org-service.
 */
class PassedOnRequestIdsTest {

  @RegisterExtension
  static final WatchedTemplate watched = new WatchedTemplate(new JsonObject(), "traced");

  /** {@code method} {@code path} at the engine as the group admin, in a request of id {@code requestId}. */
  private static HttpResponse<Buffer> send(HttpMethod method, String path, JsonObject body, String requestId) {
    var response = watched.engine().send(method, path, watched.token(), body,
        MultiMap.caseInsensitiveMultiMap().add(RequestIds.HEADER, requestId));
    assertEquals(requestId, response.getHeader(RequestIds.HEADER), "the engine kept the caller's id");
    return response;
  }

  private static boolean asCaller(Seen seen) {
    return ("Bearer " + watched.token()).equals(seen.authorization());
  }

  /** The request ids org-service heard with {@code calls}. */
  private static Set<String> idsOf(List<Seen> calls) {
    assertFalse(calls.isEmpty(), "org-service was asked");
    return calls.stream().map(Seen::requestId).collect(Collectors.toSet());
  }

  @Test
  void aJobsAccessChecksCarryTheCallersRequestIdAndItsRunTheJobsOwn() {
    var template = watched.template();
    watched.relay().clear();
    var queued = send(HttpMethod.POST, "/v1/provisioning/jobs", new JsonObject()
        .put("templateOrganization", template.templateId())
        .put("target", new JsonObject().put("name", "traced-" + unique())), "trace-job-1");
    assertEquals(202, queued.statusCode(), queued.bodyAsString());
    var checks = watched.relay().seen().stream().filter(PassedOnRequestIdsTest::asCaller).toList();
    assertEquals(Set.of("GET /v1/organizations/" + template.templateId(),
            "GET /v1/organization-groups/" + template.groupId()),
        checks.stream().map(seen -> seen.method() + " " + seen.path()).collect(Collectors.toSet()));
    assertEquals(Set.of("trace-job-1"), idsOf(checks));

    var jobId = queued.bodyAsJsonObject().getString("id");
    var job = watched.engine().awaitEnd("/v1/provisioning/jobs/" + jobId, watched.token());
    assertEquals("succeeded", job.getString("status"), job.encodePrettily());
    var target = "/v1/organizations/" + job.getString("targetOrganization");
    var run = watched.relay().seen().stream().filter(seen -> !asCaller(seen) && seen.path().startsWith(target))
        .toList();
    assertEquals(Set.of(OrgApiClient.JOB_REQUEST_ID + jobId), idsOf(run), "the run outlived the request");
  }

  @Test
  void aRolloutReadsTheTenantsItSelectsUnderTheCallersRequestId() {
    var template = watched.template();
    var tenant = watched.engine().org.post("/v1/organizations", watched.engine().org.engineToken(), new JsonObject()
        .put("name", "tenant-" + unique()).put("title", "Tenant").put("groupId", template.groupId())
        .put("ownerId", template.groupAdmin().id())
        .put("provisionedFrom", new JsonObject().put("templateId", template.templateId())
            .put("jobId", UUID.randomUUID().toString())));
    assertEquals(201, tenant.statusCode(), tenant.bodyAsString());
    watched.relay().clear();
    var queued = send(HttpMethod.POST, "/v1/provisioning/batches", new JsonObject()
        .put("templateOrganization", template.templateId()).put("select", "provisionedFrom").put("dryRun", true),
        "trace-rollout-1");
    assertEquals(202, queued.statusCode(), queued.bodyAsString());
    var listed = watched.relay().seen().stream()
        .filter(seen -> asCaller(seen) && seen.path().equals("/v1/organizations")).toList();
    assertEquals(Set.of("trace-rollout-1"), idsOf(listed));
    watched.engine().awaitEnd("/v1/provisioning/batches/" + queued.bodyAsJsonObject().getString("id"),
        watched.token());
  }

  @Test
  void aDiffsChecksAndReadsCarryTheCallersRequestId() {
    var template = watched.template();
    var copy = watched.engine().org.post("/v1/organizations", watched.token(), new JsonObject()
        .put("name", "compared-" + unique()).put("title", "Compared").put("groupId", template.groupId()));
    assertEquals(201, copy.statusCode(), copy.bodyAsString());
    watched.relay().clear();
    var diff = send(HttpMethod.GET, "/v1/provisioning/diff?source=" + template.templateId() + "&target="
        + copy.bodyAsJsonObject().getString("id"), null, "trace-diff-1");
    assertEquals(200, diff.statusCode(), diff.bodyAsString());
    var calls = watched.relay().seen().stream().filter(seen -> seen.path().startsWith("/v1/organization")).toList();
    assertEquals(Set.of("trace-diff-1"), idsOf(calls.stream().filter(PassedOnRequestIdsTest::asCaller).toList()));
    assertEquals(Set.of("trace-diff-1"), idsOf(calls.stream().filter(seen -> !asCaller(seen)).toList()),
        "the plugins' reads, with the engine's identity");
  }
}
