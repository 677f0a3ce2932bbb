package dev.orgplane.org.provisioner;

import dev.orgplane.copy.api.IdFunction;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.org.access.OrgAccess;
import io.vertx.core.Future;
import java.util.List;
import java.util.UUID;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * The ids copies have are the provisioning engine's alone to import. A copy's id ({@link IdFunction#nameBased}, a
 * UUID of version 5) can be computed by anyone who knows the target organization's id and the template object's (a
 * template's reader lists its objects, its audit trail names its targets), and ids are unique across organizations:
 * imported into another organization first, it would keep that copy out of its target for ever, every copy of it 409
 * {@code id_taken}, as it did until session 34. Changing how copies' ids are made is no way out: existing copies must
 * keep theirs, or a re-run would copy them twice.
 */
public final class CopyIds {

  /** The UUID version of {@link IdFunction#nameBased}: RFC 4122's name-based SHA-1. */
  private static final int VERSION = 5;

  private CopyIds() {
  }

  /** {@link #choosableInBatchBy} for the id a {@code PUT} names in its path parameter {@code field}. */
  public static Future<OrgAccess> choosableBy(OrgAccess access, UUID id, String field) {
    return choosableBy(access, List.of(id), i -> field);
  }

  /**
   * {@code access}, unless its caller, who is not the engine, chose one of the copies' version among the ids of a
   * batch's items: then 400 {@code id_reserved} naming each such item's {@code items[i].id}.
   */
  public static Future<OrgAccess> choosableInBatchBy(OrgAccess access, List<UUID> ids) {
    return choosableBy(access, ids, i -> "items[" + i + "].id");
  }

  private static Future<OrgAccess> choosableBy(OrgAccess access, List<UUID> ids, IntFunction<String> field) {
    if (access.provisioner()) {
      return Future.succeededFuture(access);
    }
    var reserved = IntStream.range(0, ids.size()).filter(i -> ids.get(i).version() == VERSION)
        .mapToObj(i -> new ApiException.FieldError(field.apply(i), "is a UUID of version 5, kept for copies"))
        .toList();
    return reserved.isEmpty() ? Future.succeededFuture(access)
        : Future.failedFuture(new ApiException(400, "id_reserved", "Ids of UUID version 5 are kept for the copies "
            + "provisioning makes; choose an id of another version (4, say).", reserved));
  }
}
