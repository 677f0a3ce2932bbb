package dev.orgplane.kit.testing;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;

/** A real ES256 key pair for tests: its public JWK to trust, and a signer for tokens. */
public record TestKeys(String kid, JsonObject publicJwk, JsonObject privateJwk) {

  public static TestKeys generate(String kid) {
    try {
      var generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      var pair = generator.generateKeyPair();
      var pub = (ECPublicKey) pair.getPublic();
      var pubJwk = new JsonObject().put("kty", "EC").put("crv", "P-256").put("kid", kid).put("alg", "ES256")
          .put("use", "sig")
          .put("x", b64(pub.getW().getAffineX()))
          .put("y", b64(pub.getW().getAffineY()));
      var privJwk = pubJwk.copy().put("d", b64(((ECPrivateKey) pair.getPrivate()).getS()));
      return new TestKeys(kid, pubJwk, privJwk);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public String sign(Vertx vertx, JsonObject claims) {
    var signer = JWTAuth.create(vertx, new JWTAuthOptions().addJwk(privateJwk));
    return signer.generateToken(claims, new JWTOptions().setAlgorithm("ES256").setHeader(new JsonObject().put("kid", kid)));
  }

  /** Claims for a token valid for five minutes. */
  public static JsonObject claims(String issuer, String audience, String subject) {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject().put("iss", issuer).put("aud", audience).put("sub", subject)
        .put("iat", now).put("exp", now + 300).put("jti", java.util.UUID.randomUUID().toString());
  }

  private static String b64(BigInteger value) {
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
