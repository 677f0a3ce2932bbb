package dev.orgplane.copy.testkit;

import dev.orgplane.copy.api.EmbeddedIds;
import dev.orgplane.copy.api.IdFunction;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The engine's id scheme ({@link IdFunction#nameBased}) and its record of what has been copied into
 * the target, kept in memory: ids embedded in free-form data are remapped only when their template
 * object has been copied, exactly as the engine does.
 */
public final class KitIds implements IdFunction {

  private final String target;
  private final Set<String> copied = new HashSet<>();

  public KitIds(String target) {
    this.target = target;
  }

  @Override
  public String copyOf(String sourceId) {
    return IdFunction.nameBased(target, sourceId);
  }

  /** What the engine does at each checkpoint: remember the page's template ids as copied. */
  public void record(List<String> sourceIds) {
    sourceIds.forEach(id -> copied.add(id.toLowerCase()));
  }

  @Override
  public Future<JsonObject> remapEmbedded(JsonObject freeForm) {
    var remapped = EmbeddedIds.replace(freeForm, id -> copied.contains(id) ? copyOf(id) : null);
    return Future.succeededFuture((JsonObject) remapped);
  }

  @Override
  public Future<Set<String>> copiedAlready(Collection<String> copyIds) {
    var copies = copied.stream().map(this::copyOf).collect(Collectors.toSet());
    return Future.succeededFuture(copyIds.stream().filter(copies::contains).collect(Collectors.toSet()));
  }
}
