package dev.orgplane.kit.testing;

import dev.orgplane.kit.auth.EcJwk;
import dev.orgplane.kit.auth.TokenSigner;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** A real ES256 key pair for tests: its public JWK to trust, and a signer for tokens. */
public record TestKeys(String kid, JsonObject publicJwk, JsonObject privateJwk) {

  public static TestKeys generate(String kid) {
    var jwk = EcJwk.generate(kid);
    return new TestKeys(kid, jwk.publicJwk(), jwk.privateJwk());
  }

  public String sign(Vertx vertx, JsonObject claims) {
    return new TokenSigner(vertx, privateJwk).sign(claims);
  }

  /** Claims for a token valid for five minutes. */
  public static JsonObject claims(String issuer, String audience, String subject) {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject().put("iss", issuer).put("aud", audience).put("sub", subject)
        .put("iat", now).put("exp", now + 300).put("jti", java.util.UUID.randomUUID().toString());
  }
}
