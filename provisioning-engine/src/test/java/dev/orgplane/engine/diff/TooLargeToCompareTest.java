package dev.orgplane.engine.diff;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.copy.api.OrgObjectsPlugin;
import dev.orgplane.engine.EngineHarness;
import dev.orgplane.engine.TemplateFixture;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A diff holds the template's and the target's lists whole, and a dry run the target's: an organization with more
 * objects of a kind than {@link OrgObjectsPlugin#MAX_HELD_OBJECTS} is refused with a code rather than read into the
 * engine's heap until it runs out.
 */
class TooLargeToCompareTest {

  private static final Vertx VERTX = Vertx.vertx();
  private static EngineHarness engine;
  private static TemplateFixture template;

  @BeforeAll
  static void start() {
    engine = EngineHarness.withOrgService(VERTX, new JsonObject());
    template = TemplateFixture.build(engine.org, "too-large");
  }

  @AfterAll
  static void stop() {
    VERTX.close().await();
  }

  /** A new organization of the template's group, with {@code workspaces} more workspaces than the bound. */
  private static String organizationWithWorkspaces(String name, int workspaces) {
    var created = engine.org.post("/v1/organizations", template.groupAdmin().token(), new JsonObject()
        .put("name", name).put("title", name).put("groupId", template.groupId()));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    var id = created.bodyAsJsonObject().getString("id");
    PgFixture.execute(engine.db, "INSERT INTO org.workspaces (org_id, id, name) SELECT '" + id
        + "', gen_random_uuid(), 'ws-' || n FROM generate_series(1, " + workspaces + ") n");
    return id;
  }

  private static io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> diff(String source,
      String target) {
    return engine.get("/v1/provisioning/diff?source=" + source + "&target=" + target,
        template.groupAdmin().token());
  }

  @Test
  void aDiffIntoATargetWithMoreObjectsOfAKindThanTheBoundIs422TargetTooLarge() {
    var target = organizationWithWorkspaces("large-target", OrgObjectsPlugin.MAX_HELD_OBJECTS + 1);

    assertProblem(diff(template.templateId(), target), 422, OrgObjectsPlugin.TARGET_TOO_LARGE);
  }

  @Test
  void aDiffOfATemplateWithMoreObjectsOfAKindThanTheBoundIs422TemplateTooLarge() {
    var source = organizationWithWorkspaces("large-source", OrgObjectsPlugin.MAX_HELD_OBJECTS + 1);
    var target = organizationWithWorkspaces("small-target", 0);

    assertProblem(diff(source, target), 422, OrgObjectsPlugin.TEMPLATE_TOO_LARGE);
  }

  @Test
  void aDryRunIntoATargetWithMoreObjectsOfAKindThanTheBoundFailsTargetTooLarge() {
    var target = organizationWithWorkspaces("large-dry-run-target", OrgObjectsPlugin.MAX_HELD_OBJECTS + 1);

    var job = engine.provision(template.groupAdmin().token(), new JsonObject()
        .put("templateOrganization", template.templateId()).put("targetOrganization", target).put("dryRun", true));

    assertEquals("failed", job.getString("status"), job.encodePrettily());
    assertEquals(OrgObjectsPlugin.TARGET_TOO_LARGE, job.getJsonObject("error").getString("code"),
        job.encodePrettily());
  }
}
