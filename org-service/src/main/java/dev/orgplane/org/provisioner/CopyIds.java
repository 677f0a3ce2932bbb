package dev.orgplane.org.provisioner;

import dev.orgplane.copy.api.IdFunction;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.org.access.OrgAccess;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * The ids copies have are the provisioning engine's alone to bring into an organization. A copy's id
 * ({@link IdFunction#nameBased}, a UUID of version 5) can be computed by anyone who knows the target organization's id
 * and the template object's (a template's reader lists its objects, its audit trail names its targets), and ids are
 * unique across organizations: imported into another organization first, it would keep that copy out of its target for
 * ever, every copy of it 409 {@code id_taken}, as it did until session 34. Changing how copies' ids are made is no way
 * out: existing copies must keep theirs, or a re-run would copy them twice. An organization's own object of such an id
 * (a copy the engine made there) is still its importers' to replace: config-as-code tools and an export's re-import
 * {@code PUT} every object by its id, and that takes no id from anyone. Whether another organization holds an id
 * changes no answer, so the refusal tells nothing of other tenants.
 */
public final class CopyIds {

  /** The UUID version of {@link IdFunction#nameBased}: RFC 4122's name-based SHA-1. */
  private static final int VERSION = 5;

  private CopyIds() {
  }

  /** {@link #choosableInBatchBy} for the id a {@code PUT} names in its path parameter {@code field}. */
  public static Future<OrgAccess> choosableBy(SqlClient tx, OrgAccess access, String table, UUID id, String field) {
    return choosableBy(tx, access, table, List.of(id), i -> field);
  }

  /**
   * {@code access}, unless its caller, who is not the engine, chose one of the copies' version among the ids of a
   * batch's items that no object of the organization in its kind's {@code table} has: then 400 {@code id_reserved}
   * naming each such item's {@code items[i].id}. Only ids of that version are looked up, so an import choosing none
   * reads nothing more. The objects read are not locked: one deleted meanwhile is written again in the organization
   * that held it, which takes no other organization's copy.
   */
  public static Future<OrgAccess> choosableInBatchBy(SqlClient tx, OrgAccess access, String table, List<UUID> ids) {
    return choosableBy(tx, access, table, ids, i -> "items[" + i + "].id");
  }

  private static Future<OrgAccess> choosableBy(SqlClient tx, OrgAccess access, String table, List<UUID> ids,
      IntFunction<String> field) {
    var copies = ids.stream().filter(id -> id.version() == VERSION).distinct().toArray(UUID[]::new);
    if (access.provisioner() || copies.length == 0) {
      return Future.succeededFuture(access);
    }
    return tx.preparedQuery("SELECT id FROM org." + table + " WHERE org_id = $1 AND id = ANY ($2)")
        .execute(Tuple.of(access.orgId(), (Object) copies))
        .compose(rows -> {
          var held = new HashSet<UUID>();
          rows.forEach(row -> held.add(row.getUUID("id")));
          var reserved = IntStream.range(0, ids.size())
              .filter(i -> ids.get(i).version() == VERSION && !held.contains(ids.get(i)))
              .mapToObj(i -> new ApiException.FieldError(field.apply(i),
                  "is a UUID of version 5, kept for copies, and no object of this kind here has it"))
              .toList();
          return reserved.isEmpty() ? Future.succeededFuture(access)
              : Future.failedFuture(new ApiException(400, "id_reserved", "Ids of UUID version 5 are kept for the "
                  + "copies provisioning makes: one is imported only to replace the organization's object that has "
                  + "it; choose an id of another version (4, say).", reserved));
        });
  }
}
