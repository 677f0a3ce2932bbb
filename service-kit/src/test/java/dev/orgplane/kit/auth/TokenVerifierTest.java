package dev.orgplane.kit.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.testing.ForgedTokens;
import dev.orgplane.kit.testing.TestKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class TokenVerifierTest {

  private static final String ISS = "https://orgplane.test";
  private static final String AUD = "orgplane";
  private final TestKeys keys = TestKeys.generate("k1");
  private Vertx vertx;
  private TokenVerifier verifier;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    KeySource source = () -> Future.succeededFuture(List.of(keys.publicJwk()));
    verifier = new TokenVerifier(vertx, List.of(new TrustedIssuer(ISS, AUD, source, 3600)));
  }

  private String token(UnaryOperator<JsonObject> claims) {
    return keys.sign(vertx, claims.apply(TestKeys.claims(ISS, AUD, "alice")));
  }

  private void assertRejected(String token) {
    var failure = assertThrows(ApiException.class, () -> verifier.verify(token).await());
    assertEquals(401, failure.status());
    assertEquals("invalid_token", failure.code());
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void validTokenYieldsPrincipal() {
    var principal = verifier.verify(token(c -> c.put("org", "o1"))).await();
    assertEquals("alice", principal.subject());
    assertEquals("o1", principal.orgScope());
  }

  /** RFC 7517 makes a key's {@code alg} optional: its type and curve tell it, and nothing else is accepted with it. */
  @Test
  void aKeyWithoutAlgIsUsedForTheAlgorithmItsTypeImplies() {
    var withoutAlg = keys.publicJwk().copy();
    withoutAlg.remove("alg");
    KeySource source = () -> Future.succeededFuture(List.of(withoutAlg));
    var lenient = new TokenVerifier(vertx, List.of(new TrustedIssuer(ISS, AUD, source, 3600)));
    assertEquals("alice", lenient.verify(token(c -> c)).await().subject());
    var rsaHeader = b64(new JsonObject().put("alg", "RS256").put("kid", keys.kid()).put("typ", "JWT").encode());
    var signed = token(c -> c).split("\\.");
    var failure = assertThrows(ApiException.class, () -> lenient.verify(rsaHeader + "." + signed[1] + "." + signed[2])
        .await());
    assertEquals(401, failure.status());
    assertEquals("ES256", TokenVerifier.algorithmOf(withoutAlg));
    assertEquals("RS256", TokenVerifier.algorithmOf(new JsonObject().put("kty", "RSA")));
    assertEquals(null, TokenVerifier.algorithmOf(new JsonObject().put("kty", "oct")));
  }

  @Test
  void rejectsExpiredWrongIssuerWrongAudienceMissingExp() {
    assertRejected(token(c -> c.put("exp", System.currentTimeMillis() / 1000 - 120)));
    assertRejected(token(c -> c.put("iss", "https://evil.test")));
    assertRejected(token(c -> c.put("aud", "other")));
    assertRejected(token(c -> {
      c.remove("exp");
      return c;
    }));
    assertRejected(token(c -> c.put("iat", System.currentTimeMillis() / 1000 + 3600)));
  }

  /**
   * Signed by a trusted key, claims of the wrong type: vertx-auth-jwt casts those it checks as it
   * reads them, and threw past the future (a 500 with a stack trace).
   */
  @Test
  void signedClaimsOfAnotherTypeAreAnInvalidToken() {
    for (var claims : List.<UnaryOperator<JsonObject>>of(c -> c.put("aud", 42), c -> c.put("aud", new JsonObject()),
        c -> c.put("nbf", "x"), c -> c.put("iat", "x"), c -> c.put("exp", "x"))) {
      assertRejected(token(claims));
    }
  }

  /** Each forgery is refused by the check it is aimed at: its detail says which, so no other check stands in. */
  @Test
  void everyForgeryIsRefusedForWhatItForged() {
    var good = token(c -> c);
    for (var forgery : ForgedTokens.all(ISS, AUD, List.of(keys.publicJwk()))) {
      var forged = forgery.forge().apply(good);
      if (forged != null) {
        assertRefused(forged, forgery.refusal(), forgery.name());
      }
    }
  }

  /** Signed by the issuer's own key: only the header check refuses these, where the signature would hold. */
  @Test
  void keyMaterialOrACriticalExtensionInTheHeaderIsRefusedEvenOnATokenTheIssuerSigned() {
    for (var header : ForgedTokens.headersNoIssuerSigns()) {
      var signed = keys.sign(vertx, TestKeys.claims(ISS, AUD, "alice"), header);
      assertRefused(signed, ForgedTokens.KEY_IN_HEADER, header.encode());
    }
  }

  /** An issuer's key set may hold keys of other algorithms; only ES256, RS256 and EdDSA are taken, whatever it holds. */
  @Test
  void aKeyOfAnAlgorithmNotAcceptedVerifiesNoToken() throws Exception {
    var generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp384r1"));
    var pair = generator.generateKeyPair();
    var point = ((ECPublicKey) pair.getPublic()).getW();
    var publicJwk = new JsonObject().put("kty", "EC").put("crv", "P-384").put("kid", "p384").put("alg", "ES384")
        .put("x", TestKeys.coordinate(point.getAffineX(), 48)).put("y", TestKeys.coordinate(point.getAffineY(), 48));
    var privateJwk = publicJwk.copy().put("d", TestKeys.coordinate(((ECPrivateKey) pair.getPrivate()).getS(), 48));
    KeySource source = () -> Future.succeededFuture(List.of(publicJwk));
    var verifierOfP384 = new TokenVerifier(vertx, List.of(new TrustedIssuer(ISS, AUD, source, 3600)));
    var es384 = JWTAuth.create(vertx, new JWTAuthOptions().addJwk(privateJwk)).generateToken(
        TestKeys.claims(ISS, AUD, "alice"), new JWTOptions().setAlgorithm("ES384").setHeader(new JsonObject()
            .put("kid", "p384")));
    var failure = assertThrows(ApiException.class, () -> verifierOfP384.verify(es384).await());
    assertEquals(ForgedTokens.ALGORITHM_REFUSED, failure.getMessage());
  }

  private void assertRefused(String token, String detail, String what) {
    var failure = assertThrows(ApiException.class, () -> verifier.verify(token).await(), what);
    assertEquals(401, failure.status(), what);
    assertEquals("invalid_token", failure.code(), what);
    assertEquals(detail, failure.getMessage(), what);
  }

  @Test
  void aRememberedTokenVouchesForNoOtherToken() {
    var good = token(c -> c);
    assertEquals("alice", verifier.verify(good).await().subject());
    assertEquals("alice", verifier.verify(good).await().subject(), "the second check is answered from memory");
    var parts = good.split("\\.");
    assertRejected(parts[0] + "." + b64(TestKeys.claims(ISS, AUD, "mallory").encode()) + "." + parts[2]);
    assertEquals("bob", verifier.verify(keys.sign(vertx, TestKeys.claims(ISS, AUD, "bob"))).await().subject());
    // remembered tokens are keyed by their bytes: a non-ASCII or an oversize twin is no remembered token
    assertRejected(good.substring(0, good.length() - 1) + "\u00e9");
    assertRejected(good + "x".repeat(5_000));
  }

  /** A full memory makes room by a quarter: whoever mints many tokens does not make everyone's be checked again. */
  @Test
  void aFullMemoryOfVerifiedTokensMakesRoomWithoutForgettingThemAll() {
    KeySource source = () -> Future.succeededFuture(List.of(keys.publicJwk()));
    var small = new TokenVerifier(vertx, List.of(new TrustedIssuer(ISS, AUD, source, 3600)), 8);
    for (int i = 0; i < 9; i++) {
      small.verify(keys.sign(vertx, TestKeys.claims(ISS, AUD, "user-" + i))).await();
    }
    assertEquals(7, small.remembered(), "eight remembered, two forgotten for the ninth");
  }

  /**
   * A token a service refused (revoked) is refused by its holder's verifier too, until it expires, with the code a
   * service answers; the subject's other tokens stay good. At its expiry the mark goes with the remembered token.
   */
  @Test
  void aRefusedTokenIsRefusedAsRevokedUntilItExpires() throws InterruptedException {
    var exp = System.currentTimeMillis() / 1000 + 6;
    var revoked = token(c -> c.put("exp", exp));
    var fresh = token(c -> c.put("jti", "another"));
    verifier.verify(revoked).await();
    verifier.verify(fresh).await();
    verifier.refuse(BearerToken.of(revoked));

    var refused = assertThrows(ApiException.class, () -> verifier.verify(revoked).await());
    assertEquals(401, refused.status());
    assertEquals("invalid_token", refused.code());
    assertEquals("The token was revoked.", refused.getMessage());
    assertEquals("alice", verifier.verify(fresh).await().subject());
    Thread.sleep(exp * 1000 - System.currentTimeMillis() + 100);
    var expired = assertThrows(ApiException.class, () -> verifier.verify(revoked).await());
    assertEquals("Invalid token: the token has expired.", expired.getMessage());
    assertEquals(1, verifier.remembered(), "the refused token is forgotten, the other kept");
  }

  /** Refusals live in the verified tokens' memory: bounded as it is, and only for tokens it remembers. */
  @Test
  void refusalsTakeNoMemoryBesidesTheVerifiedTokens() {
    KeySource source = () -> Future.succeededFuture(List.of(keys.publicJwk()));
    var small = new TokenVerifier(vertx, List.of(new TrustedIssuer(ISS, AUD, source, 3600)), 8);
    for (int i = 0; i < 8; i++) {
      var remembered = keys.sign(vertx, TestKeys.claims(ISS, AUD, "user-" + i));
      small.verify(remembered).await();
      small.refuse(BearerToken.of(remembered));
    }
    var neverVerified = keys.sign(vertx, TestKeys.claims(ISS, AUD, "user-8"));
    small.refuse(BearerToken.of(neverVerified));
    assertEquals(8, small.remembered());
    assertEquals("user-8", small.verify(neverVerified).await().subject(), "not remembered, so not marked");
    assertEquals(7, small.remembered(), "a full memory makes room as ever");
  }

  /** A remembered token keeps its claims: a long one would make the memory's bytes whatever its signers allow. */
  @Test
  void aTokenLongerThanTheRememberedLengthIsVerifiedEveryTimeNotRemembered() {
    var padded = token(c -> c.put("groups", "g".repeat(TokenVerifier.MAX_REMEMBERED_LENGTH)));
    assertEquals("alice", verifier.verify(padded).await().subject());
    assertEquals("alice", verifier.verify(padded).await().subject(), "verified again");
    assertEquals(0, verifier.remembered());
    verifier.verify(token(c -> c)).await();
    assertEquals(1, verifier.remembered(), "a token of a usual length is remembered");
  }

  @Test
  void aRememberedTokenStopsAtItsExpiry() throws InterruptedException {
    // seconds ahead, not 2: its whole-second exp left as little as 1 s to sign and verify it on a busy machine
    var exp = System.currentTimeMillis() / 1000 + 5;
    var shortLived = token(c -> c.put("exp", exp));
    assertEquals("alice", verifier.verify(shortLived).await().subject());
    Thread.sleep(exp * 1000 - System.currentTimeMillis() + 100);
    assertRejected(shortLived);
  }

  /** The leeway is for an issuer's clock running ahead of ours (nbf, iat), never for a token past its expiry. */
  @Test
  void anExpiredTokenHasNoLeewayAFutureNotBeforeOrIssuedAtHas() {
    long now = System.currentTimeMillis() / 1000;
    assertRejected(token(c -> c.put("exp", now - 1)));
    assertRejected(token(c -> c.put("exp", now)));
    assertEquals("alice", verifier.verify(token(c -> c.put("nbf", now + 20))).await().subject());
    assertEquals("alice", verifier.verify(token(c -> c.put("iat", now + 20))).await().subject());
    assertRejected(token(c -> c.put("nbf", now + 60)));
  }

  /**
   * The platform's tokens live an hour here: one that says it lives longer (or does not say when it was issued) was
   * not signed by org-service, whatever key signed it. Until session 35 one forged with a key that leaked, expiring in
   * the year 3000 and remembered, was taken until then.
   */
  @Test
  void aTokenLivingLongerThanItsIssuersTokensIsRefused() {
    long now = System.currentTimeMillis() / 1000;
    assertEquals("alice", verifier.verify(token(c -> c.put("iat", now).put("exp", now + 3600 + 30))).await().subject());
    assertRejected(token(c -> c.put("iat", now).put("exp", now + 3600 + 31)));
    assertRejected(token(c -> c.put("iat", now).put("exp", 32_503_680_000L)));
    assertRejected(token(c -> c.put("iat", Long.MIN_VALUE).put("exp", now + 60)));
    assertRejected(withoutIssuedAt(now + 60));
  }

  /** A token that says not when it was issued: the signer adds {@code iat} unless told not to. */
  private String withoutIssuedAt(long exp) {
    var claims = TestKeys.claims(ISS, AUD, "alice").put("exp", exp);
    claims.remove("iat");
    return JWTAuth.create(vertx, new JWTAuthOptions().addJwk(keys.privateJwk())).generateToken(claims,
        new JWTOptions().setAlgorithm("ES256").setNoTimestamp(true).setHeader(new JsonObject().put("kid", keys.kid())));
  }

  /** An external issuer's tokens live as long as it says. */
  @Test
  void anExternalIssuersTokensLiveAsLongAsItSays() {
    KeySource source = () -> Future.succeededFuture(List.of(keys.publicJwk()));
    var external = new TokenVerifier(vertx, List.of(new TrustedIssuer(ISS, AUD, null, source,
        TrustedIssuer.ANY_LIFETIME)));
    assertEquals("alice", external.verify(withoutIssuedAt(32_503_680_000L)).await().subject());
  }

  @Test
  void rejectsPsychicSignature() {
    var parts = token(c -> c).split("\\.");
    var zeros = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[64]);
    assertRejected(parts[0] + "." + parts[1] + "." + zeros);
  }

  @Test
  void refusesToStartWithoutIssuers() {
    assertThrows(IllegalArgumentException.class, () -> new TokenVerifier(vertx, List.of()));
  }
}
