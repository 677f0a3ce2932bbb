package dev.orgplane.org.identity;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * bcrypt (Bouncy Castle) with a per-password salt. Hashing is slow on purpose, so it runs on a
 * worker thread, never on the event loop. A dummy hash is checked for unknown users so that
 * "no such user" and "wrong password" take the same time.
 */
public final class PasswordHasher {

  private static final int COST = 10;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String DUMMY_HASH = OpenBSDBCrypt.generate("2b", "dummy".toCharArray(), salt(), COST);

  private final Vertx vertx;

  public PasswordHasher(Vertx vertx) {
    this.vertx = vertx;
  }

  public Future<String> hash(String password) {
    return vertx.executeBlocking(() -> OpenBSDBCrypt.generate("2b", password.toCharArray(), salt(), COST), false);
  }

  /** True when {@code password} matches {@code hash}; a null hash (no such user) never matches. */
  public Future<Boolean> matches(String password, String hash) {
    return vertx.executeBlocking(() -> {
      boolean ok = OpenBSDBCrypt.checkPassword(hash == null ? DUMMY_HASH : hash, password.toCharArray());
      return ok && hash != null;
    }, false);
  }

  private static byte[] salt() {
    var salt = new byte[16];
    RANDOM.nextBytes(salt);
    return salt;
  }
}
