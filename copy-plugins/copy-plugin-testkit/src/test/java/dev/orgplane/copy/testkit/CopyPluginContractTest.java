package dev.orgplane.copy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.CopyPlugin;
import dev.orgplane.copy.api.OrgApi;
import dev.orgplane.copy.api.OrgObjectsPlugin;
import dev.orgplane.copy.api.PageResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The kit fails a plugin the engine would run wrongly. The contracts below are nested, so that the build does not run
 * them as tests of their own; this test runs them and reads which of their tests failed.
 */
class CopyPluginContractTest {

  /** Roles copied by the rules: listed by id, as {@link OrgObjectsPlugin} lists unless told otherwise. */
  static class Roles extends OrgObjectsPlugin {
    Roles() {
      super("roles", "roles", Set.of(), List.of("name", "title", "permissions", "metadata"));
    }
  }

  /**
   * Roles listed by name, the order their list gives unless asked by id: a role renamed between two pages of a copy
   * moves before the cursor, and is never copied.
   */
  static final class NameOrderedRoles extends Roles {
    @Override
    protected String listPath() {
      return path() + "?order=name";
    }
  }

  /** Roles whose copies are named after the job as well: every new job (a re-run) makes them again. */
  static final class JobScopedRoles extends Roles {
    @Override
    protected String targetId(CopyContext context, String sourceId) {
      return context.ids().copyOf(context.jobId() + ":" + sourceId);
    }
  }

  /**
   * Roles that keep each copy they made, by target and template object, in a field: the engine's one instance then
   * copies a changed template object as it was.
   */
  static final class MemoizingRoles extends Roles {
    private final Map<String, JsonObject> made = new ConcurrentHashMap<>();

    @Override
    protected Future<JsonObject> toTarget(CopyContext context, JsonObject source) {
      var key = context.targetOrganization() + "/" + source.getString("id");
      var kept = made.get(key);
      return kept != null ? Future.succeededFuture(kept.copy())
          : super.toTarget(context, source).onSuccess(copy -> made.put(key, copy.copy()));
    }
  }

  /** Roles that count the pages they copied in a static field: a resume on another engine starts again from 0. */
  static final class StaticCountingRoles extends Roles {
    private static int pagesCopied;

