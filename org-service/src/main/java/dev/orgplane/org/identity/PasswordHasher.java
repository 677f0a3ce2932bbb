package dev.orgplane.org.identity;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * bcrypt (Bouncy Castle) with a per-password salt. Hashing is slow on purpose, so it runs on a
 * worker thread, never on the event loop. A dummy hash is checked for unknown users so that
 * "no such user" and "wrong password" take the same time.
 *
 * <p>bcrypt reads no more than a password's first 72 bytes, while a password may have 1024 characters: two
 * passwords alike in those bytes were one. So bcrypt is given a digest of the whole password instead, an
 * HMAC-SHA256, base64-encoded: 44 bytes whatever the password, and no NUL, which would end bcrypt's input early.
 * An HMAC under a key of ours rather than a bare SHA-256, so that SHA-256 digests of passwords leaked elsewhere
 * cannot be tried against our hashes as they are ("password shucking"); the key is no secret, it only makes the
 * digests ours. Such hashes are marked {@value #PREHASHED}; those stored before (plain bcrypt, {@code $2b$...})
 * still verify, and a password sign-in replaces one (see {@link #outdated}).
 */
public final class PasswordHasher {

  private static final int COST = 10;
  private static final String PREHASHED = "hmac-sha256:";
  private static final byte[] PREHASH_KEY = "orgplane password".getBytes(StandardCharsets.US_ASCII);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String DUMMY_HASH = hashNow("dummy");

  private final Vertx vertx;

  public PasswordHasher(Vertx vertx) {
    this.vertx = vertx;
  }

  public Future<String> hash(String password) {
    return vertx.executeBlocking(() -> hashNow(password), false);
  }

  /** True when {@code password} matches {@code hash}; a null hash (no such user) never matches. */
  public Future<Boolean> matches(String password, String hash) {
    return vertx.executeBlocking(() -> {
      var stored = hash == null ? DUMMY_HASH : hash;
      boolean ok = stored.startsWith(PREHASHED)
          ? OpenBSDBCrypt.checkPassword(stored.substring(PREHASHED.length()), prehashed(password))
          : OpenBSDBCrypt.checkPassword(stored, password.toCharArray());
      return ok && hash != null;
    }, false);
  }

  /** Whether {@code hash} is bcrypt of the password itself, which is blind past its 72nd byte: to be hashed anew. */
  public boolean outdated(String hash) {
    return hash != null && !hash.startsWith(PREHASHED);
  }

  private static String hashNow(String password) {
    return PREHASHED + OpenBSDBCrypt.generate("2b", prehashed(password), salt(), COST);
  }

  private static char[] prehashed(String password) {
    var mac = new HMac(new SHA256Digest());
    mac.init(new KeyParameter(PREHASH_KEY));
    var utf8 = password.getBytes(StandardCharsets.UTF_8);
    mac.update(utf8, 0, utf8.length);
    var digest = new byte[mac.getMacSize()];
    mac.doFinal(digest, 0);
    return Base64.getEncoder().encodeToString(digest).toCharArray();
  }

  private static byte[] salt() {
    var salt = new byte[16];
    RANDOM.nextBytes(salt);
    return salt;
  }
}
