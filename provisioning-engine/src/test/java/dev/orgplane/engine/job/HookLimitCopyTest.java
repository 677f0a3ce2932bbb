package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.copy.api.HookAllowance;
import dev.orgplane.engine.EngineHarness;
import dev.orgplane.engine.TemplateFixture;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A provisioning job, and its dry run, whose copy would give its target more hooks than an organization may have. */
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
    var engine = limitedTo(9);
    var template = TemplateFixture.build(engine.org, "limit-template");
    storedBeforeTheLimit(engine, template);

    var job = engine.provision(template.groupAdmin().token(), provisioning(template, "limited"));

    assertEquals("failed", job.getString("status"), job.encodePrettily());
    assertEquals("hook_limit_reached", job.getJsonObject("error").getString("code"), job.encodePrettily());
    assertEquals("failed", EngineHarness.step(job, "hooks").getString("status"), job.encodePrettily());
    var copied = PgFixture.queryLong(engine.db, "SELECT count(*) FROM org.hooks WHERE org_id = '"
        + job.getString("targetOrganization") + "'");
    assertTrue(copied <= 9, copied + " hooks copied");
  }

  /**
   * The same template dry run: the plan fails as the copy does, with org-service's code, and names the limit and the
   * count the run would reach, all 10 template hooks copied into a target that has none; nothing is written, not even
   * the target. The real run then fails with the same error (its last page passes the limit, at the same count).
   */
  @Test
  void aDryRunPastTheHookLimitFailsWithItsCodeTheLimitAndTheCount() {
    var engine = limitedTo(9);
    var template = TemplateFixture.build(engine.org, "limit-template");
    storedBeforeTheLimit(engine, template);

    var plan = engine.provision(template.groupAdmin().token(), provisioning(template, "limited").put("dryRun", true));

    assertEquals("failed", plan.getString("status"), plan.encodePrettily());
    var error = plan.getJsonObject("error");
    assertEquals("hook_limit_reached", error.getString("code"), plan.encodePrettily());
    assertTrue(error.getString("detail").contains(HookAllowance.refusal(9, 10)), plan.encodePrettily());
    assertEquals("failed", EngineHarness.step(plan, "hooks").getString("status"), plan.encodePrettily());
    assertEquals(0, PgFixture.queryLong(engine.db, "SELECT count(*) FROM org.organizations WHERE name = 'limited'"));
    var job = engine.provision(template.groupAdmin().token(), provisioning(template, "limited"));
    assertEquals(job.getJsonObject("error"), error, job.encodePrettily());
  }

  /** A template whose hooks fit plans as before: each of its 9 hooks to create in a new target at the limit of 9. */
  @Test
  void aDryRunWithinTheHookLimitPlansTheHooks() {
    var engine = limitedTo(9);
    var template = TemplateFixture.build(engine.org, "fitting-template");

    var plan = engine.provision(template.groupAdmin().token(), provisioning(template, "fitting").put("dryRun", true));

    assertEquals("succeeded", plan.getString("status"), plan.encodePrettily());
    assertEquals(9, EngineHarness.step(plan, "hooks").getLong("created"), plan.encodePrettily());
  }

  /**
   * A re-run's dry run into a target that has the template's 9 hooks copied, at the limit of 9, creates none of them
   * and counts none of them against the limit: it succeeds, as the re-run does.
   */
  @Test
  void aReRunsDryRunCountsOnlyTheHooksItWouldCreate() {
    var engine = limitedTo(9);
    var template = TemplateFixture.build(engine.org, "copied-template");
    var request = provisioning(template, "copied");
    var copy = engine.provision(template.groupAdmin().token(), request);
    assertEquals("succeeded", copy.getString("status"), copy.encodePrettily());

    var plan = engine.provision(template.groupAdmin().token(), request.copy().put("dryRun", true));

    assertEquals("succeeded", plan.getString("status"), plan.encodePrettily());
    assertEquals(copy.getString("targetOrganization"), plan.getString("targetOrganization"), plan.encodePrettily());
    var hooks = EngineHarness.step(plan, "hooks");
    assertEquals(0, hooks.getLong("created"), plan.encodePrettily());
    assertEquals(9, hooks.getLong("unchanged"), plan.encodePrettily());
  }

  private static EngineHarness limitedTo(int hooks) {
    return EngineHarness.withOrgService(VERTX,
        new JsonObject().put("ORGPLANE_HOOKS_PER_ORGANIZATION", String.valueOf(hooks)));
  }

  /** One hook more in the template, stored as if from before the limit of 9: the template has 10. */
  private static void storedBeforeTheLimit(EngineHarness engine, TemplateFixture template) {
    PgFixture.execute(engine.db, "INSERT INTO org.hooks (org_id, id, name, url, events, secret) VALUES ('"
        + template.templateId() + "', gen_random_uuid(), 'before-the-limit', 'https://hooks.example.com/old', "
        + "'{queue.created}', 's')");
  }

  private static JsonObject provisioning(TemplateFixture template, String target) {
    return new JsonObject().put("templateOrganization", template.templateId())
        .put("target", new JsonObject().put("name", target));
  }
}