    @Override
    public Future<PageResult> copy(CopyContext context, Checkpoint from) {
      return super.copy(context, from).onSuccess(page -> pagesCopied++);
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

  /** Workspaces and schemas, written by import: what the queues below depend on. */
  static final class Workspaces extends OrgObjectsPlugin {
    Workspaces() {
      super("workspaces", "workspaces", Set.of(), List.of("name", "metadata"));
    }
  }

  static final class Schemas extends OrgObjectsPlugin {
    Schemas() {
      super("schemas", "schemas", Set.of(), List.of("name", "content", "metadata"));
    }
  }

  /** Queues written by import, pointing at the copies of their workspace and schema, as they declare. */
  static class Queues extends OrgObjectsPlugin {
    Queues(Set<String> dependsOn) {
      super("queues", "queues", dependsOn, List.of("name", "workspaceId", "schemaId", "settings", "metadata"));
    }

    Queues() {
      this(Set.of("workspaces", "schemas"));
    }

    @Override
    protected Future<JsonObject> toTarget(CopyContext context, JsonObject source) {
      return super.toTarget(context, source).map(copy -> copy
          .put("workspaceId", context.ids().copyOf(source.getString("workspaceId")))
          .put("schemaId", context.ids().copyOf(source.getString("schemaId"))));
    }
  }

  /** Queues that depend on workspaces and schemas but do not say so: the engine may run them first. */
  static final class UndeclaredQueues extends Queues {
    UndeclaredQueues() {
      super(Set.of());
    }
  }

  /** Roles whose metadata names the copy of a workspace, with no dependency on workspaces. */
  static final class RolesNamingWorkspaces extends Roles {
    @Override
    protected Future<JsonObject> toTarget(CopyContext context, JsonObject source) {
      return super.toTarget(context, source).map(copy -> copy.put("metadata", new JsonObject()
          .put("workspace", context.ids().copyOf(source.getJsonObject("metadata").getString("workspace")))));
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

  /** Queues over several pages, each with a workspace and a schema of its own. */
  static void queues(TemplateWriter template) {
    for (int i = 0; i < 7; i++) {
      var workspace = template.add("workspaces", new JsonObject().put("name", "ws-" + i).put("metadata", new JsonObject()));
      var schema = template.add("schemas", new JsonObject().put("name", "schema-" + i).put("content", new JsonObject())
          .put("metadata", new JsonObject()));
      template.add("queues", new JsonObject().put("name", "queue-" + i).put("workspaceId", workspace)
          .put("schemaId", schema).put("settings", new JsonObject()).put("metadata", new JsonObject()));
    }
  }

  static class QueuesContract extends CopyPluginContract {
    @Override
    protected CopyPlugin plugin() {
      return new Queues();
    }

    @Override
    protected List<CopyPlugin> prerequisites() {
      return List.of(new Workspaces(), new Schemas());
    }

    @Override
    protected void template(TemplateWriter template) {
      queues(template);
    }
  }

  static final class QueuesWithoutPrerequisitesContract extends QueuesContract {
    @Override
    protected List<CopyPlugin> prerequisites() {
      return List.of();
    }
  }

  static final class UndeclaredQueuesContract extends QueuesContract {
    @Override
    protected CopyPlugin plugin() {
      return new UndeclaredQueues();
    }

    @Override
    protected List<CopyPlugin> prerequisites() {
      return List.of();
    }
  }

  static final class RolesNamingWorkspacesContract extends RolesContract {
    @Override
    protected CopyPlugin plugin() {
      return new RolesNamingWorkspaces();
    }

    @Override
    protected void template(TemplateWriter template) {
      for (int i = 0; i < 7; i++) {
        var workspace = template.add("workspaces", new JsonObject().put("name", "ws-" + i));
        template.add("roles", new JsonObject().put("name", "role-" + i).put("title", "Role " + i)
            .put("permissions", new JsonArray().add("app_organization_get"))
            .put("metadata", new JsonObject().put("workspace", workspace)));
      }
    }
  }

  static final class JobScopedRolesContract extends RolesContract {
    @Override
    protected CopyPlugin plugin() {
      return new JobScopedRoles();
    }
  }

  static final class MemoizingRolesContract extends RolesContract {
    @Override
    protected CopyPlugin plugin() {
      return new MemoizingRoles();
    }
  }

  static final class NameOrderedRolesContract extends RolesContract {
    @Override
    protected CopyPlugin plugin() {
      return new NameOrderedRoles();
    }
  }

  static final class StaticCountingRolesContract extends RolesContract {
    @Override
    protected CopyPlugin plugin() {
      return new StaticCountingRoles();
    }
  }

  /** A kit whose class fails before any test: none of its tests runs. */
  static final class UnstartableRolesContract extends RolesContract {
    @BeforeAll
    static void failToStart() {
      throw new IllegalStateException("the kit could not start");
    }
  }

  /** A kit whose tests are all left out. */
  @Disabled("a contract that runs nothing")
  static final class DisabledRolesContract extends RolesContract {
  }

  static final class TemplateWritingRolesContract extends RolesContract {
    @Override
    protected CopyPlugin plugin() {
      return new TemplateWritingRoles();
    }
  }

  /** Hooks org-service copies, asked for the template's secrets whatever the job's options. */
  static final class SecretAskingHooks extends OrgObjectsPlugin {
    SecretAskingHooks() {
      super("hooks", "hooks", Set.of(), List.of("name", "url", "events", "metadata"));
    }

    @Override
    public Future<PageResult> copy(CopyContext context, Checkpoint from) {
      return copyInService(context, from.cursor(), true).map(OrgApi.CopiedPage::result);
    }
  }

  /** Hooks, each with a secret, which its copy holds too once the service carries it. */
  static class SecretAskingHooksContract extends CopyPluginContract {
    @Override
    protected CopyPlugin plugin() {
      return new SecretAskingHooks();
    }

    @Override
    protected void template(TemplateWriter template) {
      for (int i = 0; i < 7; i++) {
        template.add("hooks", new JsonObject().put("name", "hook-" + i).put("url", "https://hooks.example.com/" + i)
            .put("events", new JsonArray().add("queue.created")).put("metadata", new JsonObject())
            .put("secret", "secret-" + i));
      }
    }

    @Override
    protected boolean copiesSecrets() {
      return true;
    }
  }

  static final class SecretAskingHooksWithTheOptionContract extends SecretAskingHooksContract {
    @Override
    protected JsonObject options() {
      return new JsonObject().put(CopyContext.COPY_HOOK_SECRETS, true);
    }
  }

  /**
   * Hooks org-service copies, whose every page also posts {@code hooks:copy} itself, from the template with its
   * secrets, as the engine sends no such call.
   */
  static final class CopyPostingHooks extends OrgObjectsPlugin {
    CopyPostingHooks() {
      super("hooks", "hooks", Set.of(), List.of("name", "url", "events", "metadata"));
    }

    @Override
    public Future<PageResult> copy(CopyContext context, Checkpoint from) {
      return context.org().post(context.targetOrganization(), "hooks:copy", new JsonObject()
              .put("from", context.sourceOrganization()).put("copySecrets", true))
          .compose(posted -> copyInService(context, from.cursor(), false)).map(OrgApi.CopiedPage::result);
    }
  }

  static final class CopyPostingHooksContract extends SecretAskingHooksContract {
    @Override
    protected CopyPlugin plugin() {
      return new CopyPostingHooks();
    }

    @Override
    protected boolean copiesSecrets() {
      return false;
    }
  }

  /**
   * Hooks org-service copies, whose every page also copies the target's workspaces into the target itself: it has
   * none, so the in-memory org-service copied nothing, where org-service refuses the copy.
   */
  static final class SelfCopyingHooks extends OrgObjectsPlugin {
    SelfCopyingHooks() {
      super("hooks", "hooks", Set.of(), List.of("name", "url", "events", "metadata"));
    }

    @Override
    public Future<PageResult> copy(CopyContext context, Checkpoint from) {
      var target = context.targetOrganization();
      return context.org().copyPage(target, target, "workspaces", null, 1)
          .compose(itself -> copyInService(context, from.cursor(), false)).map(OrgApi.CopiedPage::result);
    }
  }

  static final class SelfCopyingHooksContract extends SecretAskingHooksContract {
    @Override
    protected CopyPlugin plugin() {
      return new SelfCopyingHooks();
    }

    @Override
    protected boolean copiesSecrets() {
      return false;
    }
  }

  /** The contract's tests that copy: all but the one that reads only what the plugin declares. */
  private static final Set<String> COPYING = Set.of("aChangeToTheTemplateBetweenPagesLosesNoObject",
      "aChangeToTheTemplateReachesTheCopy", "aCopyChangesNothingButItsTarget",
      "aCrashAfterAnyPageResumesToTheSameCopy", "aDryRunOfANewTenantPlansEveryObject", "aDryRunWritesNothing",
      "aPlanAfterTheCopyFindsNothingToDo", "aSecondRunChangesNothing", "itsDiffFindsACopyDeletedAndACopyChanged",
      "oneInstanceCopiesTwoTargetsWithTheirPagesInterleaved", "theCopyEqualsTheTemplate",
      "theCopyNamesNoTemplateObjectAndCarriesNoSecret", "withExistingKeepAFirstCopyEqualsTheTemplate",
      "withExistingKeepOnlyMissingCopiesAreMade");

  /** The names of the kit's tests: a plugin passes the kit when every one of them ran and passed. */
  private static final Set<String> CONTRACT = Arrays.stream(CopyPluginContract.class.getDeclaredMethods())
      .filter(method -> method.isAnnotationPresent(Test.class)).map(Method::getName)
      .collect(Collectors.toCollection(TreeSet::new));

  /**
   * The names of the tests of {@code contract} that did not pass: those that failed, and those that never ran (left
   * out, or their class failed around them), so that a kit which ran nothing is no pass; a class or engine that
   * failed is named too, with what it threw.
   */
  private static Set<String> failures(Class<? extends CopyPluginContract> contract) {
    var passed = new TreeSet<String>();
    var failed = new TreeSet<String>();
    LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(contract))
        .build(), new TestExecutionListener() {
          @Override
          public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            if (test.isContainer() && result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
              failed.add(test.getDisplayName() + ": "
                  + result.getThrowable().map(Throwable::toString).orElse("failed"));
            } else if (test.isTest() && result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
              passed.add(test.getSource().map(source -> ((MethodSource) source).getMethodName()).orElseThrow());
            }
          }
        });
    CONTRACT.stream().filter(test -> !passed.contains(test)).forEach(failed::add);
    return failed;
  }

