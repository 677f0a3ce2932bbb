package dev.orgplane.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.kit.testing.TcpProxy;
import dev.orgplane.org.OrgServiceHarness;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine signs in at org-service with whatever credentials both are given. */
class EngineSignInTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  /**
   * A secret as {@code openssl rand -base64} makes one (a {@code +}, here a {@code %} too) and a client id read from a
   * file (its line break kept). The engine sent both as plain HTTP Basic, and its id untrimmed, where org-service
   * form-decodes them (RFC 6749 2.3.1) and trims the id it stores: every sign-in was refused, {@code invalid_client},
   * and the engine, ready all the same, never finished a job.
   */
  @Test
  void aBase64SecretAndAnIdWithALineBreakSignIn() {
    var credentials = new JsonObject().put("ORGPLANE_ENGINE_CLIENT_ID", OrgServiceHarness.ENGINE_CLIENT_ID + "\n")
        .put("ORGPLANE_ENGINE_CLIENT_SECRET", "a+b/c%d=e f");
    var engine = EngineHarness.start(vertx, credentials, credentials);
    var template = TemplateFixture.build(engine.org, "sign-in-template");

    assertProvisions(engine, template, "sign-in-target");
  }

  /**
   * org-service restarted with the engine's revoked credential restored ends the engine's sessions, the token it holds
   * among them (as a changed secret does, the engine given the new one): refused (401), the engine signs in again and
   * goes on, with no restart of its own.
   */
  @Test
  void anEngineWhoseSessionsARestartOfOrgServiceEndedSignsInAgain() {
    var orgService = new JsonObject().put("ORGPLANE_ORG_SERVICE_PORT", String.valueOf(TcpProxy.freePort()));
    var engine = EngineHarness.start(vertx, new JsonObject(), orgService);
    var template = TemplateFixture.build(engine.org, "restart-template");
    assertProvisions(engine, template, "before-restart");
    PgFixture.execute(engine.db, "UPDATE org.service_credentials SET revoked_at = now()");
    engine.org.undeploy(vertx);

    OrgServiceHarness.start(vertx, engine.db, orgService);

    assertEquals(1, PgFixture.queryLong(engine.db,
        "SELECT count(*) FROM org.users WHERE provisioner AND sessions_ended_at IS NOT NULL"), "its sessions ended");
    assertProvisions(engine, template, "after-restart");
  }

  private static void assertProvisions(EngineHarness engine, TemplateFixture template, String target) {
    var job = engine.provision(template.groupAdmin().token(), new JsonObject()
        .put("templateOrganization", template.templateId())
        .put("target", new JsonObject().put("name", target).put("title", target)));
    assertEquals("succeeded", job.getString("status"), job.encodePrettily());
  }
}
