package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.engine.EngineHarness;
import dev.orgplane.engine.TemplateFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A call org-service never answers (a stuck handler, a connection to a host that died) is given up after
 * {@code ORGPLANE_ENGINE_ORG_TIMEOUT_SECONDS} and sent again: the job goes on, where it ran for ever before, its lease
 * renewed by the heartbeat and its cancel never reached.
 */
class UnansweredCallTest {

  private static Vertx vertx;
  private static EngineHarness.Watched watched;
  private static TemplateFixture template;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    watched = EngineHarness.watched(vertx, new JsonObject().put("ORGPLANE_ENGINE_ORG_TIMEOUT_SECONDS", "1"));
    template = TemplateFixture.build(watched.engine().org, "unanswered-" + UUID.randomUUID().toString().substring(0, 8));
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void aCallLeftUnansweredIsSentAgainAndTheJobSucceeds() {
    var roles = "/v1/organizations/" + template.templateId() + "/roles";
    watched.relay().leaveUnansweredOnce(roles);

    var job = watched.engine().provision(template.groupAdmin().token(), new JsonObject()
        .put("templateOrganization", template.templateId())
        .put("target", new JsonObject().put("name", "unanswered-" + UUID.randomUUID().toString().substring(0, 8))));

    assertEquals("succeeded", job.getString("status"), job.encodePrettily());
    assertEquals(1, job.getInteger("attempts"), "retried within the run, not by a takeover");
    assertEquals(2, watched.relay().count("GET", roles), "the unanswered read and its retry");
  }
}
