package dev.orgplane.copy.testkit;

import dev.orgplane.copy.api.CopyFailure;
import dev.orgplane.copy.api.EmbeddedIds;
import dev.orgplane.copy.api.IdFunction;
import dev.orgplane.copy.api.OrgApi;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The engine's id scheme ({@link IdFunction#nameBased}) and its knowledge of what has been copied into
 * the target, kept in memory: ids embedded in free-form data are remapped when they name the template's
 * objects in the org API or their copy exists, there ({@link OrgApi#existing}) or on the record of pages
 * copied elsewhere, as the engine's {@code CopiedObjects} does, with two differences: the engine, planning a new
 * tenant (no target yet), leaves free-form data as it is, where the kit remaps into the job's namespace (a plan of a
 * new tenant counts every object created either way); and the engine asks in batches and remembers, for the run,
 * what it found to be a template id, where the kit asks for each object.
 */
public final class KitIds implements IdFunction {

  private final String template;
  private final String target;
  private final OrgApi org;
  private final Set<String> recorded = new HashSet<>();

  public KitIds(String template, String target, OrgApi org) {
    this.template = template;
    this.target = target;
    this.org = org;
  }

  @Override
  public String copyOf(String sourceId) {
    return IdFunction.nameBased(target, sourceId);
  }

  /** What the engine does at each checkpoint: remember the page's template ids as copied. */
  public void record(List<String> sourceIds) {
    sourceIds.forEach(id -> recorded.add(id.toLowerCase()));
  }

  @Override
  public Future<JsonObject> remapEmbedded(JsonObject freeForm) {
    var candidates = new HashSet<String>();
    EmbeddedIds.collect(freeForm, candidates);
    var sourceOf = candidates.stream().collect(Collectors.toMap(this::copyOf, id -> id));
    var copies = copiedAlready(sourceOf.keySet());
    var inTemplate = org.existing(template, candidates);
    return Future.all(copies, inTemplate).map(both -> {
      var templateIds = new HashSet<>(inTemplate.result());
      copies.result().forEach(copy -> templateIds.add(sourceOf.get(copy)));
      return (JsonObject) EmbeddedIds.replace(freeForm, id -> templateIds.contains(id) ? copyOf(id) : null);
    });
  }

  /** The record, as the engine answers it: past {@value #MAX_COPIED_ELSEWHERE} a {@link CopyFailure}. */
  @Override
  public Future<Set<String>> copiedElsewhere() {
    if (recorded.size() > MAX_COPIED_ELSEWHERE) {
      return Future.failedFuture(new CopyFailure(TOO_MANY_COPIED_ELSEWHERE, "more than " + MAX_COPIED_ELSEWHERE
          + " objects copied elsewhere", null));
    }
    return Future.succeededFuture(Set.copyOf(recorded));
  }

  @Override
  public Future<Set<String>> copiedAlready(Collection<String> copyIds) {
    var onRecord = recorded.stream().map(this::copyOf).collect(Collectors.toSet());
    return org.existing(target, copyIds).map(existing -> copyIds.stream()
        .filter(copy -> onRecord.contains(copy) || existing.contains(copy)).collect(Collectors.toSet()));
  }
}
