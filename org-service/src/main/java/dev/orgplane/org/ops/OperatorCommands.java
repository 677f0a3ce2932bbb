package dev.orgplane.org.ops;

import dev.orgplane.org.group.GroupAdmins;
import dev.orgplane.org.identity.SigningKeyStore;
import dev.orgplane.org.identity.SigningSchedule;
import dev.orgplane.org.identity.StoredRevocations;
import dev.orgplane.org.user.PlatformAdmins;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * What only the platform's operator may do, from the {@code orgplane admin} command line: rotate
 * the token signing key, appoint or remove group admins, make a user a platform admin, end a user's sessions. These work
 * on the database directly, so they need no token and keep working when every admin is locked out. The rights they
 * give or take in groups and on the platform are audited, of no organization, by
 * {@link dev.orgplane.org.audit.AuditLog#OPERATOR}; an end of sessions is not, as a sign-out everywhere or a new
 * password through the API is not.
 */
public final class OperatorCommands {

  private final Vertx vertx;
  private final Pool pool;
  private final SigningSchedule signing;

  public OperatorCommands(Vertx vertx, Pool pool, SigningSchedule signing) {
    this.vertx = vertx;
    this.pool = pool;
    this.signing = signing;
  }

  /**
   * Answers the new key, published at once, and when it starts to sign (the old key signs until then); tokens signed
   * by the old key stay valid until they expire.
   */
  public Future<SigningKeyStore.RotatedKey> rotateSigningKey() {
    return new SigningKeyStore(vertx, pool, signing).rotate();
  }

  /** Answers whether anything changed: an admin of the group already is left as they are, and nothing recorded. */
  public Future<Boolean> grantGroupAdmin(UUID groupId, String email) {
    return pool.withTransaction(tx -> GroupAdmins.grant(tx, groupId, email));
  }

  public Future<UUID> revokeGroupAdmin(UUID groupId, String email) {
    return pool.withTransaction(tx -> GroupAdmins.revoke(tx, groupId, email));
  }

  /** Answers whether anything changed: a platform admin already is left as they are, and nothing recorded. */
  public Future<Boolean> makePlatformAdmin(String email) {
    return pool.withTransaction(tx -> PlatformAdmins.grantByOperator(tx, email));
  }

  /**
   * Every session of the account with {@code email} ends (a stolen laptop reported to the operator): tokens issued
   * before now are refused by every service within {@code ORGPLANE_REVOCATION_RELOAD_MILLIS}, refresh tokens are
   * withdrawn. The password stays; the person signs in again.
   */
  public Future<Void> endSessions(String email) {
    return pool.withTransaction(tx -> tx.preparedQuery("SELECT id FROM org.users WHERE lower(email) = lower($1)")
        .execute(Tuple.of(email))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(new IllegalArgumentException("no user with email " + email))
            : StoredRevocations.endSessions(tx, rows.iterator().next().getUUID("id")).mapEmpty()));
  }

  /**
   * {@link #endSessions(String)} for the account {@code userId}: one with no address to name, as the provisioning
   * engine's identity, whose token reads and imports into every organization.
   */
  public Future<Void> endSessionsOf(UUID userId) {
    return pool.withTransaction(tx -> tx.preparedQuery("SELECT 1 FROM org.users WHERE id = $1")
        .execute(Tuple.of(userId))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(new IllegalArgumentException("no user with id " + userId))
            : StoredRevocations.endSessions(tx, userId).mapEmpty()));
  }
}
