package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.engine.EngineHarness;
import dev.orgplane.engine.TemplateFixture;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A provisioning job whose copy would give its target more hooks than an organization may have. */
class HookLimitCopyTest {

  private static final Vertx VERTX = Vertx.vertx();

  @AfterAll
  static void stop() {
    VERTX.close().await();
  }

  /**
   * The template's 9 hooks and one more, stored before the limit of 9: the copy's refusal fails the job at once with
   * org-service's code (a retry would meet it again), and the target keeps the pages copied before it, within the
   * limit.
   */
  @Test
  void aCopyPastTheHookLimitFailsTheJobWithItsCode() {
    var engine = EngineHarness.withOrgService(VERTX, new JsonObject().put("ORGPLANE_HOOKS_PER_ORGANIZATION", "9"));
    var template = TemplateFixture.build(engine.org, "limit-template");
    PgFixture.execute(engine.db, "INSERT INTO org.hooks (org_id, id, name, url, events, secret) VALUES ('"
        + template.templateId() + "', gen_random_uuid(), 'before-the-limit', 'https://hooks.example.com/old', "
        + "'{queue.created}', 's')");

    var job = engine.provision(template.groupAdmin().token(), new JsonObject()
        .put("templateOrganization", template.templateId()).put("target", new JsonObject().put("name", "limited")));

    assertEquals("failed", job.getString("status"), job.encodePrettily());
    assertEquals("hook_limit_reached", job.getJsonObject("error").getString("code"), job.encodePrettily());
    assertEquals("failed", EngineHarness.step(job, "hooks").getString("status"), job.encodePrettily());
    var copied = PgFixture.queryLong(engine.db, "SELECT count(*) FROM org.hooks WHERE org_id = '"
        + job.getString("targetOrganization") + "'");
    assertTrue(copied <= 9, copied + " hooks copied");
  }
}
