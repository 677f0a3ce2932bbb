package dev.orgplane.org.user;

import dev.orgplane.org.audit.AuditLog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * Making an account a platform admin, which no API route does: the operator's command line, and the start-up's
 * promotion of the account that has the configured admin's address ({@link AdminBootstrap}). Each is audited as
 * {@value #GRANTED}, of no organization, targeting the account.
 */
public final class PlatformAdmins {

  static final String GRANTED = "user.platform_admin_granted";

  private PlatformAdmins() {
  }

  /**
   * Makes the account with {@code email} a platform admin, by {@link AuditLog#OPERATOR}; an account that is one already
   * is left as it is and nothing is recorded, as appointing a group admin again records nothing. An account whose
   * address is not verified is refused ({@link VerifiedAppointee}). Answers whether that changed anything.
   */
  public static Future<Boolean> grantByOperator(SqlClient tx, String email) {
    return UserRepository.byEmail(tx, email, true).compose(user -> {
      if (user.isEmpty()) {
        return Future.failedFuture(new IllegalArgumentException("no user with email " + email));
      }
      if (user.get().platformAdmin()) {
        return Future.succeededFuture(false);
      }
      return VerifiedAppointee.require(user.get(), email)
          .compose(verified -> tx.preparedQuery("UPDATE org.users SET platform_admin = true WHERE id = $1")
              .execute(Tuple.of(user.get().id())))
          .compose(updated -> audit(tx, AuditLog.OPERATOR, user.get().id(), new JsonObject()))
          .map(true);
    });
  }

  /** Records that {@code actor} made {@code account} a platform admin. */
  static Future<Void> audit(SqlClient tx, String actor, UUID account, JsonObject details) {
    return AuditLog.recordUnrequested(tx, actor, new AuditLog.Event(GRANTED, "user:" + account, details));
  }
}
