package dev.orgplane.copy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyPlugin;
import dev.orgplane.copy.api.EmbeddedIds;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
 * (its own diff finds no drift) and names no template object (references remapped) and no secret, a second run
 * changes nothing and neither does a plan after it, a crash between any page's write and its checkpoint resumes to
 * the very same copy, a dry run writes nothing, of a new tenant too (no target yet, as the engine plans one), and
 * what it depends on exists.
 * Pages are small ({@link #pageSize()}), so write templates of a few pages.
 */
public abstract class CopyPluginContract {

  /** The template organization's id in every test. */
  public static final String TEMPLATE = "7e3b1a52-0000-4000-8000-000000000001";
  /** The target organization's id in every test. */
  public static final String TARGET = "7e3b1a52-0000-4000-8000-000000000002";

  private static final String JOB = "7e3b1a52-0000-4000-8000-0000000000ff";
  private static final Set<String> BUILT_IN = Set.of("roles", "users", "groups", "workspaces", "schemas", "queues",
      "hooks");
  private static Vertx vertx;

  /** The plugin under test. */
  protected abstract CopyPlugin plugin();

  /** Writes the template: objects of the plugin's kind, and of the kinds it depends on. */
  protected abstract void template(TemplateWriter template);

  /** Plugins copied into the target before the plugin under test (its dependencies). */
  protected List<CopyPlugin> prerequisites() {
    return List.of();
  }

  /** The job options the plugin runs with. */
  protected JsonObject options() {
    return new JsonObject();
  }

  protected int pageSize() {
    return 3;
  }

  private InMemoryOrgApi template;

  /** One test's world: the org API with the template, the id registry, and the context. */
  private final class Kit {
    final InMemoryOrgApi api;
    final KitIds ids;
    final KitContext context;

    /** Every kit of a test starts from the same template: written once, copied for each. */
    Kit(boolean dryRun) {
      if (template == null) {
        template = new InMemoryOrgApi();
        template(new TemplateWriter(template, TEMPLATE));
      }
      api = template.copy();
      ids = new KitIds(TEMPLATE, TARGET, api);
      context = new KitContext(JOB, TEMPLATE, TARGET, ids, api, null, vertx(),
          options(), pageSize(), message -> { });
      if (!dryRun) {
        prerequisites().forEach(plugin -> PluginDriver.copyAll(plugin, context, ids));
      }
    }

    JsonObject target() {
      return api.snapshot().getJsonObject(TARGET, new JsonObject());
    }
  }

  private static synchronized Vertx vertx() {
    if (vertx == null) {
      vertx = Vertx.vertx();
    }
    return vertx;
  }

  @AfterAll
  static synchronized void closeVertx() {
    if (vertx != null) {
      vertx.close().await();
      vertx = null;
    }
  }

  @Test
  void theCopyEqualsTheTemplate() {
    var kit = new Kit(false);
    var run = PluginDriver.copyAll(plugin(), kit.context, kit.ids);
    var counts = run.checkpoint().counts();
    assertTrue(counts.total() > 0, "the template holds objects of the plugin's kind: " + counts);
    assertEquals(counts.total(), counts.created(), "a first copy creates every object: " + counts);
    var diff = plugin().diff(kit.context).await();
    assertTrue(diff.inSync(), "the copy has no drift from the template: " + diff.toJson().encodePrettily());
  }

  /**
   * Every id the copy holds names an object of the target, never one of the template's (members' user ids
   * excepted: accounts are shared), and nothing was written with a secret.
   */
  @Test
  void theCopyNamesNoTemplateObjectAndCarriesNoSecret() {
    var kit = new Kit(false);
    PluginDriver.copyAll(plugin(), kit.context, kit.ids);
    var named = new HashSet<String>();
    EmbeddedIds.collect(kit.target(), named);
    named.retainAll(kit.api.objectIds(TEMPLATE));
    assertEquals(Set.of(), named, "template ids left in the copy: a reference not remapped");
    assertEquals(Set.of(), kit.api.secretsWritten(), "secrets are never copied: the service makes new ones");
  }

  @Test
  void aPlanAfterTheCopyFindsNothingToDo() {
    var kit = new Kit(false);
    PluginDriver.copyAll(plugin(), kit.context, kit.ids);
    var planned = PluginDriver.planAll(plugin(), kit.context).counts();
    assertEquals(0, planned.created() + planned.updated(), "a plan after the copy creates and changes nothing: "
        + planned);
  }

  @Test
  void aSecondRunChangesNothing() {
    var kit = new Kit(false);
    PluginDriver.copyAll(plugin(), kit.context, kit.ids);
    var before = kit.target();
    var again = PluginDriver.copyAll(plugin(), kit.context, kit.ids).checkpoint().counts();
    assertEquals(0, again.created(), "nothing is created twice: " + again);
    assertEquals(0, again.updated(), "nothing changes: " + again);
    assertEquals(before, kit.target());
  }

  @Test
  void aCrashAfterAnyPageResumesToTheSameCopy() {
    var reference = new Kit(false);
    var pages = PluginDriver.copyAll(plugin(), reference.context, reference.ids).pages();
    assertTrue(pages > 1, "write a template of several pages (page size " + pageSize() + ") to test resumption");
    for (int done = 0; done < pages; done++) {
      var kit = new Kit(false);
      var stop = PluginDriver.copy(plugin(), kit.context, kit.ids, Checkpoint.START, done);
      PluginDriver.copyWithoutCheckpoint(plugin(), kit.context, stop.checkpoint());
      var resumed = PluginDriver.copy(plugin(), kit.context, kit.ids, stop.checkpoint(), Integer.MAX_VALUE);
      assertTrue(resumed.finished());
      assertEquals(reference.target(), kit.target(), "a crash after page " + done + " and a resume give the same copy");
    }
  }

  @Test
  void aDryRunWritesNothing() {
    var kit = new Kit(true);
    var before = kit.api.snapshot();
    var planned = PluginDriver.planAll(plugin(), kit.context).counts();
    assertEquals(before, kit.api.snapshot(), "a dry run writes nothing");
    var fresh = new Kit(false);
    var copied = PluginDriver.copyAll(plugin(), fresh.context, fresh.ids).checkpoint().counts();
    assertEquals(copied.total(), planned.total(), "the plan covers every object the copy writes");
    assertEquals(planned.total(), planned.created(), "into an empty target, everything is planned as a creation");
  }

  /** The engine plans a new tenant before it exists: no target organization, ids derived from the job. */
  @Test
  void aDryRunOfANewTenantPlansEveryObject() {
    var kit = new Kit(true);
    var before = kit.api.snapshot();
    var newTenant = new KitContext(JOB, TEMPLATE, null, new KitIds(TEMPLATE, JOB, kit.api), kit.api, null, vertx(),
        options(), pageSize(), message -> { });
    var planned = PluginDriver.planAll(plugin(), newTenant).counts();
    assertEquals(before, kit.api.snapshot(), "a dry run writes nothing");
    var fresh = new Kit(false);
    var copied = PluginDriver.copyAll(plugin(), fresh.context, fresh.ids).checkpoint().counts();
    assertEquals(copied.total(), planned.total(), "the plan of a new tenant covers every object the copy writes");
    assertEquals(planned.total(), planned.created(), "into a new tenant, everything is planned as a creation");
  }

  @Test
  void itsDependenciesExistAndItSpeaksThisSpi() {
    var known = new HashSet<>(BUILT_IN);
    prerequisites().forEach(plugin -> known.add(plugin.id()));
    assertTrue(known.containsAll(plugin().dependsOn()), plugin().id() + " depends on " + plugin().dependsOn()
        + "; known plugins are " + known);
    assertEquals(CopyPlugin.SPI_VERSION, plugin().spiVersion());
    assertTrue(plugin().id().matches("[a-z][a-z0-9-]*"), "a plugin id is a lower-case kind name: " + plugin().id());
  }
}
