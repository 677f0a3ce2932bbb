package dev.orgplane.org.group;

import dev.orgplane.org.audit.AuditLog;
import dev.orgplane.org.user.UserRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import java.util.UUID;

/**
 * Appointing and removing group admins by email, for the operator's command line; audited as the API's are, by
 * {@link AuditLog#OPERATOR}.
 */
public final class GroupAdmins {

  private GroupAdmins() {
  }

  /**
   * Appoints the account with {@code email}. It needs no person check as the HTTP route's (422 {@code not_a_person}):
   * only persons have an address (the constraint {@code users_human_or_service} leaves service users and the
   * provisioning engine without one), so whoever an address finds is a person.
   */
  public static Future<UUID> grant(SqlClient tx, UUID groupId, String email) {
    return existingGroup(tx, groupId).compose(v -> userId(tx, email))
        .compose(userId -> GroupRepository.addAdmin(tx, groupId, userId)
            .compose(added -> byOperator(tx, added, event(true, groupId, userId))).map(userId));
  }

  /**
   * Removes the account with {@code email} from the group's admins; one that is none is refused, as the API refuses
   * it (404 {@code admin_not_found}): told it was removed, the operator would not see a mistyped group or address.
   */
  public static Future<UUID> revoke(SqlClient tx, UUID groupId, String email) {
    return existingGroup(tx, groupId).compose(v -> userId(tx, email))
        .compose(userId -> GroupRepository.removeAdmin(tx, groupId, userId)
            .compose(removed -> removed
                ? AuditLog.recordUnrequested(tx, AuditLog.OPERATOR, event(false, groupId, userId))
                : Future.failedFuture(new IllegalArgumentException(email + " is not an admin of group " + groupId
                    + "; nothing changed")))
            .map(userId));
  }

  /** The audit event of a grant or revocation of group admin rights, the command line's and the API's alike. */
  static AuditLog.Event event(boolean grant, UUID groupId, UUID userId) {
    return new AuditLog.Event(grant ? "organization_group.admin_granted" : "organization_group.admin_revoked",
        "user:" + userId, new JsonObject().put("groupId", groupId.toString()));
  }

  /** Audits a change by {@link AuditLog#OPERATOR}, as the API audits it: no change (an appointment again), no event. */
  private static Future<Void> byOperator(SqlClient tx, boolean changed, AuditLog.Event event) {
    return changed ? AuditLog.recordUnrequested(tx, AuditLog.OPERATOR, event) : Future.succeededFuture();
  }

  private static Future<Void> existingGroup(SqlClient tx, UUID groupId) {
    return GroupRepository.visible(tx, groupId, new UUID(0, 0), true, true).compose(group -> group.isPresent()
        ? Future.succeededFuture()
        : Future.failedFuture(new IllegalArgumentException("no organization group " + groupId)));
  }

  private static Future<UUID> userId(SqlClient tx, String email) {
    return UserRepository.byEmail(tx, email).compose(user -> user.isPresent()
        ? Future.succeededFuture(user.get().id())
        : Future.failedFuture(new IllegalArgumentException("no user with email " + email)));
  }
}
