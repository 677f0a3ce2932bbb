package dev.orgplane.kit.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;

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

  /** The token's audiences ({@code aud}: one, or an array of them). */
  public List<String> audiences() {
    var aud = claims.getValue("aud");
    if (aud instanceof JsonArray many) {
      return many.stream().map(String::valueOf).toList();
    }
    return aud == null ? List.of() : List.of(String.valueOf(aud));
  }

  public boolean isScoped() {
    return orgScope != null;
  }

  /**
   * The one organization the token acts in, or null for an unscoped token. A scope that is no id becomes the nil
   * UUID, which no organization has: it matches none.
   */
  public UUID scopedOrganization() {
    if (orgScope == null) {
      return null;
    }
    try {
      return orgScope.length() == 36 ? UUID.fromString(orgScope) : new UUID(0, 0);
    } catch (IllegalArgumentException e) {
      return new UUID(0, 0);
    }
  }
}
