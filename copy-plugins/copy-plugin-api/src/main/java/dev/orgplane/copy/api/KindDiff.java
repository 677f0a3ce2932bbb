package dev.orgplane.copy.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Drift of a copy from its template for one kind: template objects without a copy
 * ({@code missing}, template ids), target objects that are no copy of a template object
 * ({@code extra}, target ids), and copies that differ from what the template would give now, by which side changed:
 * the template object since the copy was last written, or a side the plugin cannot tell ({@code changed}), or the
 * copy in the target after the template object's last change ({@code tenantChanged}); both target ids. A re-run
 * with option {@code existing: "update"} makes both kinds of copies the template's again; with {@code "keep"}, neither.
 */
public record KindDiff(String kind, List<String> missing, List<String> extra, List<String> changed,
    List<String> tenantChanged) {

  public KindDiff {
    missing = List.copyOf(missing);
    extra = List.copyOf(extra);
    changed = List.copyOf(changed);
    tenantChanged = List.copyOf(tenantChanged);
  }

  /** A diff of a plugin that cannot tell who changed a copy: every changed copy is {@code changed}. */
  public KindDiff(String kind, List<String> missing, List<String> extra, List<String> changed) {
    this(kind, missing, extra, changed, List.of());
  }

  public boolean inSync() {
    return missing.isEmpty() && extra.isEmpty() && changed.isEmpty() && tenantChanged.isEmpty();
  }

  public JsonObject toJson() {
    return new JsonObject().put("kind", kind).put("inSync", inSync()).put("missing", new JsonArray(missing))
        .put("extra", new JsonArray(extra)).put("changed", new JsonArray(changed))
        .put("tenantChanged", new JsonArray(tenantChanged));
  }
}
