package dev.orgplane.engine.job;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A requester's own jobs are served by the engine without asking org-service, so it is the engine's copy of the
 * revoked tokens (read from org-service on a period) that refuses a token whose sessions ended.
 */
class EndedSessionsTest extends TemplateEngineTest {

  @BeforeAll
  static void start() {
    startEngine(new JsonObject().put("ORGPLANE_ENGINE_WORKERS", "0")
        .put("ORGPLANE_REVOCATION_RELOAD_MILLIS", "200"), "sessions-template");
  }

  @Test
  void aRequesterWhoSignedOutEverywhereIsRefusedByTheEngineWithinAReload() throws Exception {
    var requester = template.groupAdmin();
    var job = engine.post("/v1/provisioning/jobs", requester.token(), new JsonObject()
        .put("templateOrganization", template.templateId())
        .put("target", new JsonObject().put("name", "signed-out").put("title", "Signed out"))).bodyAsJsonObject();
    var path = "/v1/provisioning/jobs/" + job.getString("id");
    assertEquals(200, engine.get(path, requester.token()).statusCode());
    Thread.sleep(1_100); // tokens count whole seconds: the one in hand must be a second older than the end

    assertEquals(204, engine.org.send(HttpMethod.DELETE, "/v1/users/me/sessions", requester.token(), null).statusCode());

    // a reload every 200 ms, but a busy machine may delay both it and the tell from org-service
    var deadline = System.currentTimeMillis() + 15_000;
    while (engine.get(path, requester.token()).statusCode() != 401) {
      assertTrue(System.currentTimeMillis() < deadline, "the engine still takes the ended token after 15 s");
      Thread.sleep(20);
    }
    assertProblem(engine.post(path + "/cancel", requester.token(), null), 401, "invalid_token");
    assertProblem(engine.get("/v1/provisioning/jobs", requester.token()), 401, "invalid_token");
    var fresh = engine.org.token(requester.email(), "password-group-admin-123");
    assertEquals("queued", engine.get(path, fresh).bodyAsJsonObject().getString("status"),
        "signed in again, the requester finds the job as it was: the refused cancel did nothing");
  }
}
