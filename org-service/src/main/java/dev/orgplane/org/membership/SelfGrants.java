package dev.orgplane.org.membership;

import dev.orgplane.kit.http.ApiException;
import dev.orgplane.org.access.OrgAccess;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.UUID;

/**
 * A group admin holds every organization of their group for as long as they are its admin, and no longer: a
 * membership or roles they gave themself there with those powers alone outlived their revocation. So a group admin
 * who does not own the organization (an owner's own rights reach as far) names themself in no add, import or change
 * of roles, and accepts no invitation of their own (403 {@code self_grant_refused}); a platform admin adds them.
 */
public final class SelfGrants {

  private static final String OWNER = "owner";

  private SelfGrants() {
  }

  /** Refuses the caller of {@code access} naming themself among {@code userIds} where only their adminship lets them. */
  static Future<Void> refuseOwn(OrgAccess access, Collection<UUID> userIds) {
    return access.groupAdmin() && !access.platformAdmin() && !access.roles().contains(OWNER)
        && userIds.contains(access.userId()) ? Future.failedFuture(refused()) : Future.succeededFuture();
  }

  public static ApiException refused() {
    return ApiException.forbidden("self_grant_refused", "A group admin grants themself no membership or roles in an "
        + "organization they do not own: they would keep them after their adminship. Ask its owner or a platform "
        + "admin.");
  }
}
