package dev.orgplane.org.user;

import dev.orgplane.kit.config.ConfigException;
import dev.orgplane.kit.config.Settings;
import dev.orgplane.kit.db.TimeOrderedIds;
import dev.orgplane.org.audit.AuditLog;
import dev.orgplane.org.identity.ExternalSignIn;
import dev.orgplane.org.identity.IdentityRoutes;
import dev.orgplane.org.identity.PasswordHasher;
import dev.orgplane.org.identity.StoredRevocations;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;

/**
 * Makes sure a platform admin exists on first start: the configured one, or one with a generated
 * password that is told once, where the process says ({@link GeneratedAdminPassword}). An
 * advisory lock makes concurrent first starts of several instances create one admin, not several. An existing
 * account with the admin's address is promoted, its sessions ended and its links to providers' identities removed.
 */
public final class AdminBootstrap {

  static final String DEFAULT_EMAIL = "admin@orgplane.local";
  private static final String PASSWORD = "ORGPLANE_ADMIN_PASSWORD";
  private static final long LOCK_ID = 0x6f7267706c616e65L;

  private AdminBootstrap() {
  }

  public static Future<Void> ensureAdmin(Vertx vertx, Pool pool, PasswordHasher hasher, Settings settings,
      GeneratedAdminPassword generated) {
    var email = settings.string("ORGPLANE_ADMIN_EMAIL", DEFAULT_EMAIL);
    var configured = settings.has(PASSWORD);
    // hashed under the lock, and only when an admin is made: instances starting at once, or restarting, hash once
    // at most, not once each
    return pool.withTransaction(conn -> conn
        .preparedQuery("SELECT pg_advisory_xact_lock($1)").execute(Tuple.of(LOCK_ID))
        .compose(locked -> UserRepository.anyPlatformAdmin(conn))
        .compose(present -> {
          if (present) {
            return Future.<Void>succeededFuture();
          }
          // checked only here: a start with its admin made already does not use the setting, and an install whose
          // admin was made with a shorter one must go on starting
          var password = configured ? configuredPassword(settings) : generatedPassword();
          return hasher.hashAtStart(password)
              .compose(hash -> madeAdmin(conn, email, hash))
              // told before the commit: an admin whose password could not be told (its file cannot be written) is
              // not made, and the start fails; one told whose commit fails is made again, with a new password, at
              // the next start
              .compose(made -> configured ? Future.<Void>succeededFuture() : told(vertx, generated, email, password));
        }));
  }

  /**
   * {@value #PASSWORD} as set, held to the rule every account's password is ({@link IdentityRoutes#newPassword}), else
   * throws naming the setting (not the value): the most powerful account was the one let in with a password "x".
   */
  private static String configuredPassword(Settings settings) {
    var password = settings.string(PASSWORD);
    if (password.length() < IdentityRoutes.MIN_PASSWORD || password.length() > IdentityRoutes.MAX_PASSWORD) {
      throw new ConfigException(PASSWORD + " must be " + IdentityRoutes.MIN_PASSWORD + " to "
          + IdentityRoutes.MAX_PASSWORD + " characters, got " + password.length());
    }
    return password;
  }

  /** {@code password} told where {@code generated} says, on a worker: where it goes may be a file. */
  private static Future<Void> told(Vertx vertx, GeneratedAdminPassword generated, String email, String password) {
    return vertx.executeBlocking(() -> {
      generated.tell(email, password);
      return null;
    });
  }

  /**
   * Makes the account with {@code email} the platform admin, with the password {@code hash}: a new one (the operator
   * chose the address: verified), or the one that has the address already, promoted. A promoted account's sessions
   * end with the promotion ({@link StoredRevocations#endSessions}: its tokens, refresh tokens and a pending change of
   * its address): whoever held them (whoever registered the address before the operator chose it, or anyone who had
   * their tokens) would otherwise act as platform admin without the password that now guards the account, since
   * rights are read on every request; its links to providers' identities go too ({@link #shutOut}). The insert waits
   * for a registration of the address under way, and promotes that account if it commits; an account deleted between
   * the two statements is made anew.
   */
  private static Future<Void> madeAdmin(SqlConnection conn, String email, String hash) {
    return conn.preparedQuery("INSERT INTO org.users (id, email, name, password_hash, platform_admin, "
            + "email_verified_at) VALUES ($3, $1, 'Platform admin', $2, true, now()) "
            + "ON CONFLICT ((lower(email))) DO NOTHING")
        .execute(Tuple.of(email, hash, TimeOrderedIds.next()))
        .compose(inserted -> inserted.rowCount() == 1 ? Future.<Void>succeededFuture() : conn.preparedQuery(
                "UPDATE org.users SET platform_admin = true, password_hash = $2, "
                + "email_verified_at = coalesce(email_verified_at, now()) WHERE lower(email) = lower($1) RETURNING id")
            .execute(Tuple.of(email, hash))
            .compose(promoted -> promoted.size() == 0 ? madeAdmin(conn, email, hash)
                : promoted(conn, promoted.iterator().next().getUUID("id"))));
  }

  /**
   * A promotion, audited as the platform's own doing at its start (naming the setting that chose the account), and
   * the account {@link #shutOut}.
   */
  private static Future<Void> promoted(SqlConnection conn, UUID account) {
    return PlatformAdmins.audit(conn, AuditLog.PLATFORM, account,
            new JsonObject().put("setting", "ORGPLANE_ADMIN_EMAIL"))
        .compose(audited -> shutOut(conn, account));
  }

  /**
   * Takes from a promoted account what reached it before: its sessions, and its links to identities at trusted
   * providers ({@link ExternalSignIn#unlinkAll}), through which whoever holds one would sign in as the platform admin.
   */
  private static Future<Void> shutOut(SqlConnection conn, UUID account) {
    return StoredRevocations.endSessions(conn, account).compose(ended -> ExternalSignIn.unlinkAll(conn, account));
  }

  private static String generatedPassword() {
    var bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
