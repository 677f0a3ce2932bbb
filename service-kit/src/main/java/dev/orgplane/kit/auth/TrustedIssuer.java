package dev.orgplane.kit.auth;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** An issuer whose tokens we accept: its {@code iss}, the audience our tokens must name, its keys. */
public record TrustedIssuer(String issuer, String audience, KeySource keys) {

  /**
   * The external issuers of {@code ORGPLANE_TRUSTED_ISSUERS} (a JSON array of {@code {issuer, jwksUrl, audience}};
   * blank: none), their keys fetched from their JWKS URLs.
   */
  public static List<TrustedIssuer> external(Vertx vertx, String setting) {
    var issuers = new ArrayList<TrustedIssuer>();
    if (setting != null && !setting.isBlank()) {
      new JsonArray(setting).forEach(entry -> {
        var issuer = (JsonObject) entry;
        issuers.add(new TrustedIssuer(issuer.getString("issuer"), issuer.getString("audience"),
            new RemoteJwks(vertx, issuer.getString("jwksUrl"), 5_000)));
      });
    }
    return issuers;
  }
}
