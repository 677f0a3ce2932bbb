package dev.orgplane.org.group;

import java.security.SecureRandom;
import java.util.Base64;

/** New group create keys: 256 random bits, with a prefix that makes a leaked key easy to recognise. */
final class CreateKeys {

  private static final SecureRandom RANDOM = new SecureRandom();

  private CreateKeys() {
  }

  static String generate() {
    var bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return "ock_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
