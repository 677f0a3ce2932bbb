package dev.orgplane.copy.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.CopyPlugin;
import dev.orgplane.copy.api.IdFunction;
import dev.orgplane.copy.api.OrgApi;
import dev.orgplane.copy.api.PluginMark;
import dev.orgplane.copy.api.ProgressSink;
import dev.orgplane.copy.builtin.SchemasPlugin;
import dev.orgplane.copy.builtin.WorkspacesPlugin;
import dev.orgplane.copy.testkit.InMemoryOrgApi;
import dev.orgplane.copy.testkit.KitIds;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The example installed beside the built-ins, as an engine runs them: a tenant fresh from the template diffs in sync,
 * every kind. Its docs are workspaces, which until session 32 the workspaces diff counted {@code extra}, so no tenant
 * was ever in sync, and removing what the diff called extra removed the docs.
 */
class SchemaDocsBesideTheBuiltinsTest {

  private static final String TEMPLATE = UUID.randomUUID().toString();
  private static final String TENANT = UUID.randomUUID().toString();
  /** In the engine's run order: the docs need the schemas' copies. */
  private static final List<CopyPlugin> PLUGINS =
      List.of(new SchemasPlugin(), new SchemaDocsPlugin(), new WorkspacesPlugin());
  private static final Set<String> PLUGIN_IDS = PLUGINS.stream().map(CopyPlugin::id).collect(Collectors.toSet());

  @Test
  void aFreshTenantDiffsInSync() {
    var api = new InMemoryOrgApi();
    add(api, "workspaces", new JsonObject().put("name", "main"));
    add(api, "schemas", new JsonObject().put("name", "invoice").put("content", new JsonObject()));
    var ids = new KitIds(TEMPLATE, TENANT, api);
    for (var plugin : PLUGINS) {
      var checkpoint = Checkpoint.START;
      var last = false;
      while (!last) {
        var page = plugin.copy(new Run(UUID.randomUUID().toString(), api, ids, PLUGIN_IDS), checkpoint).await();
        checkpoint = checkpoint.after(page);
        last = page.last();
      }
    }

    for (var plugin : PLUGINS) {
      var diff = plugin.diff(new Run(null, api, ids, PLUGIN_IDS)).await();
      assertTrue(diff.inSync(), "the tenant's " + diff.kind() + ": " + diff.toJson().encode());
    }
  }

  /**
   * A mark counts for a plugin of the run only: one of a plugin since removed, or one a tenant wrote into their own
   * workspace, hid that workspace from the diff, which never called it extra.
   */
  @Test
  void aWorkspaceMarkedByNoPluginOfTheRunIsExtra() {
    var api = new InMemoryOrgApi();
    var ids = new KitIds(TEMPLATE, TENANT, api);
    var retired = UUID.randomUUID().toString();
    api.objects(TENANT, "workspaces").put(retired, new JsonObject().put("id", retired).put("name", "docs-old")
        .put("metadata", new JsonObject().put(PluginMark.FIELD, "retired-docs")));

    var diff = new WorkspacesPlugin().diff(new Run(null, api, ids, PLUGIN_IDS)).await();

    assertEquals(List.of(retired), diff.extra());
  }

  private static void add(InMemoryOrgApi api, String path, JsonObject object) {
    var id = UUID.randomUUID().toString();
    api.objects(TEMPLATE, path).put(id, object.put("id", id));
  }

  /** A job's run ({@code jobId}) or a diff (none) of {@code runningPlugins} from the template into the tenant. */
  private record Run(String jobId, OrgApi org, IdFunction ids, Set<String> runningPlugins) implements CopyContext {

    @Override
    public String sourceOrganization() {
      return TEMPLATE;
    }

    @Override
    public String targetOrganization() {
      return TENANT;
    }

    @Override
    public WebClient http() {
      return null;
    }

    @Override
    public Vertx vertx() {
      return null;
    }

    @Override
    public JsonObject options() {
      return new JsonObject();
    }

    @Override
    public int pageSize() {
      return 10;
    }

    @Override
    public ProgressSink progress() {
      return message -> { };
    }
  }
}
