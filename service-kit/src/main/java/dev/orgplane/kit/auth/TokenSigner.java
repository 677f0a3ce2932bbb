package dev.orgplane.kit.auth;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

/** Signs ES256 tokens with one private JWK, naming its kid in the header. */
public final class TokenSigner {

  private final String kid;
  private final JWTAuth jwt;

  public TokenSigner(Vertx vertx, JsonObject privateJwk) {
    this.kid = privateJwk.getString("kid");
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions().addJwk(privateJwk));
  }

  public String kid() {
    return kid;
  }

  public String sign(JsonObject claims) {
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm("ES256").setHeader(new JsonObject().put("kid", kid)));
  }
}
