package dev.orgplane.engine.job;

import dev.orgplane.copy.api.CopyFailure;
import dev.orgplane.copy.api.EmbeddedIds;
import dev.orgplane.copy.api.IdFunction;
import dev.orgplane.copy.api.OrgApi;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * The ids of copies in one target organization: a name-based (version 5) UUID of the target and the
 * template id, so the same object copied twice has one id; and which strings in free-form data are
 * template ids: those naming the template's objects in org-service, copied yet or not (so a copy never
 * depends on the order it was made in, as org-service's own copies do not), and those whose copies exist
 * in the target. Objects in org-service are asked of org-service ({@link OrgApi#existing}); copies plugins
 * made in other systems are on the engine's own record, written with each page's checkpoint.
 */
public final class CopiedObjects implements IdFunction {

  /**
   * The template's copies into the target on record, and those of a template unknown ({@link #copiedElsewhere}), each
   * a range of the index by target and template (V19), which holds the template ids too.
   */
  private static final String COPIED_ELSEWHERE = """
      (SELECT source_id, true AS own FROM provisioning.copied_objects
        WHERE target_org = $1 AND template_org = $2 LIMIT $3)
      UNION ALL
      (SELECT source_id, false FROM provisioning.copied_objects
        WHERE target_org = $1 AND template_org IS NULL LIMIT $3)""";

  private final Pool pool;
  private final OrgApi org;
  private final String template;
  private final UUID namespace;
  private final boolean recorded;
  private final Function<String, String> ids;
  /** Strings known to be template ids: once known, always known, so a hit is never asked again. */
  private final Set<String> templateIds = new HashSet<>();
  private final List<Lookup> waiting = new ArrayList<>();

  private record Lookup(Set<String> candidates, Promise<Void> done) {
  }

  /**
   * Ids in {@code targetOrg} of copies of {@code templateOrg}'s objects; a dry run without a target yet
   * ({@code targetOrg} null) derives them from {@code jobId} instead, and has no copies on record.
   */
  public CopiedObjects(Pool pool, OrgApi org, UUID templateOrg, UUID targetOrg, UUID jobId) {
    this.pool = pool;
    this.org = org;
    this.template = templateOrg.toString();
    this.namespace = targetOrg == null ? jobId : targetOrg;
    this.recorded = targetOrg != null;
    this.ids = IdFunction.nameBasedIn(namespace.toString());
  }

  @Override
  public String copyOf(String sourceId) {
    return ids.apply(sourceId);
  }

  /** Copies one page made, which its checkpoint records: of the template objects {@code sourceIds}, into {@code targetOrg}. */
  record NewCopies(UUID targetOrg, List<UUID> copyIds, List<UUID> sourceIds) {

    static final NewCopies NONE = new NewCopies(null, List.of(), List.of());
  }

  /** What a checkpoint records of the template objects {@code sourceIds} whose copies a page made elsewhere. */
  NewCopies made(List<String> sourceIds) {
    if (!recorded || sourceIds.isEmpty()) {
      return NewCopies.NONE;
    }
    return new NewCopies(namespace, sourceIds.stream().map(id -> UUID.fromString(copyOf(id))).toList(),
        sourceIds.stream().map(UUID::fromString).toList());
  }

  @Override
  public Future<JsonObject> remapEmbedded(JsonObject freeForm) {
    var candidates = new HashSet<String>();
    EmbeddedIds.collect(freeForm, candidates);
    candidates.removeAll(templateIds);
    if (!recorded || candidates.isEmpty()) {
      return Future.succeededFuture(recorded ? remapped(freeForm) : freeForm);
    }
    var lookup = Promise.<Void>promise();
    var first = waiting.isEmpty();
    waiting.add(new Lookup(candidates, lookup));
    if (first) {
      // the rest of the page asks in this same turn of the event loop: look them all up together after it
      var context = Vertx.currentContext();
      if (context == null) {
        flush();
      } else {
        context.runOnContext(v -> flush());
      }
    }
    return lookup.future().map(v -> remapped(freeForm));
  }

  /**
   * One lookup for every one asked for since the last: a plugin maps a page's objects concurrently, and
   * one round trip per object would dominate the copy.
   */
  private void flush() {
    var batch = List.copyOf(waiting);
    waiting.clear();
    var sourceOfCopy = new HashMap<String, String>();
    batch.forEach(lookup -> lookup.candidates().forEach(source -> sourceOfCopy.put(copyOf(source), source)));
    var copies = copiedAlready(sourceOfCopy.keySet());
    var inTemplate = org.existing(template, sourceOfCopy.values());
    Future.all(copies, inTemplate)
        .onSuccess(both -> {
          copies.result().forEach(copy -> templateIds.add(sourceOfCopy.get(copy)));
          templateIds.addAll(inTemplate.result());
          batch.forEach(lookup -> lookup.done().complete());
        })
        .onFailure(e -> batch.forEach(lookup -> lookup.done().fail(e)));
  }

  @Override
  public Future<Set<String>> copiedAlready(Collection<String> copyIds) {
    if (!recorded || copyIds.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    var ids = copyIds.stream().map(UUID::fromString).toArray(UUID[]::new);
    var onRecord = pool.preparedQuery("SELECT copy_id FROM provisioning.copied_objects WHERE target_org = $1 "
            + "AND copy_id = ANY($2)").execute(Tuple.of(namespace, (Object) ids));
    var inOrgService = org.existing(namespace.toString(), copyIds);
    return Future.all(onRecord, inOrgService).map(both -> {
      var found = new HashSet<>(inOrgService.result());
      onRecord.result().forEach(row -> found.add(row.getUUID("copy_id").toString()));
      return found;
    });
  }

  /**
   * The template's objects on record as copied into the target elsewhere, by any job of this template: those of
   * other templates name nothing the template's data may. Copies recorded before the engine kept their template
   * (V18, {@code template_org} NULL) are told too while they fit beside the template's own within the bound, and left
   * out past it: which template they came from is unknown, and failing for them would fail every job into the target
   * for good. More of the template's own than the bound fails the job.
   */
  @Override
  public Future<Set<String>> copiedElsewhere() {
    if (!recorded) {
      return Future.succeededFuture(Set.of());
    }
    // one past the most answered of each, so that a record of more is told from one of exactly as many
    return pool.preparedQuery(COPIED_ELSEWHERE).execute(Tuple.of(namespace, UUID.fromString(template),
        MAX_COPIED_ELSEWHERE + 1)).compose(rows -> {
          var own = new HashSet<String>();
          var unknown = new HashSet<String>();
          rows.forEach(row -> (row.getBoolean("own") ? own : unknown).add(row.getUUID("source_id").toString()));
          if (own.size() > MAX_COPIED_ELSEWHERE) {
            return Future.failedFuture(new CopyFailure(TOO_MANY_COPIED_ELSEWHERE, "Plugins copied more than "
                + MAX_COPIED_ELSEWHERE + " objects of the template into the target in other systems: org-service, "
                + "copying pages itself, cannot be told them all, and would leave ids naming the others unmapped.",
                null));
          }
          if (own.size() + unknown.size() <= MAX_COPIED_ELSEWHERE) {
            own.addAll(unknown);
          }
          return Future.succeededFuture(own);
        });
  }

  private JsonObject remapped(JsonObject freeForm) {
    return (JsonObject) EmbeddedIds.replace(freeForm, id -> templateIds.contains(id) ? copyOf(id) : null);
  }
}
