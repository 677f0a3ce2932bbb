package dev.orgplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The hook limit through the gateway, on real services and real tokens: a dry run fails where the copy would give its
 * new target more hooks than {@code ORGPLANE_HOOKS_PER_ORGANIZATION}, as the real job does, and writes nothing; the
 * limit and a template's count are read by its admin only. A platform of its own: the limit is platform-wide, made
 * {@value #LIMIT} here so that {@link GroupTemplate#build}'s smallest template (two hooks) is at it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HookLimitThroughTheGatewayTest {

  private static final int LIMIT = 2;

  private Platform platform;
  private Gateway gateway;
  /** {@value #LIMIT} hooks, at the limit. */
  private GroupTemplate fitting;
  /** One hook more than the limit. */
  private GroupTemplate overTheLimit;

  @BeforeAll
  void startPlatform() {
    platform = Platform.withSettings(Map.of("ORGPLANE_HOOKS_PER_ORGANIZATION", String.valueOf(LIMIT)));
    gateway = new Gateway(platform.baseUrl());
    fitting = GroupTemplate.build(gateway, platform, 1);
    assertEquals(LIMIT, fitting.hooks());
    overTheLimit = GroupTemplate.build(gateway, platform, 1);
    // no write through the API creates a hook past the limit: the template had this one before the limit was lowered
    PgFixture.execute(platform.database(), "INSERT INTO org.hooks (org_id, id, name, url, events, secret) VALUES ('"
        + overTheLimit.templateId() + "', gen_random_uuid(), 'before-the-limit', 'https://hooks.example.com/old', "
        + "'{queue.created}', 's')");
  }

  @AfterAll
  void stopPlatform() {
    if (platform != null) {
      platform.close();
    }
  }

  /**
   * The dry run of a new target fails with the code, the limit and the count the copy would reach, naming the hooks
   * plugin; the target is not there afterwards. The real job then fails with the same error.
   */
  @Test
  void aDryRunPastTheLimitFailsAsTheJobDoesAndWritesNothing() {
    var target = "limited-" + UUID.randomUUID().toString().substring(0, 8);

    var plan = provision(overTheLimit, target, true);

    assertEquals("failed", plan.getString("status"), plan.encodePrettily());
    var error = plan.getJsonObject("error");
    assertEquals("hook_limit_reached", error.getString("code"), plan.encodePrettily());
    assertEquals("hooks", error.getString("plugin"), plan.encodePrettily());
    assertTrue(error.getString("detail").contains("at most " + LIMIT + " hooks; this one would have " + (LIMIT + 1)),
        plan.encodePrettily());
    assertEquals(List.of(), organizationsNamed(target), "the dry run wrote no target");

    var job = provision(overTheLimit, target, false);

    assertEquals("failed", job.getString("status"), job.encodePrettily());
    assertEquals(error, job.getJsonObject("error"), job.encodePrettily());
    // the real job made its target before its hooks were refused: the look-up above would have seen the dry run's
    assertEquals(List.of(job.getString("targetOrganization")), organizationsNamed(target));
  }

  /** The template's hooks, as many as the limit, planned into a new target that has none. */
  @Test
  void aDryRunAtTheLimitSucceeds() {
    var plan = provision(fitting, "fitting-" + UUID.randomUUID().toString().substring(0, 8), true);

    assertEquals("succeeded", plan.getString("status"), plan.encodePrettily());
    assertNull(plan.getJsonObject("error"), plan.encodePrettily());
    var hooks = plan.getJsonArray("steps").stream().map(JsonObject.class::cast)
        .filter(step -> step.getString("plugin").equals("hooks")).findFirst().orElseThrow();
    assertEquals(LIMIT, hooks.getLong("created"), plan.encodePrettily());
  }

  /** Read by the template's admin, over the limit too; not without a token, nor by another tenant's owner. */
  @Test
  void theLimitAndTheCountAreReadByTheTemplatesAdminOnly() {
    var path = "/v1/organizations/" + overTheLimit.templateId() + "/hook-limit";

    var read = gateway.get(path, overTheLimit.adminToken());
    assertEquals(200, read.status(), read.body());
    assertEquals(new JsonObject().put("limit", LIMIT).put("hooks", LIMIT + 1), read.json());

    var anonymous = gateway.get(path, null);
    assertEquals(401, anonymous.status(), anonymous.body());
    assertEquals("application/problem+json", anonymous.contentType(), anonymous.body());
    assertEquals("invalid_token", anonymous.json().getString("code"), anonymous.body());
    // the other template's admin owns an organization of another group, and is no member of this one
    var stranger = gateway.get(path, fitting.adminToken());
    assertEquals(404, stranger.status(), stranger.body());
    assertEquals("application/problem+json", stranger.contentType(), stranger.body());
    assertEquals("organization_not_found", stranger.json().getString("code"), stranger.body());
  }

  /** The ids of the organizations named {@code name}, as the operator, who sees every organization, finds them. */
  private List<String> organizationsNamed(String name) {
    var operator = gateway.token(platform.adminEmail(), platform.adminPassword());
    var found = gateway.get("/v1/organizations?q=" + name, operator);
    assertEquals(200, found.status(), found.body());
    return found.json().getJsonArray("items").stream().map(JsonObject.class::cast)
        .map(organization -> organization.getString("id")).toList();
  }

  /** The job copying {@code template} into a new organization named {@code target}, once it has ended. */
  private JsonObject provision(GroupTemplate template, String target, boolean dryRun) {
    var queued = gateway.postJson("/v1/provisioning/jobs", template.adminToken(), new JsonObject()
        .put("templateOrganization", template.templateId()).put("dryRun", dryRun)
        .put("target", new JsonObject().put("name", target).put("title", target)));
    assertEquals(202, queued.status(), queued.body());
    return template.awaitEnd(gateway, "/v1/provisioning/jobs/" + queued.json().getString("id"), 30_000);
  }
}
