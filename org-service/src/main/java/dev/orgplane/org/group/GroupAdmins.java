package dev.orgplane.org.group;

import dev.orgplane.org.user.UserRepository;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.UUID;

/** Appointing and removing group admins by email, for the operator's command line. */
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
        .compose(userId -> GroupRepository.addAdmin(tx, groupId, userId).map(userId));
  }

  public static Future<UUID> revoke(SqlClient tx, UUID groupId, String email) {
    return existingGroup(tx, groupId).compose(v -> userId(tx, email))
        .compose(userId -> GroupRepository.removeAdmin(tx, groupId, userId).map(userId));
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
