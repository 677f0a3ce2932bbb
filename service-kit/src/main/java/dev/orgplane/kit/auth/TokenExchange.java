package dev.orgplane.kit.auth;

/**
 * The names of RFC 8693 token exchange that both of its sides here use: org-service answers it, the gateway asks for
 * it at its door for a trusted identity provider's token.
 */
public final class TokenExchange {

  public static final String GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
  public static final String ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";
  public static final String JWT = "urn:ietf:params:oauth:token-type:jwt";
  public static final String ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";

  private TokenExchange() {
  }
}
