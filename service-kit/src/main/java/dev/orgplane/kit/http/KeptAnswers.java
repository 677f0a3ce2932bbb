package dev.orgplane.kit.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * How answers kept for {@code Idempotency-Key} retries are stored. Some hold secrets shown once (a service user's
 * client secret, a group's create key, a scoped token), which the platform otherwise keeps only as digests; so the
 * table holds a digest of each Idempotency-Key, never the key, and each answer sealed (AES-256-GCM) under a second
 * digest of its key: only a retry, which brings the key, can read it, and someone reading the table cannot. Keys
 * are the client's: random ones (a UUID) keep its answers private.
 */
public final class KeptAnswers {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private KeptAnswers() {
  }

  /** What the table names a key by (public for operators and tests looking for a key's row). */
  public static String storedKey(String key) {
    return HexFormat.of().formatHex(digest("orgplane idempotency key\n", key));
  }

  /** {@code answer} sealed under {@code key}: base64 of a random nonce and the ciphertext with its tag. */
  static String seal(String key, String answer) {
    try {
      var nonce = new byte[NONCE_BYTES];
      RANDOM.nextBytes(nonce);
      var cipher = cipher(Cipher.ENCRYPT_MODE, key, nonce);
      var sealed = cipher.doFinal(answer.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed)
          .array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The answer {@link #seal} sealed under {@code key}. */
  static String open(String key, String sealed) {
    try {
      var bytes = Base64.getDecoder().decode(sealed);
      var cipher = cipher(Cipher.DECRYPT_MODE, key, Arrays.copyOf(bytes, NONCE_BYTES));
      return new String(cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("a kept answer does not open with its key", e);
    }
  }

  private static Cipher cipher(int mode, String key, byte[] nonce) throws GeneralSecurityException {
    var cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, new SecretKeySpec(digest("orgplane idempotency answer\n", key), "AES"),
        new GCMParameterSpec(TAG_BITS, nonce));
    return cipher;
  }

  private static byte[] digest(String purpose, String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest((purpose + key).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
