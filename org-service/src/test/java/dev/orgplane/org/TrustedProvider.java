package dev.orgplane.org;

import dev.orgplane.kit.auth.EcJwk;
import dev.orgplane.kit.auth.TokenSigner;
import dev.orgplane.kit.db.PgUrl;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

/**
 * An external identity provider a test's org-service trusts ({@code ORGPLANE_TRUSTED_ISSUERS}): a real HTTP server
 * publishing its keys, its tokens really signed with them.
 */
public final class TrustedProvider {

  public static final String ISSUER = "https://idp.example.com";
  public static final String AUDIENCE = "orgplane-api";
  /** The audience of its machines' tokens (workload identity federation). */
  public static final String WORKLOAD_AUDIENCE = "orgplane-workloads";
  private static final String KEYS_PATH = "/keys";

  private final Vertx vertx;
  private final JsonObject privateJwk;
  private final TokenSigner signer;
  private final String jwksUrl;

  private TrustedProvider(Vertx vertx, JsonObject privateJwk, String jwksUrl) {
    this.vertx = vertx;
    this.privateJwk = privateJwk;
    this.signer = new TokenSigner(vertx, privateJwk);
    this.jwksUrl = jwksUrl;
  }

  public static TrustedProvider start(Vertx vertx) {
    var key = EcJwk.generate("idp-key");
    var published = new JsonObject().put("keys", new JsonArray().add(key.publicJwk())).encode();
    var jwks = vertx.createHttpServer()
        .requestHandler(req -> {
          if (req.path().equals(KEYS_PATH)) {
            req.response().putHeader("Content-Type", "application/json").end(published);
          } else {
            req.response().setStatusCode(503).end();
          }
        })
        .listen(0, "127.0.0.1").await();
    return new TrustedProvider(vertx, key.privateJwk(), "http://127.0.0.1:" + jwks.actualPort() + KEYS_PATH);
  }

  /** An org-service on a fresh database trusting this provider. */
  public OrgServiceHarness trustingService() {
    return trustingService(PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS), new JsonObject());
  }

  /** An org-service on {@code db} trusting this provider, with {@code overrides} on top. */
  public OrgServiceHarness trustingService(PgUrl db, JsonObject overrides) {
    return OrgServiceHarness.start(vertx, db, new JsonObject()
        .put("ORGPLANE_TRUSTED_ISSUERS", trusted(true, jwksUrl).encode()).mergeIn(overrides));
  }

  /** An org-service on {@code db} trusting this provider for people's sign-in only: no workload audience. */
  public OrgServiceHarness trustingPeopleOnly(PgUrl db) {
    return OrgServiceHarness.start(vertx, db,
        new JsonObject().put("ORGPLANE_TRUSTED_ISSUERS", trusted(false, jwksUrl).encode()));
  }

  /**
   * An org-service on {@code db} trusting this provider at a JWKS URL of its server that answers 503: one that cannot
   * fetch the provider's keys.
   */
  public OrgServiceHarness trustingWhileItsKeysAreDown(PgUrl db) {
    return OrgServiceHarness.start(vertx, db,
        new JsonObject().put("ORGPLANE_TRUSTED_ISSUERS", trusted(true, jwksUrl + "-down").encode()));
  }

  /**
   * {@code ORGPLANE_TRUSTED_ISSUERS} naming this provider, its keys at {@code keysAt}, its machines' tokens trusted
   * too or not.
   */
  private JsonArray trusted(boolean workloads, String keysAt) {
    var entry = new JsonObject().put("issuer", ISSUER).put("audience", AUDIENCE).put("jwksUrl", keysAt);
    return new JsonArray().add(workloads ? entry.put("workloadAudience", WORKLOAD_AUDIENCE) : entry);
  }

  /** The claims every person's token of the provider has, good for five minutes (no address among them). */
  public static JsonObject claims(String subject) {
    return new JsonObject().put("iss", ISSUER).put("aud", AUDIENCE).put("sub", subject)
        .put("exp", System.currentTimeMillis() / 1000 + 300);
  }

  /** The claims of a machine's token of the provider (client credentials): its workload audience, no address. */
  public static JsonObject machineClaims(String subject) {
    return claims(subject).put("aud", WORKLOAD_AUDIENCE);
  }

  public String sign(JsonObject claims) {
    return signer.sign(claims);
  }

  /** A token that says not when it was issued ({@code iat}): {@link #sign} adds one if the claims have none. */
  public String signUndated(JsonObject claims) {
    return JWTAuth.create(vertx, new JWTAuthOptions().addJwk(privateJwk)).generateToken(claims,
        new JWTOptions().setAlgorithm("ES256").setNoTimestamp(true).setHeader(new JsonObject().put("kid",
            signer.kid())));
  }
}
