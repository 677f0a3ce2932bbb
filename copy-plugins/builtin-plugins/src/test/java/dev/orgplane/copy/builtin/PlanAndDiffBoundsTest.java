package dev.orgplane.copy.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyFailure;
import dev.orgplane.copy.api.OncePerRun;
import dev.orgplane.copy.api.OrgObjectsPlugin;
import dev.orgplane.copy.testkit.InMemoryOrgApi;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A plan compares with the whole target and a diff with the whole template and target, which they hold: past
 * {@link OrgObjectsPlugin#MAX_HELD_OBJECTS} objects of a kind they fail with a code of their own rather than run the
 * engine out of heap (org-service bounds no organization's members).
 */
class PlanAndDiffBoundsTest {

  private static final String TEMPLATE = PluginRun.TEMPLATE;
  private static final String TARGET = PluginRun.TARGET;
  private static final int BOUND = OrgObjectsPlugin.MAX_HELD_OBJECTS;

  private static void addMembers(InMemoryOrgApi org, String organization, int count) {
    for (int i = 0; i < count; i++) {
      var userId = UUID.randomUUID().toString();
      org.objects(organization, "users").put(userId, new JsonObject().put("userId", userId)
          .put("roles", new JsonArray().add("member")));
    }
  }

  private static PluginRun run(InMemoryOrgApi org) {
    return new PluginRun(org, UUID.randomUUID().toString(), TARGET, 500, new OncePerRun());
  }

  private static void assertFailsWith(String code, Future<?> compared) {
    compared.otherwiseEmpty().await();
    var failure = assertInstanceOf(CopyFailure.class, compared.cause(), "failed");
    assertEquals(code, failure.code());
    assertTrue(failure.getMessage().contains(String.valueOf(BOUND)), failure.getMessage());
  }

  @Test
  void aDiffOfATemplateWithMoreMembersThanTheBoundFailsTemplateTooLarge() {
    var org = new InMemoryOrgApi();
    addMembers(org, TEMPLATE, BOUND + 1);

    assertFailsWith(OrgObjectsPlugin.TEMPLATE_TOO_LARGE, new UsersPlugin().diff(run(org)));
  }

  @Test
  void aDiffIntoATargetWithMoreMembersThanTheBoundFailsTargetTooLarge() {
    var org = new InMemoryOrgApi();
    addMembers(org, TEMPLATE, 1);
    addMembers(org, TARGET, BOUND + 1);

    assertFailsWith(OrgObjectsPlugin.TARGET_TOO_LARGE, new UsersPlugin().diff(run(org)));
  }

  @Test
  void aPlanIntoATargetWithMoreMembersThanTheBoundFailsTargetTooLarge() {
    var org = new InMemoryOrgApi();
    addMembers(org, TEMPLATE, 1);
    addMembers(org, TARGET, BOUND + 1);

    assertFailsWith(OrgObjectsPlugin.TARGET_TOO_LARGE,
        new UsersPlugin().plan(run(org), Checkpoint.START));
  }

  @Test
  void aDiffOfATemplateAndATargetAtTheBoundIsAnswered() {
    var org = new InMemoryOrgApi();
    addMembers(org, TEMPLATE, BOUND);
    addMembers(org, TARGET, BOUND);

    var diff = new UsersPlugin().diff(run(org)).await();

    assertEquals(BOUND, diff.missing().size());
  }
}
