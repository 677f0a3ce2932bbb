package dev.orgplane.org.provisioner;

import dev.orgplane.copy.api.Existing;
import dev.orgplane.copy.api.IdFunction;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.ApiException.FieldError;
import dev.orgplane.org.access.OrgAccess;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * Frees the names a batch import's items take, before the batch writes them all with one statement. Names are unique
 * per organization and checked row by row (the constraint is not deferrable), so a statement that renames an object to
 * a name another object gives up meets the name still held, and writing one by one only helps if the giver comes
 * first: never in a swap, nor when a copy on a later page of a rollout gives the name up. The holders that give their
 * names up are moved to a temporary name first, with one statement: those of the batch itself, which the batch then
 * names as it says, and, in a rollout replacing copies, copies whose template object has another name now, which their
 * own page of the rollout names (a later page, or a retry of it).
 * Any other holder (an object of the tenant's own, a copy the run keeps as it is, a batch item that keeps its name)
 * fails the import: {@code *_name_taken}, naming the items that wanted the name.
 */
public final class WantedNames {

  /** A name no client chooses ({@code renaming-} and a random UUID's 32 hex digits) that the kinds' name rules allow. */
  private static final String TEMPORARY_PREFIX = "renaming-";

  private WantedNames() {
  }

  /**
   * The kind whose names an import takes: its table in {@code org} and its refusal of a taken name, to which the
   * import adds the items at fault.
   */
  public record Kind(String table, String nameTakenCode, String noun) {

    public ApiException nameTaken(List<FieldError> errors) {
      return nameTaken(Optional.empty(), errors);
    }

    /** The refusal naming the name taken, when it is one. */
    public ApiException nameTaken(Optional<String> name, List<FieldError> errors) {
      return new ApiException(409, nameTakenCode, "This organization has a " + noun
          + name.map(n -> " named " + n + ".").orElse(" of that name."), errors);
    }
  }

  /**
   * Refuses a batch whose items want one name, {@code wanted} in the batch's order: 409 naming every item after the
   * first that wants it, {@code nameField.apply(i)}, before anything is read or written. Names are compared as the
   * unique index compares them, exactly (case included). Freeing names cannot help such a batch, and its statement
   * was refused the name with no item named.
   */
  public static void requireDistinct(Kind kind, List<String> wanted, IntFunction<String> nameField) {
    var first = new HashMap<String, Integer>();
    var repeated = new ArrayList<FieldError>();
    var repeatedNames = new HashSet<String>();
    for (int i = 0; i < wanted.size(); i++) {
      var earlier = first.putIfAbsent(wanted.get(i), i);
      if (earlier != null) {
        repeated.add(new FieldError(nameField.apply(i), nameField.apply(earlier) + " wants it too"));
        repeatedNames.add(wanted.get(i));
      }
    }
    if (!repeated.isEmpty()) {
      var named = repeatedNames.size() == 1 ? "are named " + repeatedNames.iterator().next() : "share a name";
      throw new ApiException(409, kind.nameTakenCode(), "Several items of this batch " + named + "; a " + kind.noun()
          + "'s name is unique in its organization.", repeated);
    }
  }

  /** An object a batch import writes or leaves: its id, its name as stored ({@code null}: new) and as written. */
  public record Claim(UUID id, String current, String wanted) {

    boolean renames() {
      return !wanted.equals(current);
    }
  }

  /** An object moved out of the way: its id, the name it gave up, and its temporary one. */
  public record MovedAside(UUID id, String from, String to) {
  }

  /**
   * Frees the names {@code claims} (the batch's items in its order, as {@code items[i]} names them; an item the batch
   * leaves as it is wants the name it has) want: answers the objects not in the batch that were moved out of the way,
   * whose assignments the caller makes follow them. {@code template}: the one the provisioning run writing the batch
   * copies ({@link RolloutTemplate}), whose copies alone it may move; {@code null}, none. Nothing is read unless an
   * item takes a name it does not have.
   */
  public static Future<List<MovedAside>> free(SqlClient tx, OrgAccess access, Kind kind, Existing existing,
      UUID template, List<Claim> claims) {
    return free(tx, access, kind, existing, template, claims, i -> "items[" + i + "].name");
  }

  /**
   * {@link #free(SqlClient, OrgAccess, Kind, Existing, UUID, List)} for writes that name their items otherwise: a
   * refusal names the {@code i}th claim's name as {@code nameField.apply(i)} (a copy's
   * {@code objects[<template id>].name}).
   */
  public static Future<List<MovedAside>> free(SqlClient tx, OrgAccess access, Kind kind, Existing existing,
      UUID template, List<Claim> claims, IntFunction<String> nameField) {
    var taken = claims.stream().filter(Claim::renames).map(Claim::wanted).collect(Collectors.toSet());
    if (taken.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    var inBatch = claims.stream().filter(claim -> claim.current() != null)
        .collect(Collectors.toMap(Claim::current, Function.identity()));
    return outsideHolders(tx, access.orgId(), kind, taken, claims)
        .compose(outside -> movableCopies(tx, access, kind, existing, template, outside)
            .compose(movable -> {
              var temporary = new LinkedHashMap<UUID, String>();
              movable.forEach(id -> temporary.put(id, temporaryName()));
              var refused = new ArrayList<FieldError>();
              var refusedNames = new HashSet<String>();
              for (int i = 0; i < claims.size(); i++) {
                var claim = claims.get(i);
                if (!claim.renames()) {
                  continue;
                }
                var holder = inBatch.get(claim.wanted());
                var holderOutside = outside.get(claim.wanted());
                if (holder != null && holder.renames()) {
                  temporary.computeIfAbsent(holder.id(), id -> temporaryName());
                } else if (holder != null || holderOutside != null && !movable.contains(holderOutside)) {
                  refused.add(new FieldError(nameField.apply(i), "taken in this organization by a " + kind.noun()
                      + " that keeps it"));
                  refusedNames.add(claim.wanted());
                }
              }
              if (!refused.isEmpty()) {
                return Future.failedFuture(kind.nameTaken(refusedNames.size() == 1
                    ? refusedNames.stream().findFirst() : Optional.empty(), refused));
              }
              var movedOutside = outside.entrySet().stream().filter(holder -> movable.contains(holder.getValue()))
                  .map(holder -> new MovedAside(holder.getValue(), holder.getKey(), temporary.get(holder.getValue())))
                  .toList();
              return moveAside(tx, access.orgId(), kind, temporary).map(movedOutside);
            }));
  }

  /** The objects outside the batch that hold names it takes, by name, locked until the batch is written. */
  private static Future<Map<String, UUID>> outsideHolders(SqlClient tx, UUID orgId, Kind kind, Set<String> taken,
      List<Claim> claims) {
    return tx.preparedQuery("SELECT id, name FROM org." + kind.table() + " WHERE org_id = $1 AND name = ANY ($2) "
            + "AND id <> ALL ($3) FOR UPDATE")
        .execute(Tuple.of(orgId, taken.toArray(String[]::new), claims.stream().map(Claim::id).toArray(UUID[]::new)))
        .map(rows -> {
          var holders = new HashMap<String, UUID>();
          rows.forEach(row -> holders.put(row.getString("name"), row.getUUID("id")));
          return holders;
        });
  }

  /**
   * Of {@code outside}, the copies a rollout that replaces copies names anew later: copies of an object of the
   * run's template that has another name there now (until session 34, of the template the organization was
   * provisioned from, whatever the run copied: a run of another template moved copies it never names again, and
   * refused names its own copies gave up). Only the provisioning engine rolls a template out; a copy it keeps
   * ({@link Existing#KEEP}) would keep its temporary name.
   */
  private static Future<Set<UUID>> movableCopies(SqlClient tx, OrgAccess access, Kind kind, Existing existing,
      UUID template, Map<String, UUID> outside) {
    if (outside.isEmpty() || !access.provisioner() || existing != Existing.UPDATE || template == null) {
      return Future.succeededFuture(Set.of());
    }
    var copyOf = IdFunction.nameBasedIn(access.orgId().toString());
    var nameOf = outside.entrySet().stream().collect(Collectors.toMap(Map.Entry::getValue, Map.Entry::getKey));
    return tx.preparedQuery("SELECT id, name FROM org." + kind.table() + " WHERE org_id = $1")
        .execute(Tuple.of(template))
        .map(rows -> {
          var movable = new HashSet<UUID>();
          rows.forEach(row -> {
            var copy = UUID.fromString(copyOf.apply(row.getUUID("id").toString()));
            if (nameOf.containsKey(copy) && !nameOf.get(copy).equals(row.getString("name"))) {
              movable.add(copy);
            }
          });
          return movable;
        });
  }

  private static String temporaryName() {
    return TEMPORARY_PREFIX + UUID.randomUUID().toString().replace("-", "");
  }

  /** Gives each object of {@code temporary} its temporary name, with one statement. */
  private static Future<Void> moveAside(SqlClient tx, UUID orgId, Kind kind, Map<UUID, String> temporary) {
    if (temporary.isEmpty()) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery("UPDATE org." + kind.table() + " stored SET name = m.name, updated_at = now() "
            + "FROM unnest($2::uuid[], $3::text[]) AS m(id, name) WHERE stored.org_id = $1 AND stored.id = m.id")
        .execute(Tuple.of(orgId, temporary.keySet().toArray(UUID[]::new), temporary.values().toArray(String[]::new)))
        .mapEmpty();
  }
}
