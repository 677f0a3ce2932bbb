package dev.orgplane.kit.auth;

import io.vertx.core.json.JsonObject;

/**
 * Who a verified token speaks for. {@code orgScope} is set when the token is valid in one
 * organization only (group-admin scoped tokens, service users); {@code claims} keeps the verified
 * payload for anything else a service needs.
 */
public record Principal(String subject, String issuer, String orgScope, long expiresAt, JsonObject claims) {

  public static final String CONTEXT_KEY = "orgplane.principal";

  public static Principal fromClaims(JsonObject claims) {
    return new Principal(claims.getString("sub"), claims.getString("iss"), claims.getString("org"),
        claims.getLong("exp", 0L), claims);
  }

  public boolean isScoped() {
    return orgScope != null;
  }
}
