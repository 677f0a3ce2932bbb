package dev.orgplane.engine.job;

import static dev.orgplane.engine.WatchedTemplate.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.engine.WatchedTemplate;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A call org-service never answers (a stuck handler, a connection to a host that died) is given up after
 * {@code ORGPLANE_ENGINE_ORG_TIMEOUT_SECONDS} and sent again: the job goes on, where it ran for ever before, its lease
 * renewed by the heartbeat and its cancel never reached.
 */
class UnansweredCallTest {

  @RegisterExtension
  static final WatchedTemplate watched = new WatchedTemplate(
      new JsonObject().put("ORGPLANE_ENGINE_ORG_TIMEOUT_SECONDS", "1"), "unanswered");

  @Test
  void aCallLeftUnansweredIsSentAgainAndTheJobSucceeds() {
    var template = watched.template();
    var roles = "/v1/organizations/" + template.templateId() + "/roles";
    watched.relay().leaveUnansweredOnce(roles);

    var job = watched.engine().provision(watched.token(), new JsonObject()
        .put("templateOrganization", template.templateId())
        .put("target", new JsonObject().put("name", "unanswered-" + unique())));

    assertEquals("succeeded", job.getString("status"), job.encodePrettily());
    assertEquals(1, job.getInteger("attempts"), "retried within the run, not by a takeover");
    // the unanswered read and its retry; more on a machine so slow that the retry too went the second of the
    // timeout without an answer
    var reads = watched.relay().count("GET", roles);
    assertTrue(reads >= 2, reads + " reads: the unanswered one was not sent again");
  }
}
