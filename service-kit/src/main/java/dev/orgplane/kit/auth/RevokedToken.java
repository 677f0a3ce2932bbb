package dev.orgplane.kit.auth;

import dev.orgplane.kit.http.ApiException;

/**
 * 401 {@code invalid_token} for a token withdrawn for good (revoked, its session ended, its user gone), answered with
 * {@value #HEADER}{@code : true} besides the challenge. The other refusals of a token (issued in the future, living
 * longer than its issuer's tokens do) may be about the process answering, its clock or its settings, and another may
 * take the token: the gateway refuses at its door only tokens a service answered with this marker.
 */
public final class RevokedToken extends ApiException {

  public static final String HEADER = "Orgplane-Token-Revoked";

  public RevokedToken(String detail) {
    super(401, "invalid_token", detail);
  }

  /** Its user no longer exists. */
  public static RevokedToken userGone() {
    return new RevokedToken("The token's user no longer exists.");
  }

  /** Its session has ended (a sign-out, a password change). */
  public static RevokedToken sessionEnded() {
    return new RevokedToken("The token's session has ended.");
  }
}
