package dev.orgplane.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

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

  @Test
  void aCertificateWithoutItsKeyIsRefusedAtStart() throws Exception {
    var halfConfigured = new GatewayVerticle(config().put("ORGPLANE_TLS_CERT_FILE", resource("tls/cert.pem")));
    var failure = assertThrows(RuntimeException.class, () -> vertx.deployVerticle(halfConfigured).await());
    assertTrue(failure.getMessage().contains("ORGPLANE_TLS_KEY_FILE"), failure.getMessage());
  }
}
