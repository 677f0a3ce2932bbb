package dev.orgplane.org.membership;

import dev.orgplane.kit.http.ApiException;
import dev.orgplane.org.access.AccessPolicy;
import dev.orgplane.org.access.EffectivePermissions;
import dev.orgplane.org.access.OrgAccess;
import dev.orgplane.org.user.UserRepository;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A group admin holds every organization of their group for as long as they are its admin, and no longer: a
 * membership or roles they gave themself there with those powers alone outlived their revocation. So a group admin
 * who does not own the organization (an owner's own rights reach as far) names themself in no add, import or change
 * of roles, and accepts no invitation of their own (403 {@code self_grant_refused}); a platform admin adds them.
 *
 * <p>The provisioning engine's identity may give anyone anything, so a job's requester (a group admin or a platform
 * admin) had it give them what they could not give themself: their own template copied into an organization of their
 * group that they do not own made them its owner, for good (until session 41). The engine names the job's requester
 * ({@code JobRequester}), and what the engine writes for them is held to this rule as if they wrote it.
 */
public final class SelfGrants {

  private static final String OWNER = "owner";

  private SelfGrants() {
  }

  /** Refuses the caller of {@code access} naming themself among {@code userIds} where only their adminship lets them. */
  static Future<Void> refuseOwn(OrgAccess access, Collection<UUID> userIds) {
    return access.groupAdmin() && !grantsThemself(access) && userIds.contains(access.userId())
        ? Future.failedFuture(refused()) : Future.succeededFuture();
  }

  /**
   * Of {@code userIds}, those the engine leaves out of its writes into the organization of {@code access} for a job
   * of {@code requester} ({@code null}: none named): the requester, unless they own the organization or are a
   * platform admin. A requester may be no group admin any more, or never have been one of this group: they are left
   * out all the same, as they could give themself nothing here.
   */
  public static Future<Set<UUID>> withheld(SqlClient tx, OrgAccess access, UUID requester, Collection<UUID> userIds) {
    if (requester == null || !userIds.contains(requester)) {
      return Future.succeededFuture(Set.of());
    }
    return AccessPolicy.effectiveOf(tx, requester, access.orgId())
        .map(theirs -> theirs.map(EffectivePermissions::access).filter(SelfGrants::grantsThemself).isPresent()
            ? Set.of() : Set.of(requester));
  }

  /** Refuses the engine a change of the roles of {@code userId} where they are the {@link #withheld} requester. */
  static Future<Void> refuseRequester(SqlClient tx, OrgAccess access, UUID requester, UUID userId) {
    return withheld(tx, access, requester, List.of(userId))
        .compose(withheld -> withheld.isEmpty() ? Future.succeededFuture() : Future.failedFuture(refused()));
  }

  /**
   * Refuses the engine an invitation of {@code email} into the organization of {@code access} for a job of
   * {@code requester} ({@code null}: none named) when the address is the requester's own and they are
   * {@link #withheld} there: the owner a job names is invited into a tenant of the template that the job adopts, and a
   * group admin naming themself accepted ownership of another admin's tenant (until session 41). An address that
   * becomes theirs only later is found here as no one's: the invitation records its requester, and accepting it is
   * refused them then ({@code InviterReach}).
   */
  public static Future<Void> refuseRequesterInvited(SqlClient tx, OrgAccess access, UUID requester, String email) {
    if (requester == null) {
      return Future.succeededFuture();
    }
    return UserRepository.byEmail(tx, email).compose(invitee -> invitee.filter(user -> user.id().equals(requester))
        .isPresent() ? refuseRequester(tx, access, requester, requester) : Future.succeededFuture());
  }

  /** Whether {@code access}'s holder may give themself roles there: a platform admin, or an owner. */
  private static boolean grantsThemself(OrgAccess access) {
    return access.platformAdmin() || access.roles().contains(OWNER);
  }

  public static ApiException refused() {
    return ApiException.forbidden("self_grant_refused", "A group admin grants themself no membership or roles in an "
        + "organization they do not own: they would keep them after their adminship. Ask its owner or a platform "
        + "admin.");
  }
}
