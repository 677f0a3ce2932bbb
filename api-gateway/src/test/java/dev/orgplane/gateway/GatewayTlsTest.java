package dev.orgplane.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.config.ConfigException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The public door over HTTPS (a self-signed test certificate for localhost): HTTP/1.1 and HTTP/2 by
 * ALPN on one port, the upstream told the caller came by https.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayTlsTest {

  private Vertx vertx;
  private int upstreamPort;
  private int gatewayPort;

  @BeforeAll
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    upstreamPort = vertx.createHttpServer().requestHandler(req -> req.response()
            .putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("keys", new io.vertx.core.json.JsonArray())
                .put("forwardedProto", req.getHeader("X-Forwarded-Proto")).encode()))
        .listen(0, "127.0.0.1").await().actualPort();
    var gateway = new GatewayVerticle(config()
        .put("ORGPLANE_TLS_CERT_FILE", resource("tls/cert.pem")).put("ORGPLANE_TLS_KEY_FILE", resource("tls/key.pem")));
    vertx.deployVerticle(gateway).await();
    gatewayPort = gateway.port();
  }

  private JsonObject config() {
    return new JsonObject().put("ORGPLANE_HTTP_HOST", "127.0.0.1").put("ORGPLANE_HTTP_PORT", "0")
        .put("ORGPLANE_ORG_SERVICE_URL", "http://127.0.0.1:" + upstreamPort)
        .put("ORGPLANE_PUBLIC_URL", "https://localhost");
  }

  private static String resource(String name) throws Exception {
    return Path.of(GatewayTlsTest.class.getClassLoader().getResource(name).toURI()).toString();
  }

  private WebClient client(HttpVersion version) throws Exception {
    return WebClient.create(vertx, new WebClientOptions().setSsl(true).setUseAlpn(true).setProtocolVersion(version)
        .setTrustOptions(new PemTrustOptions().addCertPath(resource("tls/cert.pem"))).setVerifyHost(true));
  }

  @Test
  void http1AndHttp2OverTlsOnOnePort() throws Exception {
    for (var version : new HttpVersion[] {HttpVersion.HTTP_1_1, HttpVersion.HTTP_2}) {
      var response = client(version).get(gatewayPort, "localhost", "/.well-known/jwks.json").send().await();
      assertEquals(200, response.statusCode(), response.bodyAsString());
      assertEquals(version, response.version());
      assertEquals("https", response.bodyAsJsonObject().getString("forwardedProto"), "the upstream learns the scheme");
    }
  }

  /** Another pair's key of the certificate's algorithm (EC) was taken, and every handshake failed, nothing logged. */
  @Test
  void anotherKeyOfTheCertificatesAlgorithmStopsTheStartNamingBoth(@TempDir Path dir) throws Exception {
    var otherKey = keyFile(dir, "EC");
    var failure = assertThrows(ConfigException.class, () -> vertx.deployVerticle(withKey(otherKey)).await());
    assertEquals("ORGPLANE_TLS_KEY_FILE (" + otherKey + ") is not the private key of the certificate in "
        + "ORGPLANE_TLS_CERT_FILE (" + resource("tls/cert.pem") + "): every TLS handshake would fail",
        failure.getMessage());
  }

  /** A key of another algorithm (RSA) stopped the start only when the door listened, naming neither setting. */
  @Test
  void aKeyOfAnotherAlgorithmStopsTheStartNamingBoth(@TempDir Path dir) throws Exception {
    var otherKey = keyFile(dir, "RSA");
    var failure = assertThrows(ConfigException.class, () -> vertx.deployVerticle(withKey(otherKey)).await());
    assertTrue(failure.getMessage().startsWith("ORGPLANE_TLS_CERT_FILE (" + resource("tls/cert.pem") + ") and "
        + "ORGPLANE_TLS_KEY_FILE (" + otherKey + ") are not a PEM certificate chain and its private key: "),
        failure.getMessage());
  }

  private GatewayVerticle withKey(Path keyFile) throws Exception {
    return new GatewayVerticle(config().put("ORGPLANE_TLS_CERT_FILE", resource("tls/cert.pem"))
        .put("ORGPLANE_TLS_KEY_FILE", keyFile.toString()));
  }

  /** A new private key of {@code algorithm}, PKCS#8 in PEM, as the gateway reads it. */
  private static Path keyFile(Path dir, String algorithm) throws Exception {
    var pkcs8 = KeyPairGenerator.getInstance(algorithm).generateKeyPair().getPrivate().getEncoded();
    return Files.writeString(dir.resolve("other-key.pem"), "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pkcs8)
        + "\n-----END PRIVATE KEY-----\n");
  }

  @Test
  void aCertificateWithoutItsKeyIsRefusedAtStart() throws Exception {
    var halfConfigured = new GatewayVerticle(config().put("ORGPLANE_TLS_CERT_FILE", resource("tls/cert.pem")));
    var failure = assertThrows(RuntimeException.class, () -> vertx.deployVerticle(halfConfigured).await());
    assertTrue(failure.getMessage().contains("ORGPLANE_TLS_KEY_FILE"), failure.getMessage());
  }
}
