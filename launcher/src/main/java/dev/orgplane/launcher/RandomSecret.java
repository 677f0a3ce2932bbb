package dev.orgplane.launcher;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * A fresh secret: the provisioning engine's client secret, the embedded database's password. URL-safe Base64, so
 * it goes into a URL or an SQL string literal as it is.
 */
final class RandomSecret {

  private static final SecureRandom RANDOM = new SecureRandom();

  private RandomSecret() {
  }

  static String generate() {
    var bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
