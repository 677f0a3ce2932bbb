package dev.orgplane.copy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.CopyPlugin;
import dev.orgplane.copy.api.OrgObjectsPlugin;
import dev.orgplane.copy.api.PageResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The kit fails a plugin the engine would run wrongly. The contracts below are nested, so that the build does not run
 * them as tests of their own; this test runs them and reads which of their tests failed.
 */
class CopyPluginContractTest {

  /** Roles copied by the rules. */
  static class Roles extends OrgObjectsPlugin {
    Roles() {
      super("roles", "roles", Set.of(), List.of("name", "title", "permissions", "metadata"));
    }
  }

  /** Roles whose copies are named after the job as well: every new job (a re-run) makes them again. */
  static final class JobScopedRoles extends Roles {
    @Override
    protected String targetId(CopyContext context, String sourceId) {
      return context.ids().copyOf(context.jobId() + ":" + sourceId);
    }
  }

  /** Roles copied by the rules, that also note in the template which target each page went to. */
  static final class TemplateWritingRoles extends Roles {
    @Override
    public Future<PageResult> copy(CopyContext context, Checkpoint from) {
      return super.copy(context, from).compose(page -> context.org().put(context.sourceOrganization(), "notes",
          context.ids().copyOf(context.sourceOrganization()), new JsonObject().put("copiedInto",
              context.targetOrganization())).map(page));
    }
  }

  static void roles(TemplateWriter template) {
    for (int i = 0; i < 7; i++) {
      template.add("roles", new JsonObject().put("name", "role-" + i).put("title", "Role " + i)
          .put("permissions", new JsonArray().add("app_organization_get")).put("metadata", new JsonObject()));
    }
  }

  static class RolesContract extends CopyPluginContract {
    @Override
    protected CopyPlugin plugin() {
      return new Roles();
    }

    @Override
    protected void template(TemplateWriter template) {
      roles(template);
    }
  }

  static final class JobScopedRolesContract extends RolesContract {
    @Override
    protected CopyPlugin plugin() {
      return new JobScopedRoles();
    }
  }

  static final class TemplateWritingRolesContract extends RolesContract {
    @Override
    protected CopyPlugin plugin() {
      return new TemplateWritingRoles();
    }
  }

  /** The names of the tests of {@code contract} that failed. */
  private static Set<String> failures(Class<? extends CopyPluginContract> contract) {
    var failed = new TreeSet<String>();
    LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(contract))
        .build(), new TestExecutionListener() {
          @Override
          public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            if (test.isTest() && result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
              failed.add(test.getDisplayName().replace("()", ""));
            }
          }
        });
    return failed;
  }

  @Test
  void aPluginByTheRulesPassesTheKit() {
    assertEquals(Set.of(), failures(RolesContract.class));
  }

  /**
   * A copy named after the job is made again by a second run, a plan and a repair (new jobs), is missing from a diff
   * (no job), and differs from the copy another job makes (the reference copy of the crash test, the copy of a
   * target alone); only what never compares two jobs' copies passes.
   */
  @Test
  void aPluginWhoseCopyIdsDependOnTheJobFailsTheKit() {
    assertEquals(Set.of("aChangeToTheTemplateReachesTheCopy", "aCrashAfterAnyPageResumesToTheSameCopy",
        "aPlanAfterTheCopyFindsNothingToDo", "aSecondRunChangesNothing", "itsDiffFindsACopyDeletedAndACopyChanged",
        "oneInstanceCopiesTwoTargetsWithTheirPagesInterleaved", "theCopyEqualsTheTemplate",
        "withExistingKeepAFirstCopyEqualsTheTemplate", "withExistingKeepOnlyMissingCopiesAreMade"),
        failures(JobScopedRolesContract.class));
  }

  @Test
  void aPluginThatWritesIntoTheTemplateFailsTheKit() {
    assertEquals(Set.of("aCopyChangesNothingButItsTarget"), failures(TemplateWritingRolesContract.class));
  }
}
