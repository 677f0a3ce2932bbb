package dev.orgplane.org.invitation;

import dev.orgplane.kit.http.ApiException;
import dev.orgplane.org.access.AccessPolicy;
import dev.orgplane.org.access.Holdings;
import dev.orgplane.org.membership.SelfGrants;
import dev.orgplane.org.role.PermissionCatalog;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * No invitation grants more than its inviter could when it is accepted. Inviting is ranked
 * ({@code RoleGrants.requireGrantable}, teams taking {@link PermissionCatalog#TEAM_MANAGE}), but the inviter may since
 * have been removed, demoted, had a custom role of theirs narrowed or their group adminship revoked: their invitation
 * then made members of what they no longer held. Deciding at acceptance, in its transaction, covers every such change
 * without a hook in each. An inviter whose account is gone, or who is no longer in the organization, holds nothing
 * there; the provisioning engine is not bound, as when it grants directly.
 */
final class InviterReach {

  /**
   * What invitation {@code $1} grants (the custom permissions of its roles, whether it names teams) and what its
   * inviter holds in its organization now: their roles there, those roles' custom permissions, and whether they
   * administer it or are the engine; who they are, and the job's requester the engine made it for, if any; and
   * whether its acceptor {@code $2} is a platform admin.
   */
  private static final String REACH = """
      SELECT i.roles, cardinality(i.team_ids) > 0 AS names_teams, %s AS permissions, %s,
        i.invited_by, i.requested_by,
        COALESCE((SELECT platform_admin FROM org.users WHERE id = $2), false) AS acceptor_platform_admin
      FROM org.invitations i
      LEFT JOIN org.users u ON u.id = i.invited_by
      LEFT JOIN org.memberships m ON m.org_id = i.org_id AND m.user_id = i.invited_by
      WHERE i.id = $1""".formatted(Holdings.customPermissions("i.org_id", "i.roles"),
      Holdings.columns("inviter", "i.org_id", "u", "m"));

  /**
   * Share-locks the group of invitation {@code $1}'s organization, if it is in one: a group adminship's revocation
   * holds the group's row, so it either commits before {@link #REACH} reads the inviter's rights or waits until the
   * acceptance has committed.
   */
  private static final String HOLD_GROUP = "SELECT 1 FROM org.organization_groups g JOIN org.organizations o "
      + "ON o.group_id = g.id JOIN org.invitations i ON i.org_id = o.id WHERE i.id = $1 FOR SHARE OF g";

  private InviterReach() {
  }

  /**
   * Refuses to accept invitation {@code id} unless its inviter could make it now: invite, grant each permission of its
   * roles and, if it names teams, change their members (409 {@code inviter_lacks_rights}; the invitation stays
   * pending, for an admin to invite the address anew, which replaces it, or to withdraw it). An invitation its
   * {@code acceptor}, no member before, made themself, or the engine made for a job of theirs, is refused (403,
   * {@link SelfGrants}) unless they are a platform admin: their right to make it came from their group adminship or a
   * membership they left, and their rights read now would be the membership it just made. Inviting a job's requester
   * is refused when the invitation is made, but an address no account used then could become theirs before they
   * accepted (until session 42 a group admin's job adopting another admin's tenant, naming as its owner a mailbox of
   * theirs, made them that tenant's owner once they had moved their account to it). The caller holds the
   * organization's row, which a removal or change of roles waits for; the organization's group, which a revocation of
   * group adminship waits for, is taken here, after it: nothing that holds a group's row waits for its organizations'.
   */
  static Future<Void> requireWithinInviter(SqlClient tx, UUID id, UUID acceptor) {
    return tx.preparedQuery(HOLD_GROUP).execute(Tuple.of(id))
        .compose(held -> tx.preparedQuery(REACH).execute(Tuple.of(id, acceptor))).map(rows -> {
      var row = rows.iterator().next();
      if (grantsThemself(row, acceptor) && !row.getBoolean("acceptor_platform_admin")) {
        throw SelfGrants.refused();
      }
      if (!row.getBoolean("inviter_provisioner") && !Holdings.of(row, "inviter").containsAll(needed(row))) {
        throw ApiException.conflict("inviter_lacks_rights", "Whoever invited you can no longer grant what the "
            + "invitation does: ask the organization to invite you again (or decline it).");
      }
      return null;
    });
  }

  /** Whether {@code acceptor} made the invitation, or the engine made it for a job they requested. */
  private static boolean grantsThemself(Row row, UUID acceptor) {
    return acceptor.equals(row.getUUID("invited_by")) || acceptor.equals(row.getUUID("requested_by"));
  }

  /** What making the invitation takes: inviting, its roles' permissions, and changing team members if it names any. */
  private static Set<String> needed(Row row) {
    var needed = new HashSet<>(AccessPolicy.permissions(row.getArrayOfStrings("roles"),
        row.getArrayOfStrings("permissions"), false));
    needed.add(PermissionCatalog.INVITATION_CREATE);
    if (row.getBoolean("names_teams")) {
      needed.add(PermissionCatalog.TEAM_MANAGE);
    }
    return needed;
  }
}
