package dev.orgplane.kit.auth;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;

/** A new P-256 key as JWKs for ES256: the private one signs, the public one is published. */
public record EcJwk(JsonObject privateJwk, JsonObject publicJwk) {

  public static EcJwk generate(String kid) {
    try {
      var generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      var pair = generator.generateKeyPair();
      var pub = (ECPublicKey) pair.getPublic();
      var publicJwk = new JsonObject().put("kty", "EC").put("crv", "P-256").put("kid", kid).put("alg", "ES256")
          .put("use", "sig")
          .put("x", coordinate(pub.getW().getAffineX()))
          .put("y", coordinate(pub.getW().getAffineY()));
      var privateJwk = publicJwk.copy().put("d", coordinate(((ECPrivateKey) pair.getPrivate()).getS()));
      return new EcJwk(privateJwk, publicJwk);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot make P-256 keys", e);
    }
  }

  /** JWK coordinates are fixed-length (32 bytes for P-256) unsigned big-endian, base64url. */
  private static String coordinate(BigInteger value) {
    var bytes = value.toByteArray();
    if (bytes.length > 32) {
      bytes = Arrays.copyOfRange(bytes, bytes.length - 32, bytes.length);
    } else if (bytes.length < 32) {
      var padded = new byte[32];
      System.arraycopy(bytes, 0, padded, 32 - bytes.length, bytes.length);
      bytes = padded;
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
