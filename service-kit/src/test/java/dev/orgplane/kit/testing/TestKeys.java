package dev.orgplane.kit.testing;

import dev.orgplane.kit.auth.EcJwk;
import dev.orgplane.kit.auth.TokenSigner;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.math.BigInteger;
import java.util.Base64;

/** A real ES256 key pair for tests: its public JWK to trust, and a signer for tokens. */
public record TestKeys(String kid, JsonObject publicJwk, JsonObject privateJwk) {

  public static TestKeys generate(String kid) {
    var jwk = EcJwk.generate(kid);
    return new TestKeys(kid, jwk.publicJwk(), jwk.privateJwk());
  }

  public String sign(Vertx vertx, JsonObject claims) {
    return new TokenSigner(vertx, privateJwk).sign(claims);
  }

  /** A token whose header has {@code header}'s fields besides its alg and kid: one no issuer of ours signs. */
  public String sign(Vertx vertx, JsonObject claims, JsonObject header) {
    return JWTAuth.create(vertx, new JWTAuthOptions().addJwk(privateJwk)).generateToken(claims,
        new JWTOptions().setAlgorithm("ES256").setHeader(header.copy().put("kid", kid)));
  }

  /** An EC key's coordinate as a JWK carries it: base64url of exactly {@code length} big-endian bytes. */
  public static String coordinate(BigInteger value, int length) {
    var bytes = value.toByteArray();
    var fixed = new byte[length];
    var kept = Math.min(bytes.length, length);
    System.arraycopy(bytes, bytes.length - kept, fixed, length - kept, kept);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(fixed);
  }

  /** Claims for a token valid for five minutes. */
  public static JsonObject claims(String issuer, String audience, String subject) {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject().put("iss", issuer).put("aud", audience).put("sub", subject)
        .put("iat", now).put("exp", now + 300).put("jti", java.util.UUID.randomUUID().toString());
  }
}
