package dev.orgplane.kit.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The ways an attacker bends a real token, each as a function from a valid token to a forged one, with the detail the
 * verifier refuses it with. Every door of the platform (the gateway and each service) must answer all of them with 401.
 *
 * <p>A forgery aimed at one of the verifier's header checks is signed so that its signature would hold were that check
 * gone: HS256 keyed with the issuer's public key as an attacker finds it published, ES256 by an {@link Attacker} whose
 * key the header names. Only the check, not a failed signature, refuses it, and the detail tells which refused it.
 */
public final class ForgedTokens {

  public static final String NOT_SIGNED = "Invalid token: the token is not a signed JWT.";
  public static final String ALGORITHM_REFUSED = "Invalid token: the token's algorithm is not accepted.";
  public static final String KEY_IN_HEADER = "Invalid token: the token carries key material in its header.";
  public static final String UNKNOWN_KEY = "Invalid token: the token's key is unknown.";
  public static final String BAD_SIGNATURE = "Invalid token: the token's signature or claims are invalid.";

  /** A forgery; {@code forge} may answer null, meaning "send no token at all". */
  public record Forgery(String name, UnaryOperator<String> forge, String refusal) {
    @Override
    public String toString() {
      return name;
    }
  }

  private ForgedTokens() {
  }

  /** The forgeries of tokens of {@code issuer} for {@code audience}, whose public keys are {@code publishedKeys}. */
  public static List<Forgery> all(String issuer, String audience, List<JsonObject> publishedKeys) {
    var attacker = Attacker.get();
    var forgeries = new ArrayList<Forgery>();
    forgeries.add(new Forgery("missing", t -> null, "A bearer token is required."));
    forgeries.add(new Forgery("garbage", t -> "garbage", NOT_SIGNED));
    forgeries.add(new Forgery("alg none", t -> withHeader(t, header("none", kid(t)), ""), NOT_SIGNED));
    forgeries.add(new Forgery("alg NONE", t -> withHeader(t, header("NONE", kid(t)), ""), NOT_SIGNED));
    forgeries.add(new Forgery("alg none with the issuer's signature", t -> withHeader(t, header("none", kid(t)), null),
        ALGORITHM_REFUSED));
    forgeries.add(new Forgery("alg nOnE with signature", t -> withHeader(t, header("nOnE", kid(t)), null),
        ALGORITHM_REFUSED));
    for (var form : List.of("JWK", "PEM", "DER")) {
      forgeries.add(new Forgery("alg HS256 keyed with the issuer's public key as " + form,
          t -> hs256(header("HS256", kid(t)), payload(t), publicKey(published(publishedKeys, kid(t)), form)), ALGORITHM_REFUSED));
    }
    forgeries.add(new Forgery("stripped signature", t -> t.substring(0, t.lastIndexOf('.') + 1), NOT_SIGNED));
    forgeries.add(new Forgery("zero signature r=s=0", t -> t.substring(0, t.lastIndexOf('.') + 1)
        + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[64]), BAD_SIGNATURE));
    forgeries.add(new Forgery("tampered payload", t -> {
      var parts = t.split("\\.");
      return parts[0] + "." + b64(TestKeys.claims(issuer, audience, "00000000-0000-0000-0000-000000000000").encode())
          + "." + parts[2];
    }, BAD_SIGNATURE));
    var attackers = header("ES256", Attacker.KID);
    forgeries.add(new Forgery("jku header naming the attacker's key set",
        t -> attacker.sign(attackers.copy().put("jku", attacker.jku()), payload(t)), KEY_IN_HEADER));
    forgeries.add(new Forgery("x5u header naming the attacker's certificate",
        t -> attacker.sign(attackers.copy().put("x5u", attacker.x5u()), payload(t)), KEY_IN_HEADER));
    forgeries.add(new Forgery("embedded jwk header of the attacker's key",
        t -> attacker.sign(attackers.copy().put("jwk", attacker.publicJwk()), payload(t)), KEY_IN_HEADER));
    forgeries.add(new Forgery("embedded x5c header of the attacker's certificate",
        t -> attacker.sign(attackers.copy().put("x5c", new JsonArray().add(attacker.certificate())), payload(t)),
        KEY_IN_HEADER));
    forgeries.add(new Forgery("crit header naming an extension no verifier understands",
        t -> attacker.sign(attackers.copy().mergeIn(critical()), payload(t)), KEY_IN_HEADER));
    forgeries.add(new Forgery("embedded jwk header of the attacker's key under the issuer's kid",
        t -> attacker.sign(header("ES256", kid(t)).put("jwk", attacker.publicJwk().copy().put("kid", kid(t))),
            payload(t)), KEY_IN_HEADER));
    forgeries.add(new Forgery("unknown kid", t -> withHeader(t, header("ES256", "no-such-key"), null), UNKNOWN_KEY));
    return forgeries;
  }

  /**
   * Headers the verifier refuses on a token signed with {@code issuerKeys} itself, which no issuer of ours would
   * sign: with the check gone the token would pass whole. {@code crit} names an extension the verifier does not
   * understand, which RFC 7515 (4.1.11) says makes the token invalid.
   */
  public static List<JsonObject> headersNoIssuerSigns() {
    var attacker = Attacker.get();
    return List.of(
        critical(),
        new JsonObject().put("jku", attacker.jku()),
        new JsonObject().put("x5u", attacker.x5u()),
        new JsonObject().put("jwk", attacker.publicJwk()),
        new JsonObject().put("x5c", new JsonArray().add(attacker.certificate())));
  }

  private static JsonObject published(List<JsonObject> keys, String kid) {
    return keys.stream().filter(key -> kid.equals(key.getString("kid"))).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no published key " + kid));
  }

  private static JsonObject critical() {
    return new JsonObject().put("crit", new JsonArray().add("orgplane-must-understand")).put("orgplane-must-understand", true);
  }

  private static JsonObject header(String alg, String kid) {
    return new JsonObject().put("alg", alg).put("kid", kid);
  }

  private static String kid(String token) {
    var header = new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8);
    return new JsonObject(header).getString("kid");
  }

  private static String payload(String token) {
    return token.split("\\.")[1];
  }

  private static String withHeader(String token, JsonObject header, String signature) {
    var parts = token.split("\\.");
    return b64(header.encode()) + "." + parts[1] + "." + (signature == null ? parts[2] : signature);
  }

  /** The RS/HS confusion: HMAC keyed with a public key, for a verifier that would take the key's bytes as a secret. */
  private static String hs256(JsonObject header, String payload, byte[] secret) {
    var signingInput = b64(header.encode()) + "." + payload;
    try {
      var mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return signingInput + "." + Base64.getUrlEncoder().withoutPadding()
          .encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The issuer's public P-256 key as published: its JWK, or as a PEM or DER SubjectPublicKeyInfo. */
  private static byte[] publicKey(JsonObject jwk, String form) {
    if (form.equals("JWK")) {
      return jwk.encode().getBytes(StandardCharsets.UTF_8);
    }
    try {
      var curve = AlgorithmParameters.getInstance("EC");
      curve.init(new ECGenParameterSpec("secp256r1"));
      var point = new ECPoint(coordinate(jwk.getString("x")), coordinate(jwk.getString("y")));
      var der = KeyFactory.getInstance("EC")
          .generatePublic(new ECPublicKeySpec(point, curve.getParameterSpec(ECParameterSpec.class))).getEncoded();
      return form.equals("DER") ? der : ("-----BEGIN PUBLIC KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
          + "\n-----END PUBLIC KEY-----\n").getBytes(StandardCharsets.US_ASCII);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static BigInteger coordinate(String base64url) {
    return new BigInteger(1, Base64.getUrlDecoder().decode(base64url));
  }

  static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