  /** What the kit's tests are is read from the kit: none found would make every pass empty. */
  @Test
  void theKitsTestsAreKnown() {
    assertTrue(CONTRACT.contains("theCopyEqualsTheTemplate"), CONTRACT.toString());
  }

  /**
   * A kit that fails before its tests, or whose tests are all skipped, fails every one of them. Until session 34 only
   * tests that ran and failed counted, and such a kit passed.
   */
  @Test
  void aKitThatRunsNoTestFailsIt() {
    var unstarted = failures(UnstartableRolesContract.class);
    assertTrue(unstarted.containsAll(CONTRACT), unstarted.toString());
    assertTrue(unstarted.stream().anyMatch(failure -> failure.contains("the kit could not start")),
        unstarted.toString());
    assertEquals(CONTRACT, failures(DisabledRolesContract.class));
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
    assertEquals(Set.of("aChangeToTheTemplateBetweenPagesLosesNoObject", "aChangeToTheTemplateReachesTheCopy",
        "aCrashAfterAnyPageResumesToTheSameCopy", "aPlanAfterTheCopyFindsNothingToDo", "aSecondRunChangesNothing",
        "itsDiffFindsACopyDeletedAndACopyChanged", "oneInstanceCopiesTwoTargetsWithTheirPagesInterleaved",
        "theCopyEqualsTheTemplate",
        "withExistingKeepAFirstCopyEqualsTheTemplate", "withExistingKeepOnlyMissingCopiesAreMade"),
        failures(JobScopedRolesContract.class));
  }

