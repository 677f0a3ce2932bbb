package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.copy.api.CopyPlugin;
import dev.orgplane.engine.plugin.PluginRegistry;
import io.vertx.core.Promise;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StepScheduleTest {

  // two chains side by side: roles -> users, and workspaces -> queues
  private static final Map<String, Set<String>> DEPENDS_ON = Map.of("roles", Set.of(), "users", Set.of("roles"),
      "workspaces", Set.of(), "queues", Set.of("workspaces"));

  private static Job.Step step(int position, String plugin, String status) {
    return new Job.Step(position, plugin, status, null, 0, 0, 0, 0);
  }

  private static StepSchedule schedule(String... succeededAlready) {
    var done = Set.of(succeededAlready);
    var steps = List.of("roles", "users", "workspaces", "queues");
    return new StepSchedule(steps.stream().map(p -> step(steps.indexOf(p), p, done.contains(p) ? "succeeded" : "queued"))
        .toList(), DEPENDS_ON::get);
  }

  @Test
  void independentChainsStartSideBySide() {
    var schedule = schedule();
    assertEquals(List.of("roles", "workspaces"), schedule.ready().stream().map(Job.Step::plugin).toList());
    schedule.succeeded("workspaces");
    assertEquals(List.of("queues"), schedule.ready().stream().map(Job.Step::plugin).toList());
  }

  @Test
  void aStepRemapsFreeFormIdsOnlyAfterEveryEarlierStepWhateverTheChain() {
    var schedule = schedule();
    schedule.ready();
    schedule.succeeded("workspaces");
    var queuesMayRemap = schedule.earlierSucceeded(3);
    assertFalse(queuesMayRemap.isComplete(), "roles and users, of the other chain, are not done yet");
    schedule.succeeded("roles");
    assertFalse(queuesMayRemap.isComplete());
    schedule.succeeded("users");
    assertTrue(queuesMayRemap.succeeded());
    assertTrue(schedule.earlierSucceeded(0).succeeded(), "the first step waits for nothing");
  }

  /**
   * Into a new tenant the built-in setup kinds (workspaces, schemas, queues, hooks) copy while roles, members and teams
   * still do: the queues' and hooks' pages wait for every step earlier in the run order, and the members' chain is
   * later, so they wait for workspaces and schemas only. Ranked first (by id), roles, members and teams
   * made one target's copy take both chains one after the other.
   */
  @Test
  void builtInSetupKindsCopyWhileTheMembersChainStillRuns() {
    var registry = PluginRegistry.discover(getClass().getClassLoader());
    var plugins = registry.inRunOrder().stream().map(CopyPlugin::id).toList();
    var schedule = new StepSchedule(plugins.stream().map(plugin -> step(plugins.indexOf(plugin), plugin, "queued"))
        .toList(), plugin -> registry.find(plugin).map(CopyPlugin::dependsOn).orElseThrow());
    assertEquals(Set.of("roles", "workspaces", "schemas"),
        Set.copyOf(schedule.ready().stream().map(Job.Step::plugin).toList()));
    var queuesMayRemap = schedule.earlierSucceeded(plugins.indexOf("queues"));
    var hooksMayRemap = schedule.earlierSucceeded(plugins.indexOf("hooks"));
    schedule.succeeded("workspaces");
    schedule.succeeded("schemas");
    assertTrue(queuesMayRemap.succeeded(), "queues copy while roles, members and teams still do: " + plugins);
    assertEquals(List.of("queues"), schedule.ready().stream().map(Job.Step::plugin).toList());
    schedule.succeeded("queues");
    assertTrue(hooksMayRemap.succeeded(), "hooks too: " + plugins);
  }

  @Test
  void aResumedJobCountsTheStepsItFinishedBefore() {
    var schedule = schedule("roles", "users", "workspaces");
    assertTrue(schedule.earlierSucceeded(3).succeeded());
  }

  /**
   * A job queued when members came before roles, resumed on an engine whose members plugin now depends on roles:
   * roles, positioned after members, waited to remap for members, which waited for roles to succeed, until the page
   * deadline failed the job. The order is the installed plugins' now; the member step done before stays done.
   */
  @Test
  void aResumedJobFollowsTheDependenciesInstalledNowNotItsPositions() {
    Map<String, Set<String>> upgraded = Map.of("members", Set.of("roles"), "roles", Set.of(), "hooks", Set.of());
    var schedule = new StepSchedule(List.of(step(0, "members", "running"), step(1, "roles", "queued"),
        step(2, "hooks", "queued")), upgraded::get);
    assertEquals(List.of("roles", "hooks"), schedule.ready().stream().map(Job.Step::plugin).toList());
    assertTrue(schedule.earlierSucceeded(1).succeeded(), "roles comes first now: it waits for nothing");
    var membersMayRemap = schedule.earlierSucceeded(0);
    var hooksMayRemap = schedule.earlierSucceeded(2);
    schedule.succeeded("roles");
    assertTrue(membersMayRemap.succeeded(), "members waits for roles only");
    assertEquals(List.of("members"), schedule.ready().stream().map(Job.Step::plugin).toList());
    assertFalse(hooksMayRemap.isComplete(), "hooks, still last, waits for members too");
    schedule.succeeded("members");
    assertTrue(hooksMayRemap.succeeded());

    var doneBefore = new StepSchedule(List.of(step(0, "members", "succeeded"), step(1, "roles", "queued")),
        upgraded::get);
    assertEquals(List.of("roles"), doneBefore.ready().stream().map(Job.Step::plugin).toList());
    assertTrue(doneBefore.earlierSucceeded(1).succeeded());
  }

  @Test
  void waitersGiveUpWhenTheJobStops() {
    var schedule = schedule();
    var queuesMayRemap = schedule.earlierSucceeded(3);
    schedule.stop(() -> { }, new IllegalStateException("cancelled"));
    assertTrue(queuesMayRemap.failed());
  }

  @Test
  void theStepThatStopsTheJobSaysWhyBeforeWaitersGiveUp() {
    var schedule = schedule();
    schedule.ready();
    var why = Promise.<String>promise();
    // a waiting step fails the moment it gives up, and would otherwise be first to say why the job ended
    schedule.earlierSucceeded(3).onFailure(gaveUp -> why.tryComplete("failed: " + gaveUp.getMessage()));
    schedule.stop(() -> why.tryComplete("cancelled"), new IllegalStateException("the job stopped"));
    assertEquals("cancelled", why.future().result());
  }

  @Test
  void aWaiterThatStopsTheJobAsItGivesUpLeavesTheOthersToGiveUpToo() {
    var schedule = schedule();
    schedule.ready();
    var cause = new IllegalStateException("the job stopped");
    // a waiting step that gives up fails, and its failure stops the job again, at once, from inside the first stop
    schedule.earlierSucceeded(2).onFailure(gaveUp -> schedule.stop(() -> { }, gaveUp));
    var queuesMayRemap = schedule.earlierSucceeded(3);
    assertDoesNotThrow(() -> schedule.stop(() -> { }, cause));
    assertTrue(queuesMayRemap.failed());
  }

  @Test
  void aWaiterThatStopsTheJobAsItGoesOnLeavesTheOthersToTheStop() {
    var schedule = schedule();
    schedule.ready();
    // a waiting step that may remap now goes on at once: its next page may fail, and stop the job, inside succeeded()
    schedule.earlierSucceeded(1).onSuccess(mayRemap -> schedule.stop(() -> { },
        new IllegalStateException("the job stopped")));
    var queuesMayRemap = schedule.earlierSucceeded(3);
    assertDoesNotThrow(() -> schedule.succeeded("roles"));
    assertTrue(queuesMayRemap.failed());
  }
}
