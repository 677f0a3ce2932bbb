package dev.orgplane.engine.job;

import static dev.orgplane.engine.WatchedTemplate.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.engine.EngineHarness;
import dev.orgplane.engine.WatchedTemplate;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A page whose write landed but whose answer was lost is tried again, and counts what the write created: the retry
 * gets the answer of the write. It found the copies there, and counted them unchanged, so a job's steps, its batch's
 * totals and {@code orgplane provision}'s summary said the job created fewer objects than it did.
 */
class LostPageAnswerTest {

  @RegisterExtension
  static final WatchedTemplate watched = new WatchedTemplate(
      new JsonObject().put("ORGPLANE_ENGINE_ORG_TIMEOUT_SECONDS", "1"), "lost-page");

  @Test
  void aPageWhoseAnswerWasLostCountsItsCopiesCreated() {
    watched.relay().clear();
    watched.relay().loseAnswerOnce(seen -> seen.method().equals("POST") && seen.path().endsWith("/workspaces:copy"));

    var batch = watched.engine().provisionBatch(watched.token(), new JsonObject()
        .put("templateOrganization", watched.template().templateId())
        .put("targets", new JsonArray().add(new JsonObject().put("name", "lost-page-" + unique()))));

    assertEquals("succeeded", batch.getString("status"), batch.encodePrettily());
    var job = watched.engine().get("/v1/provisioning/batches/" + batch.getString("id") + "/jobs", watched.token())
        .bodyAsJsonObject().getJsonArray("items").getJsonObject(0);
    var workspaces = EngineHarness.step(job, "workspaces");
    // the template's five workspaces, in pages of four: the first page's answer was lost
    assertEquals(5, workspaces.getLong("created"), job.encodePrettily());
    assertEquals(0, workspaces.getLong("unchanged"), job.encodePrettily());
    // two pages, and the lost one again (more on a machine so slow that another call outlived its second)
    assertTrue(watched.relay().seen().stream()
        .filter(seen -> seen.method().equals("POST") && seen.path().endsWith("/workspaces:copy")).count() >= 3,
        "the page whose answer was lost was tried again");
  }
}
