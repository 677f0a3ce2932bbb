package dev.orgplane.copy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.CopyFailure;
import dev.orgplane.copy.api.CopyPlugin;
import dev.orgplane.copy.api.Counts;
import dev.orgplane.copy.api.EmbeddedIds;
import dev.orgplane.copy.api.Existing;
import dev.orgplane.copy.api.HookAllowance;
import dev.orgplane.copy.api.OrgApi;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * What every copy plugin promises, as tests a plugin author inherits with a few lines:
 *
 * <pre>{@code
 * class QueuesPluginContractTest extends CopyPluginContract {
 *   protected CopyPlugin plugin() { return new QueuesPlugin(); }
 *   protected List<CopyPlugin> prerequisites() { return List.of(new WorkspacesPlugin(), new SchemasPlugin()); }
 *   protected void template(TemplateWriter template) { ... template.add("queues", ...) ... }
 * }
 * }</pre>
 *
 * Each test starts from a fresh in-memory org-service ({@link InMemoryOrgApi}) holding the template,
 * copies the prerequisites into the target, and then checks the plugin: its copy equals the template
 * (its own diff finds no drift) and names no template object (references remapped) and no secret (but those the
 * service carries, if asked: {@link #copiesSecrets()}, which the kit, as the engine, lets it ask for only in a job with
 * option {@value CopyContext#COPY_HOOK_SECRETS}), a second run
 * changes nothing and neither does a plan after it, a crash between any page's write and its checkpoint resumes to
 * the very same copy, a dry run writes nothing, of a new tenant too (no target yet, as the engine plans one), its
 * diff finds a copy deleted and one changed in the target (and a re-run repairs both, or with option
 * {@code existing: "keep"} makes the deleted one and leaves the changed one as it is), a change to the template
 * shows as {@code changed}, not as the tenant's, and reaches the copy on a re-run, a change to the template between
 * two pages of a copy (a rename, an addition, a deletion) loses none of the objects that stay, one instance copies
 * two targets whose pages interleave (the engine shares it between jobs), and what it depends on is copied first
 * ({@link #prerequisites()}: the in-memory org-service refuses references to what is not there, as org-service does).
 * Pages are small ({@link #pageSize()}), so write templates of a few pages. The drift tests change objects of
 * {@link #templateKind()} with {@link #changed}: override them for a kind that is not the plugin's id or has no names.
 *
 * <p>The kit calls the plugin as the engine does: with one instance for all the jobs of a test, every run with a fresh
 * context; a second run, a re-run, a plan and a
 * repair as a new job, with a job id of its own; a resume after a crash as the same job; a diff with no job
 * ({@code jobId} null). A plugin whose copies' ids depend on the job's id, or that carries what one run computed into
 * the next, fails here as it would copy everything again under the engine. Until session 27 every test ran one job
 * id and one context, and such a plugin passed.
 */
public abstract class CopyPluginContract {

  /** The template organization's id in every test. */
  public static final String TEMPLATE = "7e3b1a52-0000-4000-8000-000000000001";
  /** The target organization's id in every test. */
  public static final String TARGET = "7e3b1a52-0000-4000-8000-000000000002";
  /** The second target, of the test that copies into two at once. */
  public static final String OTHER_TARGET = "7e3b1a52-0000-4000-8000-000000000003";

  private static Vertx vertx;
  private static WebClient http;

  /**
   * The plugin under test, a new instance each call. As in the engine, which loads a plugin once, one instance runs
   * every job of a test into its target (the first copy, a second run, a plan, a repair, a re-run after the template
   * changed, a diff) and one test copies into two targets with one instance; a resume after a crash, on another
   * engine, takes a new one.
   */
  protected abstract CopyPlugin plugin();

  /** Writes the template: objects of the plugin's kind, and of the kinds it depends on. */
  protected abstract void template(TemplateWriter template);

  /**
   * Plugins copied into the target before the plugin under test: those it depends on ({@link CopyPlugin#dependsOn()}),
   * and theirs, each after what it depends on, as the engine orders them.
   */
  protected List<CopyPlugin> prerequisites() {
    return List.of();
  }

  /** The job options the plugin runs with. */
  protected JsonObject options() {
    return new JsonObject();
  }

  /**
   * Whether the plugin, with {@link #options()}, has org-service give its copies their template objects' secrets
   * ({@link dev.orgplane.copy.api.OrgApi#copyPage(String, String, String, String, int, boolean)}); by default not.
   */
  protected boolean copiesSecrets() {
    return false;
  }

  /**
   * Whether the plugin's diff tells a copy the tenant changed ({@code tenantChanged}) from one whose template object
   * changed ({@code changed}): it can where the service lists when both were last written ({@code updatedAt},
   * {@link dev.orgplane.copy.api.ChangeTimes}). By default it does.
   */
  protected boolean tellsTenantChanges() {
    return true;
  }

  protected int pageSize() {
    return 3;
  }

  /** The template kind (list path) whose objects the plugin copies: the drift tests change one. By default its id. */
  protected String templateKind() {
    return plugin().id();
  }

  /**
   * {@code object} (of {@link #templateKind()} in the template, or a copy the plugin wrote in the target) changed
   * as an administrator might, in a field the plugin copies, so that the copy must follow. By default renamed;
   * override for a kind without names.
   */
  protected JsonObject changed(JsonObject object) {
    var name = object.getString("name");
    assertNotNull(name, "objects of " + templateKind() + " have no name: override changed() to change another field");
    return object.copy().put("name", name + "-x");
  }

  private InMemoryOrgApi template;

  /**
   * One test's world: the org API with the template, the id registry, the context of its first job, and the instance
   * of the plugin every job into its target runs with, as the engine loads a plugin once and runs all its jobs with
   * it (until session 30 each job had a new instance, and a plugin that kept copies in a field passed).
   */
  private final class Kit {
    final InMemoryOrgApi api;
    final KitIds ids;
    final KitContext context;
    final CopyPlugin plugin = plugin();

    final String targetId;

    Kit(boolean dryRun) {
      this(dryRun, TARGET, templateCopy());
    }

    /** A kit copying into {@code targetId} of {@code api}, which other kits may share. */
    Kit(boolean dryRun, String targetId, InMemoryOrgApi api) {
      this.api = api;
      this.targetId = targetId;
      ids = new KitIds(TEMPLATE, targetId, api);
      context = newJob();
      if (!dryRun) {
        prerequisites().forEach(plugin -> PluginDriver.copyAll(plugin, context, ids));
      }
    }

    /** The context of another job into the target: a second run, a re-run or a plan is a new job to the engine. */
    KitContext newJob() {
      return context(newJobId(), options());
    }

    /** {@link #newJob()} with option {@code existing: "keep"}. */
    KitContext newJobKeeping() {
      return context(newJobId(), options().copy().put(CopyContext.EXISTING, Existing.KEEP.value()));
    }

    /** The context of the first job's run after a crash: the same job, but nothing the crashed run kept. */
    KitContext resumed() {
      return context(context.jobId(), options());
    }

    /** The context of a diff, which belongs to no job: its {@code jobId} is null. */
    KitContext diff() {
      return context(null, options());
    }

    private KitContext context(String jobId, JsonObject options) {
      return new KitContext(jobId, TEMPLATE, targetId, runningPlugins(), ids, new HeldToTheJob(api, options),
          http(), vertx(), options, pageSize(), message -> { });
    }

    JsonObject target() {
      return api.snapshot().getJsonObject(targetId, new JsonObject());
    }

    /** Changes the first template object of {@link #templateKind()} with {@link #changed}, as an administrator. */
    void changeTemplate() {
      var objects = api.objects(TEMPLATE, templateKind());
      assertFalse(objects.isEmpty(), "the template holds no " + templateKind() + ": override templateKind()");
      api.edit(TEMPLATE, templateKind(), objects.firstKey(), changed(objects.firstEntry().getValue()));
    }

    /** Changes copy {@code object} in the target with {@link #changed}, as the tenant's administrator. */
    void changeInTarget(StoredObject object) {
      api.edit(targetId, object.path(), object.id(), changed(api.objects(targetId, object.path()).get(object.id())));
    }
  }

  /**
   * The kit's org API as the engine holds it for a job: a copy asking for the template's secrets ({@code copySecrets})
   * in a job without option {@value CopyContext#COPY_HOOK_SECRETS} fails with a {@link CopyFailure} of code
   * {@value CopyContext#HOOK_SECRETS_NOT_REQUESTED}, and is not sent. The engine's identity may carry secrets for any
   * job, so it carries them only for the jobs whose requester asked; until session 32 a plugin that asked on every
   * job passed the kit. A post or put of a custom method of org-service ({@code hooks:copy}) fails, unsent, with
   * {@value CopyContext#ORGANIZATION_OUT_OF_SCOPE} ({@link CopyFailure#customMethod}), as the engine refuses it; so
   * does a copy from anywhere but the template, the target's into itself too ({@link CopyFailure#copiedFromOtherThan}).
   */
  private record HeldToTheJob(OrgApi api, JsonObject options) implements OrgApi {

    @Override
    public Future<Page> list(String organization, String path, String cursor, int limit) {
      return api.list(organization, path, cursor, limit);
    }

    @Override
    public Future<Counts> importBatch(String organization, String path, List<JsonObject> items, Existing existing) {
      return api.importBatch(organization, path, items, existing);
    }

    @Override
    public Future<CopiedPage> copyPage(String source, String target, String path, String cursor, int limit,
        boolean copySecrets, Existing existing, Set<String> copiedElsewhere) {
      if (copySecrets && !options.getBoolean(CopyContext.COPY_HOOK_SECRETS, false)) {
        return Future.failedFuture(CopyFailure.hookSecretsNotRequested());
      }
      return CopyFailure.copiedFromOtherThan(TEMPLATE, source).<Future<CopiedPage>>map(Future::failedFuture)
          .orElseGet(() -> api.copyPage(source, target, path, cursor, limit, copySecrets, existing, copiedElsewhere));
    }

    @Override
    public Future<Set<String>> existing(String organization, Collection<String> ids) {
      return api.existing(organization, ids);
    }

    @Override
    public Future<HookAllowance> hookAllowance(String organization) {
      return api.hookAllowance(organization);
    }

    @Override
    public Future<Counts> put(String organization, String path, String id, JsonObject body) {
      return CopyFailure.customMethod(organization, path).<Future<Counts>>map(Future::failedFuture)
          .orElseGet(() -> api.put(organization, path, id, body));
    }

    @Override
    public Future<JsonObject> post(String organization, String path, JsonObject body) {
      return CopyFailure.customMethod(organization, path).<Future<JsonObject>>map(Future::failedFuture)
          .orElseGet(() -> api.post(organization, path, body));
    }
  }

  /** The plugins a job of the plugin runs, as the engine's does: the plugin and what it depends on. */
  private Set<String> runningPlugins() {
    return Stream.concat(Stream.of(plugin()), prerequisites().stream()).map(CopyPlugin::id)
        .collect(Collectors.toUnmodifiableSet());
  }

  /** A job's id: each job has one of its own. */
  private static String newJobId() {
    return UUID.randomUUID().toString();
  }

  /** Every kit of a test starts from the same template: written once, copied for each. */
  private InMemoryOrgApi templateCopy() {
    if (template == null) {
      template = new InMemoryOrgApi();
      template(new TemplateWriter(template, TEMPLATE));
    }
    return template.copy();
  }

  /** The Vert.x plugins run on: a test of a plugin that writes to another system may start a stand-in for it here. */
  protected static synchronized Vertx vertx() {
    if (vertx == null) {
      vertx = Vertx.vertx();
    }
    return vertx;
  }

  /** The context's {@link dev.orgplane.copy.api.CopyContext#http()}: a real client, as the engine gives. */
  private static synchronized WebClient http() {
    if (http == null) {
      http = WebClient.create(vertx());
    }
    return http;
  }

  @AfterAll
  static synchronized void closeVertx() {
    if (http != null) {
      http.close();
      http = null;
    }
    if (vertx != null) {
      vertx.close().await();
      vertx = null;
    }
  }

  @Test
  void theCopyEqualsTheTemplate() {
    var kit = new Kit(false);
    var run = PluginDriver.copyAll(kit.plugin, kit.context, kit.ids);
    var counts = run.checkpoint().counts();
    assertTrue(counts.total() > 0, "the template holds objects of the plugin's kind: " + counts);
    assertEquals(counts.total(), counts.created(), "a first copy creates every object: " + counts);
    var diff = PluginDriver.diffed(kit.plugin, kit.diff());
    assertTrue(diff.inSync(), "the copy has no drift from the template: " + diff.toJson().encodePrettily());
  }

  /**
   * Every id the copy holds of a template object's copy names an object of the target (its references and the ids
   * in its free-form data alike: the copy names no copy that was never made), it names no template object (members'
   * user ids excepted: accounts are shared; ids of other systems are none of these), and nothing was written with a
   * secret. A copy holds its template object's secret exactly when the plugin asks the service to carry it
   * ({@link #copiesSecrets()}).
   */
  @Test
  void theCopyNamesNoTemplateObjectAndCarriesNoSecret() {
    var kit = new Kit(false);
    PluginDriver.copyAll(kit.plugin, kit.context, kit.ids);
    var named = new HashSet<String>();
    EmbeddedIds.collect(kit.target(), named);
    var copies = new HashSet<String>();
    kit.api.objectIds(TEMPLATE).forEach(id -> copies.add(kit.ids.copyOf(id).toLowerCase()));
    var held = kit.api.objectIds(kit.targetId);
    var dangling = named.stream().map(String::toLowerCase).filter(copies::contains).filter(id -> !held.contains(id))
        .sorted().toList();
    assertEquals(List.of(), dangling, "the copy names copies the target does not hold: what they copy must be copied "
        + "first (dependsOn() and prerequisites())");
    named.retainAll(kit.api.objectIds(TEMPLATE));
    assertEquals(Set.of(), named, "template ids left in the copy: a reference not remapped");
    assertEquals(Set.of(), kit.api.secretsWritten(), "a plugin never writes a secret: it cannot know one");
    var kind = templateKind();
    var templateSecrets = kit.api.objects(TEMPLATE, kind).keySet().stream()
        .filter(id -> kit.api.secret(TEMPLATE, kind, id) != null).toList();
    var carried = templateSecrets.stream()
        .filter(id -> kit.api.secret(TEMPLATE, kind, id).equals(kit.api.secret(TARGET, kind, kit.ids.copyOf(id))))
        .toList();
    assertEquals(copiesSecrets() ? templateSecrets : List.of(), carried,
        "the template objects whose copies hold their secrets");
  }

  /**
   * The engine lets a plugin write its job's target only ({@code organization_out_of_scope} otherwise): the template,
   * and any other organization, stay as they were.
   */
  @Test
  void aCopyChangesNothingButItsTarget() {
    var kit = new Kit(false);
    var before = kit.api.snapshot();
    PluginDriver.copyAll(kit.plugin, kit.context, kit.ids);
    var after = kit.api.snapshot();
    before.remove(TARGET);
    after.remove(TARGET);
    assertEquals(before, after, "the copy changed an organization other than its target");
  }

  @Test
  void aPlanAfterTheCopyFindsNothingToDo() {
    var kit = new Kit(false);
    PluginDriver.copyAll(kit.plugin, kit.context, kit.ids);
    var planned = PluginDriver.planAll(kit.plugin, kit.newJob()).counts();
    assertEquals(0, planned.created() + planned.updated(), "a plan after the copy creates and changes nothing: "
        + planned);
  }

  @Test
  void aSecondRunChangesNothing() {
    var kit = new Kit(false);
    PluginDriver.copyAll(kit.plugin, kit.context, kit.ids);
    var before = kit.target();
    var again = PluginDriver.copyAll(kit.plugin, kit.newJob(), kit.ids).checkpoint().counts();
    assertEquals(0, again.created(), "nothing is created twice: " + again);
    assertEquals(0, again.updated(), "nothing changes: " + again);
    assertEquals(before, kit.target());
  }

  @Test
  void aCrashAfterAnyPageResumesToTheSameCopy() {
    var reference = new Kit(false);
    var pages = PluginDriver.copyAll(reference.plugin, reference.context, reference.ids).pages();
    assertTrue(pages > 1, "write a template of several pages (page size " + pageSize() + ") to test resumption");
    for (int done = 0; done < pages; done++) {
      var kit = new Kit(false);
      var stop = PluginDriver.copy(kit.plugin, kit.context, kit.ids, Checkpoint.START, done);
      PluginDriver.copyWithoutCheckpoint(kit.plugin, kit.context, stop.checkpoint());
      // the engine that resumes is another one: a new instance of the plugin, nothing the crashed one held
      var resumed = PluginDriver.copy(plugin(), kit.resumed(), kit.ids, stop.checkpoint(), Integer.MAX_VALUE);
      assertTrue(resumed.finished());
      assertEquals(reference.target(), kit.target(), "a crash after page " + done + " and a resume give the same copy");
    }
  }

  @Test
  void aDryRunWritesNothing() {
    var kit = new Kit(true);
    var before = kit.api.snapshot();
    var planned = PluginDriver.planAll(kit.plugin, kit.context).counts();
    assertEquals(before, kit.api.snapshot(), "a dry run writes nothing");
    var fresh = new Kit(false);
    var copied = PluginDriver.copyAll(fresh.plugin, fresh.context, fresh.ids).checkpoint().counts();
    assertEquals(copied.total(), planned.total(), "the plan covers every object the copy writes");
    assertEquals(planned.total(), planned.created(), "into an empty target, everything is planned as a creation");
  }

  /** The engine plans a new tenant before it exists: no target organization, ids derived from the job. */
  @Test
  void aDryRunOfANewTenantPlansEveryObject() {
    var kit = new Kit(true);
    var before = kit.api.snapshot();
    var job = newJobId();
    var newTenant = new KitContext(job, TEMPLATE, null, runningPlugins(), new KitIds(TEMPLATE, job, kit.api), kit.api,
        http(), vertx(), options(), pageSize(), message -> { });
    var planned = PluginDriver.planAll(kit.plugin, newTenant).counts();
    assertEquals(before, kit.api.snapshot(), "a dry run writes nothing");
    var fresh = new Kit(false);
    var copied = PluginDriver.copyAll(fresh.plugin, fresh.context, fresh.ids).checkpoint().counts();
    assertEquals(copied.total(), planned.total(), "the plan of a new tenant covers every object the copy writes");
    assertEquals(planned.total(), planned.created(), "into a new tenant, everything is planned as a creation");
  }

  /**
   * A copy deleted from the target is missing (named by its template object) and a copy changed there is
   * {@code tenantChanged}, or {@code changed} by a plugin that cannot tell who changed it
   * ({@link #tellsTenantChanges}); named by its id in the target. A re-run puts both back as they were.
   */
  @Test
  void itsDiffFindsACopyDeletedAndACopyChanged() {
    var kit = new Kit(false);
    var before = kit.target();
    PluginDriver.copyAll(kit.plugin, kit.context, kit.ids);
    var copy = kit.target();
    var written = StoredObject.newIn(before, copy);
    assertTrue(written.size() >= 2, "the copy writes at least two objects: " + written);
    var deleted = written.get(0);
    var edited = written.get(1);
    kit.api.objects(TARGET, deleted.path()).remove(deleted.id());
    kit.changeInTarget(edited);

    var diff = PluginDriver.diffed(kit.plugin, kit.diff());
    var shown = diff.toJson().encodePrettily();
    assertEquals(List.of(edited.id()), tellsTenantChanges() ? diff.tenantChanged() : diff.changed(),
        "the copy changed in the target, by its id there: " + shown);
    assertEquals(List.of(), tellsTenantChanges() ? diff.changed() : diff.tenantChanged(), shown);
    assertEquals(1, diff.missing().size(), "the copy deleted from the target, " + deleted + ": " + shown);
    assertTrue(StoredObject.idsIn(kit.api.snapshot().getJsonObject(TEMPLATE)).contains(diff.missing().get(0)),
        "missing objects are named by their template ids: " + shown);
    assertEquals(List.of(), diff.extra(), "nothing is extra: " + shown);

    var repair = PluginDriver.copyAll(kit.plugin, kit.newJob(), kit.ids).checkpoint().counts();
    assertEquals(1, repair.created(), "a re-run creates the deleted copy again: " + repair);
    assertTrue(repair.updated() >= 1, "a re-run updates the changed copy: " + repair);
    assertEquals(copy, kit.target(), "a re-run repairs the drift");
  }

  /**
   * With option {@code existing: "keep"}, a re-run leaves a copy the tenant changed as they changed it and makes only
   * the copy they deleted, and its plan says so: a plugin that writes existing copies anyway fails here.
   */
  @Test
  void withExistingKeepOnlyMissingCopiesAreMade() {
    var kit = new Kit(false);
    var before = kit.target();
    PluginDriver.copyAll(kit.plugin, kit.context, kit.ids);
    var written = StoredObject.newIn(before, kit.target());
    assertTrue(written.size() >= 2, "the copy writes at least two objects: " + written);
    var deleted = written.get(0);
    var edited = written.get(1);
    var deletedCopy = kit.api.objects(TARGET, deleted.path()).remove(deleted.id());
    kit.changeInTarget(edited);
    var tenantMade = kit.target();

    var planned = PluginDriver.planAll(kit.plugin, kit.newJobKeeping()).counts();
    assertEquals(1, planned.created(), "the plan makes the deleted copy: " + planned);
    assertEquals(0, planned.updated(), "the plan changes no existing copy: " + planned);
    var again = PluginDriver.copyAll(kit.plugin, kit.newJobKeeping(), kit.ids).checkpoint().counts();
    assertEquals(1, again.created(), "the re-run makes the deleted copy: " + again);
    assertEquals(0, again.updated(), "the re-run changes no existing copy: " + again);
    assertEquals(again.total() - 1, again.unchanged(), "every existing copy counts unchanged: " + again);
    var expected = tenantMade.copy();
    expected.getJsonObject(deleted.path()).put(deleted.id(), deletedCopy);
    assertEquals(expected, kit.target(), "the changed copy stays as the tenant made it, the deleted one is back");
  }

  /** With option {@code existing: "keep"}, a first copy is the copy without it: every copy is missing. */
  @Test
  void withExistingKeepAFirstCopyEqualsTheTemplate() {
    var kit = new Kit(false);
    var counts = PluginDriver.copyAll(kit.plugin, kit.newJobKeeping(), kit.ids).checkpoint().counts();
    assertEquals(counts.total(), counts.created(), "a first copy creates every object: " + counts);
    var diff = PluginDriver.diffed(kit.plugin, kit.diff());
    assertTrue(diff.inSync(), "the copy has no drift from the template: " + diff.toJson().encodePrettily());
  }

  /**
   * A template object changed after its copy was made is {@code changed} in the diff, never {@code tenantChanged},
   * and a re-run updates its copy to what a first copy of the new template gives.
   */
  @Test
  void aChangeToTheTemplateReachesTheCopy() {
    var kit = new Kit(false);
    PluginDriver.copyAll(kit.plugin, kit.context, kit.ids);
    kit.changeTemplate();
    var drift = PluginDriver.diffed(kit.plugin, kit.diff());
    assertFalse(drift.changed().isEmpty(), "the template's change is changed: " + drift.toJson().encodePrettily());
    assertEquals(List.of(), drift.tenantChanged(), "the tenant changed nothing: " + drift.toJson().encodePrettily());
    var again = PluginDriver.copyAll(kit.plugin, kit.newJob(), kit.ids).checkpoint().counts();
    assertTrue(again.updated() >= 1, "a re-run updates the copy of the changed template object: " + again);
    var diff = PluginDriver.diffed(kit.plugin, kit.diff());
    assertTrue(diff.inSync(), "after the re-run, no drift: " + diff.toJson().encodePrettily());
    var fresh = new Kit(false);
    fresh.changeTemplate();
    PluginDriver.copyAll(fresh.plugin, fresh.context, fresh.ids);
    assertEquals(fresh.target(), kit.target(), "the re-run gives what a first copy of the changed template gives");
  }

  /**
   * The template changes between the first page of a copy and the next ({@link MidCopyChange}: an object of
   * {@link #templateKind()} last by name renamed to sort first, one added, one deleted), and the copy still holds every
   * template object that was there all along: its diff misses none of them (the one added may come too late for it).
   * A plugin listing by name, the service's default order for roles and teams, steps over the renamed object, never
   * copied, and its job succeeds; it passes every other test of the kit.
   */
  @Test
  void aChangeToTheTemplateBetweenPagesLosesNoObject() {
    var kit = new Kit(false);
    var firstPage = PluginDriver.copy(kit.plugin, kit.context, kit.ids, Checkpoint.START, 1);
    assertFalse(firstPage.finished(), "write a template of several pages (page size " + pageSize()
        + ") to test a change between them");
    var change = MidCopyChange.apply(kit.api, TEMPLATE, templateKind(), this::changed);
    PluginDriver.copy(kit.plugin, kit.context, kit.ids, firstPage.checkpoint(), Integer.MAX_VALUE);
    var diff = PluginDriver.diffed(kit.plugin, kit.diff());
    var lost = diff.missing().stream().filter(id -> !id.equals(change.added())).toList();
    assertEquals(List.of(), lost, "template objects there all along that the copy left out, the template changed "
        + "between its pages (" + change + "): list in an order no change moves an object in, by id: "
        + diff.toJson().encodePrettily());
  }

  /** The engine makes one instance of a plugin for all its jobs: what one job does must not leak into another. */
  @Test
  void oneInstanceCopiesTwoTargetsWithTheirPagesInterleaved() {
    var api = templateCopy();
    var first = new Kit(false, TARGET, api);
    var second = new Kit(false, OTHER_TARGET, api);
    PluginDriver.copyInterleaved(plugin(), List.of(first.context, second.context), List.of(first.ids, second.ids));
    for (var kit : List.of(first, second)) {
      var alone = new Kit(false, kit.targetId, templateCopy());
      PluginDriver.copyAll(alone.plugin, alone.context, alone.ids);
      assertEquals(alone.target(), kit.target(), "copied alongside another target, " + kit.targetId
          + " holds what a copy of its own gives");
    }
  }

  /**
   * A plugin keeps no state but in the target organization and the job's saved progress (its cursor): a resume after
   * a crash runs on another engine, where nothing a static field held is left. The kit resumes in this JVM, where a
   * static field survives, so it refuses static fields that can change instead (constants, {@code static final},
   * pass; a {@code static final} collection that is changed is still a plugin's mistake the kit cannot see).
   */
  @Test
  void itKeepsNoStateInStaticFields() {
    var changeable = new ArrayList<String>();
    for (Class<?> type = plugin().getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
      for (var field : type.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers()) && !Modifier.isFinal(field.getModifiers()) && !field.isSynthetic()) {
          changeable.add(type.getName() + "." + field.getName());
        }
      }
    }
    assertEquals(List.of(), changeable, "static fields that are not final: state a resume on another engine loses");
  }

  /**
   * What the plugin depends on, and what that depends on, is copied first ({@link #prerequisites()}, in the engine's
   * order), as the engine copies it: org-service refuses a copy naming what is not there, and so does the kit. Until
   * session 30 a dependency on a built-in kind passed without its copy, and the copy's references named nothing.
   */
  @Test
  void itsDependenciesAreCopiedFirstAndItSpeaksThisSpi() {
    var copiedFirst = new HashSet<String>();
    for (var prerequisite : prerequisites()) {
      assertTrue(copiedFirst.containsAll(prerequisite.dependsOn()), "prerequisite " + prerequisite.id()
          + " depends on " + prerequisite.dependsOn() + ", but prerequisites() copies only " + copiedFirst
          + " before it: list every plugin it depends on, directly or not, before it");
      copiedFirst.add(prerequisite.id());
    }
    assertTrue(copiedFirst.containsAll(plugin().dependsOn()), plugin().id() + " depends on " + plugin().dependsOn()
        + ", but prerequisites() copies only " + copiedFirst + " first: override prerequisites() to answer the plugins"
        + " of those kinds (and of what they depend on), in the order the engine runs them");
    assertEquals(CopyPlugin.SPI_VERSION, plugin().spiVersion());
    assertTrue(plugin().id().matches("[a-z][a-z0-9-]*"), "a plugin id is a lower-case kind name: " + plugin().id());
  }
}
