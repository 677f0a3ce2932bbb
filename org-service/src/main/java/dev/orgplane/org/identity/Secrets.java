package dev.orgplane.org.identity;

import dev.orgplane.kit.auth.Sha256;
import java.security.SecureRandom;
import java.util.Base64;

/** Secrets we hand out once (client secrets, password-reset tokens) and keep only as SHA-256. */
public final class Secrets {

  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {
  }

  /** 256 random bits, URL-safe, after {@code prefix} (which tells a reader what kind of secret it is). */
  public static String newSecret(String prefix) {
    var bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The hex SHA-256 a secret is kept as. */
  public static String hash(String secret) {
    return Sha256.hex(secret);
  }
}
