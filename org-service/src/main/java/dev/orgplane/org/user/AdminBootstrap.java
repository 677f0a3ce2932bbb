package dev.orgplane.org.user;

import dev.orgplane.kit.config.Settings;
import dev.orgplane.kit.db.TimeOrderedIds;
import dev.orgplane.org.identity.PasswordHasher;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Makes sure a platform admin exists on first start: the configured one, or one with a generated
 * password that is told once, where the process says ({@link GeneratedAdminPassword}). An
 * advisory lock makes concurrent first starts of several instances create one admin, not several.
 */
public final class AdminBootstrap {

  static final String DEFAULT_EMAIL = "admin@orgplane.local";
  private static final long LOCK_ID = 0x6f7267706c616e65L;

  private AdminBootstrap() {
  }

  public static Future<Void> ensureAdmin(Vertx vertx, Pool pool, PasswordHasher hasher, Settings settings,
      GeneratedAdminPassword generated) {
    var email = settings.string("ORGPLANE_ADMIN_EMAIL", DEFAULT_EMAIL);
    var configured = settings.has("ORGPLANE_ADMIN_PASSWORD");
    var password = configured ? settings.string("ORGPLANE_ADMIN_PASSWORD") : generatedPassword();
    return hasher.hash(password).compose(hash -> pool.withTransaction(conn -> conn
        .preparedQuery("SELECT pg_advisory_xact_lock($1)").execute(Tuple.of(LOCK_ID))
        .compose(locked -> UserRepository.anyPlatformAdmin(conn))
        .compose(present -> present ? Future.succeededFuture(false)
            // the operator chose the address: verified
            : conn.preparedQuery("INSERT INTO org.users AS u (id, email, name, password_hash, platform_admin, "
                    + "email_verified_at) VALUES ($3, $1, 'Platform admin', $2, true, now()) "
                    + "ON CONFLICT ((lower(email))) DO UPDATE SET platform_admin = true, password_hash = "
                    + "EXCLUDED.password_hash, email_verified_at = coalesce(u.email_verified_at, now())")
                .execute(Tuple.of(email, hash, TimeOrderedIds.next())).map(true))))
        // told on a worker: where it goes may be a file
        .compose(created -> created && !configured ? vertx.<Void>executeBlocking(() -> {
          generated.tell(email, password);
          return null;
        }) : Future.<Void>succeededFuture());
  }

  private static String generatedPassword() {
    var bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