  @Test
  void aPluginWhoseDependenciesAreCopiedFirstPassesTheKit() {
    assertEquals(Set.of(), failures(QueuesContract.class));
  }

  /**
   * Queues that name workspaces and schemas the target does not hold are refused, as org-service refuses them: every
   * test that copies fails. Until session 30 the kit checked no references, and such a plugin passed.
   */
  @Test
  void aPluginWithAnUndeclaredDependencyFailsTheKit() {
    assertEquals(COPYING, failures(UndeclaredQueuesContract.class));
  }

  /** A dependency declared but not copied first fails the kit, saying which prerequisites to add. */
  @Test
  void aDependencyNotCopiedFirstFailsTheKit() {
    var failed = new TreeSet<>(COPYING);
    failed.add("itsDependenciesAreCopiedFirstAndItSpeaksThisSpi");
    assertEquals(failed, failures(QueuesWithoutPrerequisitesContract.class));
  }

  /** A copy whose free-form data names copies that were never made (its dependency undeclared) fails the kit. */
  @Test
  void aCopyNamingCopiesNeverMadeFailsTheKit() {
    assertEquals(Set.of("theCopyNamesNoTemplateObjectAndCarriesNoSecret"), failures(RolesNamingWorkspacesContract.class));
  }

  /**
   * The engine runs every job with one instance of a plugin: one that keeps its copies in a field never shows or copies
   * a change of the template. Until session 30 each job of the kit had a new instance, and such a plugin passed.
   */
  @Test
  void aPluginThatKeepsCopiesAcrossJobsFailsTheKit() {
    assertEquals(Set.of("aChangeToTheTemplateReachesTheCopy"), failures(MemoizingRolesContract.class));
  }

  /**
   * A plugin listing by name loses an object of the template renamed between two pages of a copy: the kit fails it
   * there, and only there.
   */
  @Test
  void aPluginListingByNameFailsTheKit() {
    assertEquals(Set.of("aChangeToTheTemplateBetweenPagesLosesNoObject"), failures(NameOrderedRolesContract.class));
  }

  /** The kit resumes a crashed copy in its own JVM, where a static field survives: it refuses such fields instead. */
  @Test
  void aPluginWithStateInAStaticFieldFailsTheKit() {
    assertEquals(Set.of("itKeepsNoStateInStaticFields"), failures(StaticCountingRolesContract.class));
  }

  /**
   * A plugin has the template's secrets carried only in a job with option copyHookSecrets, as the engine lets it: one
   * that asks for them in any job fails every test that copies. Until session 32 it passed, as long as it said it
   * carries secrets.
   */
  @Test
  void aPluginAskingForSecretsInAJobWithoutTheOptionFailsTheKit() {
    assertEquals(Set.of(), failures(SecretAskingHooksWithTheOptionContract.class));
    assertEquals(COPYING, failures(SecretAskingHooksContract.class));
  }

  /**
   * A plugin that posts a custom method of org-service ({@code hooks:copy}) is refused, as the engine refuses it: every
   * test that copies fails, where the in-memory org-service would store what it posts as objects of a kind.
   */
  @Test
  void aPluginPostingACustomMethodFailsTheKit() {
    assertEquals(COPYING, failures(CopyPostingHooksContract.class));
  }

  /**
   * A plugin that copies from its target into the target is refused, as the engine refuses it (org-service would too):
   * every test that copies fails, where the in-memory org-service copied, and the plugin passed.
   */
  @Test
  void aPluginCopyingItsTargetIntoItselfFailsTheKit() {
    assertEquals(COPYING, failures(SelfCopyingHooksContract.class));
  }

  @Test
  void aPluginThatWritesIntoTheTemplateFailsTheKit() {
    assertEquals(Set.of("aCopyChangesNothingButItsTarget"), failures(TemplateWritingRolesContract.class));
  }
}
