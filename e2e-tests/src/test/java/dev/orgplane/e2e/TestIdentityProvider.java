package dev.orgplane.e2e;

import com.sun.net.httpserver.HttpServer;
import dev.orgplane.kit.auth.EcJwk;
import dev.orgplane.kit.auth.TokenSigner;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A company's identity provider, as the platform meets one: its keys published over HTTP for the services to fetch,
 * its tokens really signed with them. The e2e platform trusts it ({@code ORGPLANE_TRUSTED_ISSUERS}).
 */
final class TestIdentityProvider implements AutoCloseable {

  static final String ISSUER = "https://idp.e2e.test";
  static final String AUDIENCE = "orgplane-e2e";
  /** The audience of its machines' tokens (workload identity federation). */
  static final String WORKLOAD_AUDIENCE = "orgplane-e2e-workloads";

  private final EcJwk key = EcJwk.generate("e2e-idp-key");
  private final Vertx vertx = Vertx.vertx();
  private final TokenSigner signer = new TokenSigner(vertx, key.privateJwk());
  private final HttpServer server;

  TestIdentityProvider() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    var jwks = new JsonObject().put("keys", new JsonArray().add(key.publicJwk())).encode()
        .getBytes(StandardCharsets.UTF_8);
    server.createContext("/jwks", exchange -> {
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, jwks.length);
      exchange.getResponseBody().write(jwks);
      exchange.close();
    });
    server.start();
  }

  /** The value of {@code ORGPLANE_TRUSTED_ISSUERS} naming this provider. */
  String trustedIssuers() {
    return new JsonArray().add(new JsonObject().put("issuer", ISSUER).put("audience", AUDIENCE)
        .put("workloadAudience", WORKLOAD_AUDIENCE).put("jwksUrl", "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks")).encode();
  }

  /** A token for the person {@code subject} at the provider, whose verified address is {@code email}. */
  String token(String subject, String email) {
    return signer.sign(claims(subject, AUDIENCE).put("email", email).put("email_verified", true));
  }

  /** A token for the machine {@code subject} at the provider (client credentials): its workload audience. */
  String machineToken(String subject) {
    return signer.sign(claims(subject, WORKLOAD_AUDIENCE));
  }

  private static JsonObject claims(String subject, String audience) {
    return new JsonObject().put("iss", ISSUER).put("aud", audience).put("sub", subject)
        .put("exp", System.currentTimeMillis() / 1000 + 300);
  }

  @Override
  public void close() {
    server.stop(0);
    vertx.close();
  }
}
