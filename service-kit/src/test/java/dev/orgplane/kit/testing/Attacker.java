package dev.orgplane.kit.testing;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * Someone with a P-256 key and a self-signed certificate of their own (test resources under {@code forged/}), who
 * signs ES256 tokens with it and publishes both on a site of their own: its key set at {@link #jku()}, its certificate
 * at {@link #x5u()}. A verifier that took a key from a token's header would find this one there, and the signature
 * good: only refusing such headers stops these tokens.
 */
final class Attacker {

  static final String KID = "attacker-key";

  private static Attacker instance;

  private final PrivateKey privateKey;
  private final X509Certificate certificate;
  private final JsonObject publicJwk;
  private final HttpServer site;

  private Attacker() throws IOException, GeneralSecurityException {
    certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(resource("attacker-cert.pem")));
    privateKey = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pemBody(resource("attacker-key.pem"))));
    var point = ((ECPublicKey) certificate.getPublicKey()).getW();
    publicJwk = new JsonObject().put("kty", "EC").put("crv", "P-256").put("kid", KID).put("alg", "ES256")
        .put("x", TestKeys.coordinate(point.getAffineX(), 32)).put("y", TestKeys.coordinate(point.getAffineY(), 32));
    site = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    publish("/jwks.json", "application/json", new JsonObject().put("keys", new JsonArray().add(publicJwk)).encode()
        .getBytes(StandardCharsets.UTF_8));
    publish("/cert.pem", "application/pem-certificate-chain", resource("attacker-cert.pem"));
    site.start();
  }

  /** One attacker, its site started on first use and left up for the rest of the test run. */
  static synchronized Attacker get() {
    if (instance == null) {
      try {
        instance = new Attacker();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
    return instance;
  }

  JsonObject publicJwk() {
    return publicJwk;
  }

  /** The certificate, base64 DER, as {@code x5c} carries it. */
  String certificate() {
    try {
      return Base64.getEncoder().encodeToString(certificate.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  String jku() {
    return url("/jwks.json");
  }

  String x5u() {
    return url("/cert.pem");
  }

  /** A compact JWS of {@code header} and the base64url {@code payload}, signed ES256 with the attacker's key. */
  String sign(JsonObject header, String payload) {
    var signingInput = ForgedTokens.b64(header.encode()) + "." + payload;
    try {
      var signature = Signature.getInstance("SHA256withECDSAinP1363Format");
      signature.initSign(privateKey);
      signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private String url(String path) {
    return "http://127.0.0.1:" + site.getAddress().getPort() + path;
  }

  private void publish(String path, String contentType, byte[] body) {
    site.createContext(path, exchange -> {
      exchange.getResponseHeaders().set("Content-Type", contentType);
      exchange.sendResponseHeaders(200, body.length);
      try (var out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = Attacker.class.getResourceAsStream("/forged/" + name)) {
      return in.readAllBytes();
    }
  }

  private static byte[] pemBody(byte[] pem) {
    var base64 = new String(pem, StandardCharsets.US_ASCII).replaceAll("-----[A-Z ]+-----|\\s", "");
    return Base64.getDecoder().decode(base64);
  }
}
