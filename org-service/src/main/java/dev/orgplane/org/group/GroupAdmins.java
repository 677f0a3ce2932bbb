package dev.orgplane.org.group;

import dev.orgplane.org.audit.AuditLog;
import dev.orgplane.org.serviceuser.CredentialReach;
import dev.orgplane.org.user.User;
import dev.orgplane.org.user.UserRepository;
import dev.orgplane.org.user.VerifiedAppointee;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.SqlClient;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Appointing and removing group admins by email, for the operator's command line; audited as the API's are, by
 * {@link AuditLog#OPERATOR}. Who may be appointed is decided here for the API too ({@link #appoint}), and so is how
 * admins removed by a deletion are audited ({@link #revokedBy}).
 */
public final class GroupAdmins {

  /** Why admins were removed with what they administered or were: their group's deletion, or their account's. */
  static final String GROUP_DELETED = "group_deleted";
  static final String ACCOUNT_DELETED = "account_deleted";
  /** Why a create key was voided besides an account's deletion: its rotator's revocation. */
  private static final String ADMIN_REVOKED = "admin_revoked";

  private GroupAdmins() {
  }

  /**
   * Appoints the account with {@code email}. It needs no person check as the HTTP route's (422 {@code not_a_person}):
   * only persons have an address (the constraint {@code users_human_or_service} leaves service users and the
   * provisioning engine without one), so whoever an address finds is a person. Answers whether that changed anything
   * (an admin already is left as they are), so the command line can say which.
   */
  public static Future<Boolean> grant(SqlClient tx, UUID groupId, String email) {
    return existingGroup(tx, groupId).compose(v -> user(tx, email))
        .compose(user -> appoint(tx, groupId, user, email)
            .compose(added -> byOperator(tx, added, event(true, groupId, user.id())).map(added)));
  }

  /**
   * Makes {@code user} an admin of the group, the command line's way and the API's; answers whether that changed
   * anything. One who is an admin already is left as they are, as a platform admin is; anyone else only with a
   * verified address ({@link VerifiedAppointee}, the refusal naming them {@code named}): a group admin holds every
   * organization of the group, so whoever registered someone else's address must not be taken for its owner.
   */
  static Future<Boolean> appoint(SqlClient tx, UUID groupId, User user, String named) {
    return GroupRepository.isAdmin(tx, groupId, user.id()).compose(admin -> admin ? Future.succeededFuture(false)
        : VerifiedAppointee.require(user, named).compose(verified -> GroupRepository.addAdmin(tx, groupId, user.id())));
  }

  /**
   * Removes the account with {@code email} from the group's admins; one that is none is refused, as the API refuses
   * it (404 {@code admin_not_found}): told it was removed, the operator would not see a mistyped group or address.
   * As the API's revocation does, it revokes the credentials they made beyond what they still hold
   * ({@link CredentialReach}) and the create key they rotated ({@link #revocation}).
   */
  public static Future<UUID> revoke(SqlClient tx, UUID groupId, String email) {
    return existingGroup(tx, groupId).compose(v -> user(tx, email)).map(User::id)
        .compose(userId -> GroupRepository.removeAdmin(tx, groupId, userId)
            .compose(removed -> removed
                ? CredentialReach.revokeBeyondMakersOfByOperator(tx, List.of(userId))
                    .compose(v -> revocation(tx, groupId, userId))
                    .compose(events -> AuditLog.recordUnrequested(tx, null, AuditLog.OPERATOR, events))
                : Future.failedFuture(new IllegalArgumentException(email + " is not an admin of group " + groupId
                    + "; nothing changed")))
            .map(userId));
  }

  /**
   * Removes the account {@code userId} from the admins of every group, each removal audited as a revocation by
   * {@code actor} ({@link #revokedBy}, {@code account_deleted}), and voids the create keys they rotated there: what
   * the account's deletion does in its transaction. Until session 35 the account's foreign key took them, and no
   * revocation was recorded.
   */
  public static Future<Void> revokeAllOfAccount(SqlClient tx, RoutingContext ctx, UUID userId, String actor) {
    return GroupRepository.removeAdminEverywhere(tx, userId)
        .compose(groups -> GroupRepository.voidCreateKeys(tx, groups, userId).map(voided -> Stream.concat(
            groups.stream().map(groupId -> revokedBy(ACCOUNT_DELETED, groupId, userId)),
            voided.stream().map(groupId -> keyVoided(groupId, userId, ACCOUNT_DELETED))).toList()))
        .compose(events -> AuditLog.recordAll(tx, ctx, null, actor, events));
  }

  /**
   * What the revocation of {@code userId}, removed from the group's admins, ends besides the credentials they made:
   * the create key they rotated, voided, since it was theirs to hand out only as the group's admin. Answers the
   * events to audit: the revocation ({@link #event}), then the voiding if there was a key to void.
   */
  static Future<List<AuditLog.Event>> revocation(SqlClient tx, UUID groupId, UUID userId) {
    return GroupRepository.voidCreateKeys(tx, List.of(groupId), userId).map(voided -> Stream.concat(
        Stream.of(event(false, groupId, userId)),
        voided.stream().map(group -> keyVoided(group, userId, ADMIN_REVOKED))).toList());
  }

  private static AuditLog.Event keyVoided(UUID groupId, UUID rotatedBy, String reason) {
    return new AuditLog.Event("organization_group.create_key_voided", "organization_group:" + groupId,
        new JsonObject().put("rotatedBy", rotatedBy.toString()).put("reason", reason));
  }

  /** The audit event of a grant or revocation of group admin rights, the command line's and the API's alike. */
  static AuditLog.Event event(boolean grant, UUID groupId, UUID userId) {
    return new AuditLog.Event(grant ? "organization_group.admin_granted" : "organization_group.admin_revoked",
        "user:" + userId, new JsonObject().put("groupId", groupId.toString()));
  }

  /**
   * The revocation of an admin that a deletion removed rather than a revocation: {@link #event}'s, with the
   * {@code reason}, so the audit trail tells each such end of someone's rights from one asked for.
   */
  static AuditLog.Event revokedBy(String reason, UUID groupId, UUID userId) {
    var event = event(false, groupId, userId);
    event.details().put("reason", reason);
    return event;
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

  /**
   * The account with {@code email}, held for the rest of the transaction: one changing its address is waited for.
   * Share-locked, as the API's appointment holds it: nothing here writes to the row.
   */
  private static Future<User> user(SqlClient tx, String email) {
    return UserRepository.holdByEmail(tx, email).compose(user -> user.isPresent()
        ? Future.succeededFuture(user.get())
        : Future.failedFuture(new IllegalArgumentException("no user with email " + email)));
  }
}
