package dev.orgplane.engine.orgapi;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import java.util.Set;

/**
 * Whom org-service makes no member of a target for a job ({@link dev.orgplane.copy.api.CopyContext#withheldMembers}):
 * its requester, unless they own the target or are a platform admin, which org-service decides on each import
 * ({@link OrgApiClient#requestedBy}). Asked once, as a run or a diff starts, so that its plan and diff leave them out
 * as its copy will; a target the job creates is the requester's own, and one not there yet withholds no one.
 */
public final class WithheldMembers {

  private static final String PLATFORM_ADMIN = "platform_admin";
  private static final String OWNER = "owner";

  private WithheldMembers() {
  }

  /** Of a job of {@code requester}'s into {@code target} ({@code null}: none yet). */
  public static Future<Set<String>> of(OrgApiClient api, String target, String requester) {
    if (target == null) {
      return Future.succeededFuture(Set.of());
    }
    return api.permissionsOf(target, requester).map(theirs ->
        PLATFORM_ADMIN.equals(theirs.getString("via")) || theirs.getJsonArray("roles", new JsonArray()).contains(OWNER)
            ? Set.of() : Set.of(requester));
  }
}
