package dev.orgplane.org.invitation;

import dev.orgplane.org.audit.AuditLog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.SqlClient;
import java.util.UUID;

/**
 * The invitations of someone who leaves an organization, or is removed from it, go with their membership, and those
 * to an address a member gives up go with the address. An invitation stays pending when its invitee is added
 * directly (accepting it as a member changes nothing), and was their way back in once they were gone, with its
 * roles: a viewer removed rejoined as the manager they had once been invited as, by the invitation their removal
 * should have ended.
 */
public final class DepartedInvitees {

  private DepartedInvitees() {
  }

  /**
   * Deletes the organization's invitations to {@code userId}'s address in the caller's transaction, each audited as a
   * withdrawal ({@code invitation.deleted}) whose {@code reason} says why: {@code member_left} or
   * {@code member_removed}.
   */
  public static Future<Void> withdrawInvitations(SqlClient tx, RoutingContext ctx, UUID orgId, UUID userId,
      String actor, boolean left) {
    var details = withdrawal(left ? "member_left" : "member_removed", userId);
    return InvitationRepository.deleteAddressedTo(tx, orgId, userId)
        .compose(ids -> ids.isEmpty() ? Future.succeededFuture() : AuditLog.recordAll(tx, ctx, orgId, actor,
            ids.stream().map(id -> new AuditLog.Event("invitation.deleted", "invitation:" + id, details)).toList()));
  }

  /**
   * As their account ends, deletes {@code userId}'s invitations of every organization they leave with it, in one
   * statement, each audited in its organization as {@code invitation.deleted} with {@code reason}
   * {@code account_deleted}: until session 31 they stayed, and whoever registered the address again accepted them
   * and came back with their roles. An invitation of an organization they were not in stays, as one to an address
   * without an account does.
   */
  public static Future<Void> withdrawInvitationsOfAccount(SqlClient tx, RoutingContext ctx, UUID userId,
      String actor) {
    return withdrawInvitationsOfMemberships(tx, ctx, userId, actor, "account_deleted");
  }

  /**
   * As a change of {@code userId}'s address is confirmed, before it moves, deletes the invitations to the address
   * given up of every organization they are a member of, as {@link #withdrawInvitationsOfAccount} does, audited with
   * {@code reason} {@code email_changed} and the account as actor: until session 35 they stayed, no longer addressed
   * to a member, so removing the member withdrew none of them, and taking the address back after the removal let a
   * viewer rejoin as the manager once invited. Invitations of other organizations stay, as for any address.
   */
  public static Future<Void> withdrawInvitationsOfFormerAddress(SqlClient tx, RoutingContext ctx, UUID userId) {
    return withdrawInvitationsOfMemberships(tx, ctx, userId, userId.toString(), "email_changed");
  }

  private static Future<Void> withdrawInvitationsOfMemberships(SqlClient tx, RoutingContext ctx, UUID userId,
      String actor, String reason) {
    return InvitationRepository.deleteAddressedToMemberships(tx, userId,
        AuditLog.valuesForEach(ctx, actor, "invitation.deleted", withdrawal(reason, userId)));
  }

  private static JsonObject withdrawal(String reason, UUID userId) {
    return new JsonObject().put("reason", reason).put("userId", userId.toString());
  }
}
