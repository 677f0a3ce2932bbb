package dev.orgplane.copy.example;

import dev.orgplane.copy.api.ChangeTimes;
import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.CopyPlugin;
import dev.orgplane.copy.api.Counts;
import dev.orgplane.copy.api.Existing;
import dev.orgplane.copy.api.KindDiff;
import dev.orgplane.copy.api.OrgApi;
import dev.orgplane.copy.api.PageResult;
import dev.orgplane.copy.api.PluginMark;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Example plugin: gives every tenant a documentation workspace per template schema, named
 * {@code docs-<schema>-<8 hex digits of its id>} and pointing at the tenant's copy of that schema. The suffix keeps
 * the name from clashing with a workspace of the tenant's own (names are unique per organization), and a long schema
 * name is cut so the name stays within the service's 128 characters. A doc is known by the mark in its metadata
 * ({@link PluginMark}), never by its name, so the tenant's own workspaces named {@code docs-...} are none of its
 * business, and the workspaces plugin's diff leaves the docs to this one's rather than count them extra. It shows the whole SPI on
 * something the built-ins do not do: objects derived from template objects get deterministic ids of
 * their own ({@code copyOf(schemaId + ":docs")}), references go through the same id function, pages
 * are read and written one at a time, and plan and diff look at this plugin's objects only.
 */
public final class SchemaDocsPlugin implements CopyPlugin {

  static final String ID = "schema-docs";
  static final String PREFIX = "docs-";
  /** org-service's longest workspace name. */
  private static final int MAX_NAME = 128;
  private static final int SUFFIX = 9;

  @Override
  public String id() {
    return ID;
  }

  /** The docs point at copied schemas, so schemas are copied first. */
  @Override
  public Set<String> dependsOn() {
    return Set.of("schemas");
  }

  @Override
  public Future<PageResult> copy(CopyContext context, Checkpoint from) {
    return schemas(context, from.cursor()).compose(page -> {
      var docs = page.items().stream().map(schema -> doc(context, schema)).toList();
      var written = docs.isEmpty() ? Future.succeededFuture(Counts.ZERO)
          : context.org().importBatch(context.targetOrganization(), "workspaces", docs, context.existing());
      // the docs are no template objects: nothing for the engine to remember as copied
      return written.map(counts -> new PageResult(page.nextCursor(), counts, List.of()));
    });
  }

  @Override
  public Future<PageResult> plan(CopyContext context, Checkpoint from) {
    // the target, which a plan does not change, is read once per run, not once per page
    return schemas(context, from.cursor()).compose(page -> context.once(ID + ".existingDocs",
        () -> existingDocs(context)).map(existing -> {
      long created = 0;
      long updated = 0;
      for (var schema : page.items()) {
        var doc = doc(context, schema);
        var current = existing.get(doc.getString("id"));
        created += current == null ? 1 : 0;
        // with option existing "keep" the copy leaves an existing doc as it is
        updated += current != null && context.existing() == Existing.UPDATE && !comparable(current).equals(doc) ? 1 : 0;
      }
      return new PageResult(page.nextCursor(), new Counts(created, updated, page.items().size() - created - updated),
          List.of());
    }));
  }

  /** The template's schemas a page at a time, each page let go once compared: only ids are kept. */
  @Override
  public Future<KindDiff> diff(CopyContext context) {
    return existingDocs(context).compose(existing -> {
      var missing = new ArrayList<String>();
      var changed = new ArrayList<String>();
      var tenantChanged = new ArrayList<String>();
      var expected = new HashSet<String>();
      return context.org().forEachPage(context.sourceOrganization(), "schemas", schemas -> {
        for (var schema : schemas) {
          var doc = doc(context, schema);
          expected.add(doc.getString("id"));
          var current = existing.get(doc.getString("id"));
          if (current == null) {
            missing.add(schema.getString("id"));
          } else if (!comparable(current).equals(doc)) {
            // a doc written after its schema's last change was what the schema gives: a difference is the tenant's
            (ChangeTimes.writtenSinceTemplateChanged(current, schema) ? tenantChanged : changed)
                .add(doc.getString("id"));
          }
        }
        return Future.succeededFuture();
      }).map(read -> new KindDiff(id(), missing,
          existing.keySet().stream().filter(id -> !expected.contains(id)).sorted().toList(), changed, tenantChanged));
    });
  }

  private static JsonObject doc(CopyContext context, JsonObject schema) {
    var schemaId = schema.getString("id");
    var id = context.ids().copyOf(schemaId + ":docs");
    var name = schema.getString("name");
    var kept = name.substring(0, Math.min(name.length(), MAX_NAME - PREFIX.length() - SUFFIX));
    return new JsonObject().put("id", id).put("name", PREFIX + kept + "-" + id.substring(0, SUFFIX - 1))
        .put("metadata", new JsonObject().put("documents", context.ids().copyOf(schemaId)).put(PluginMark.FIELD, ID));
  }

  private static Future<OrgApi.Page> schemas(CopyContext context, String cursor) {
    return context.org().list(context.sourceOrganization(), "schemas", cursor, context.pageSize());
  }

  /** This plugin's workspaces in the target, by id, as listed. */
  private static Future<Map<String, JsonObject>> existingDocs(CopyContext context) {
    if (context.targetOrganization() == null) {
      return Future.succeededFuture(Map.of());
    }
    var docs = new HashMap<String, JsonObject>();
    return context.org().forEachPage(context.targetOrganization(), "workspaces", workspaces -> {
      workspaces.stream().filter(SchemaDocsPlugin::isDoc).forEach(w -> docs.put(w.getString("id"), w));
      return Future.succeededFuture();
    }).<Map<String, JsonObject>>map(read -> docs);
  }

  /** The fields of a listed workspace that a doc has, to compare with {@link #doc}. */
  private static JsonObject comparable(JsonObject workspace) {
    return new JsonObject().put("id", workspace.getString("id")).put("name", workspace.getString("name"))
        .put("metadata", workspace.getJsonObject("metadata"));
  }

  private static boolean isDoc(JsonObject workspace) {
    return ID.equals(PluginMark.of(workspace));
  }
}
