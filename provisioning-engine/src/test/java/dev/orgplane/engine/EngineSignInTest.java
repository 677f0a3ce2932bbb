package dev.orgplane.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

    var job = engine.provision(template.groupAdmin().token(), new JsonObject()
        .put("templateOrganization", template.templateId())
        .put("target", new JsonObject().put("name", "sign-in-target").put("title", "Signed in")));
    assertEquals("succeeded", job.getString("status"), job.encodePrettily());
  }
}
