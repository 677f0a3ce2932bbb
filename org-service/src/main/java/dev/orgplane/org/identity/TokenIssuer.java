package dev.orgplane.org.identity;

import dev.orgplane.kit.auth.Principal;
import dev.orgplane.kit.auth.TokenRevocations;
import dev.orgplane.org.serviceuser.ClientCredentials;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.UUID;

/**
 * Issues access tokens. Tokens say who the caller is (and, when scoped, the one organization they
 * are valid in), never what they may do: permissions are looked up on every request, so removing a
 * member revokes access at once.
 */
public final class TokenIssuer {

  private final SigningKeyStore keys;
  private final String issuer;
  private final String audience;
  private final long lifetimeSeconds;

  public TokenIssuer(SigningKeyStore keys, String issuer, String audience, long lifetimeSeconds) {
    this.keys = keys;
    this.issuer = issuer;
    this.audience = audience;
    this.lifetimeSeconds = lifetimeSeconds;
  }

  public String issuer() {
    return issuer;
  }

  public String audience() {
    return audience;
  }

  /**
   * The second tokens issued now carry as {@code iat}; sessions end by this clock too, so a token issued right after
   * an end is never taken for one from before it, however the database's clock differs.
   */
  public static long nowSecond() {
    return System.currentTimeMillis() / 1000;
  }

  /**
   * The second a token is stamped with ({@code iat}), taken by a transaction that holds its subject's row shared and
   * read there that their sessions last ended at {@code sessionsEndedAt} (0: never): the clock's, or that end if
   * later, which falls on the next second ({@link SessionEnds}) and may not have begun yet; a token issued after an
   * end is good. An end waiting for the row falls on a later second and refuses the token. Taken once the row was let
   * go, the stamp took up an end made meanwhile, and the token of a session opened before it outlived it.
   */
  static long issuedAt(long sessionsEndedAt) {
    return Math.max(nowSecond(), sessionsEndedAt);
  }

  /**
   * A token obtained with {@code bearer} (a group admin's, scoped to one organization of the group) for its subject,
   * {@code userId}: only if their sessions have not ended since the bearer was issued, as their row has it (else 401
   * {@code invalid_token}), and stamped while that row is held. The bearer passed this process's revocations, which
   * hear of an end made on another instance at their next reload, and of one made here once it has committed: until
   * session 32 a token minted meanwhile was stamped after the end and outlived it by a whole lifetime, everywhere.
   */
  public Future<JsonObject> tokenForBearer(Pool pool, Principal bearer, UUID userId, UUID orgScope) {
    var bearerIssuedAt = bearer.claims().getLong("iat", 0L);
    return pool.withTransaction(tx -> StoredRevocations.sessionsEndedNotAfter(tx, userId, bearerIssuedAt)
        .map(ended -> tokenOutsideSession(userId, orgScope, null, ended)));
  }

  /**
   * A token outside a session (a service user's, an exchange's access token alone), in the transaction that holds
   * {@code subject}'s row shared and read there the last end of their sessions, {@code sessionsEndedAt} (see
   * {@link #issuedAt}). With {@code credential}, the client credential it was issued for ({@code cid}), so revoking
   * that credential ends the token too.
   */
  public JsonObject tokenOutsideSession(UUID subject, UUID orgScope, UUID credential, long sessionsEndedAt) {
    return tokenResponse(subject.toString(), orgScope, credential, issuedAt(sessionsEndedAt));
  }

  /**
   * A service user's access token, whichever credential it signed in with, in the transaction that authenticated it:
   * scoped to its organization, naming the credential (so revoking or removing it ends the token), with no refresh
   * token (it signs in again instead).
   */
  JsonObject serviceUserToken(ClientCredentials.Authenticated client) {
    return tokenOutsideSession(client.serviceUserId(), client.orgId(), client.clientId(), client.sessionsEndedAt());
  }

  /** A session's access token, stamped as its transaction took it, and its refresh token. */
  JsonObject tokenResponse(RefreshTokens.Session session) {
    return tokenResponse(session.userId().toString(), null, null, session.issuedAt())
        .put("refresh_token", session.refreshToken());
  }

  private JsonObject tokenResponse(String subject, UUID orgScope, UUID credential, long now) {
    var claims = new JsonObject().put("iss", issuer).put("aud", audience).put("sub", subject)
        .put("iat", now).put("exp", now + lifetimeSeconds).put("jti", UUID.randomUUID().toString());
    if (orgScope != null) {
      claims.put("org", orgScope.toString());
    }
    if (credential != null) {
      claims.put(TokenRevocations.CREDENTIAL_CLAIM, credential.toString());
    }
    return new JsonObject().put("access_token", keys.signer().sign(claims)).put("token_type", "Bearer")
        .put("expires_in", lifetimeSeconds);
  }
}
