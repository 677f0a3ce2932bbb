package dev.orgplane.launcher;

import java.security.SecureRandom;
import java.util.Base64;

/** A fresh client secret for the provisioning engine's service identity. */
final class EngineSecret {

  private static final SecureRandom RANDOM = new SecureRandom();

  private EngineSecret() {
  }

  static String random() {
    var bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
