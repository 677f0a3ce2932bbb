package dev.orgplane.copy.example;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.CopyPlugin;
import dev.orgplane.copy.api.IdFunction;
import dev.orgplane.copy.api.OrgApi;
import dev.orgplane.copy.api.ProgressSink;
import dev.orgplane.copy.builtin.SchemasPlugin;
import dev.orgplane.copy.builtin.WorkspacesPlugin;
import dev.orgplane.copy.testkit.InMemoryOrgApi;
import dev.orgplane.copy.testkit.KitIds;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The example installed beside the built-ins, as an engine runs them: a tenant fresh from the template diffs in sync,
 * every kind. Its docs are workspaces, which until session 32 the workspaces diff counted {@code extra}, so no tenant
 * was ever in sync, and removing what the diff called extra removed the docs.
 */
class SchemaDocsBesideTheBuiltinsTest {

  private static final String TEMPLATE = UUID.randomUUID().toString();
  private static final String TENANT = UUID.randomUUID().toString();

  @Test
  void aFreshTenantDiffsInSync() {
    var api = new InMemoryOrgApi();
    add(api, "workspaces", new JsonObject().put("name", "main"));
    add(api, "schemas", new JsonObject().put("name", "invoice").put("content", new JsonObject()));
    // in the engine's run order: the docs need the schemas' copies
    var plugins = List.<CopyPlugin>of(new SchemasPlugin(), new SchemaDocsPlugin(), new WorkspacesPlugin());
    var ids = new KitIds(TEMPLATE, TENANT, api);
    for (var plugin : plugins) {
      var checkpoint = Checkpoint.START;
      var last = false;
      while (!last) {
        var page = plugin.copy(new Run(UUID.randomUUID().toString(), api, ids), checkpoint).await();
        checkpoint = checkpoint.after(page);
        last = page.last();
      }
    }

    for (var plugin : plugins) {
      var diff = plugin.diff(new Run(null, api, ids)).await();
      assertTrue(diff.inSync(), "the tenant's " + diff.kind() + ": " + diff.toJson().encode());
    }
  }

  private static void add(InMemoryOrgApi api, String path, JsonObject object) {
    var id = UUID.randomUUID().toString();
    api.objects(TEMPLATE, path).put(id, object.put("id", id));
  }

  /** A job's run ({@code jobId}) or a diff (none) from the template into the tenant, with every default. */
  private record Run(String jobId, OrgApi org, IdFunction ids) implements CopyContext {

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
