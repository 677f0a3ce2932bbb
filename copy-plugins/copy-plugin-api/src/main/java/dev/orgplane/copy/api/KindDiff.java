package dev.orgplane.copy.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Drift of a copy from its template for one kind: template objects without a copy
 * ({@code missing}, template ids), target objects that are no copy of a template object
 * ({@code extra}, target ids), and copies that differ from what the template would give now
 * ({@code changed}, target ids).
 */
public record KindDiff(String kind, List<String> missing, List<String> extra, List<String> changed) {

  public KindDiff {
    missing = List.copyOf(missing);
    extra = List.copyOf(extra);
    changed = List.copyOf(changed);
  }

  public boolean inSync() {
    return missing.isEmpty() && extra.isEmpty() && changed.isEmpty();
  }

  public JsonObject toJson() {
    return new JsonObject().put("kind", kind).put("inSync", inSync()).put("missing", new JsonArray(missing))
        .put("extra", new JsonArray(extra)).put("changed", new JsonArray(changed));
  }
}
