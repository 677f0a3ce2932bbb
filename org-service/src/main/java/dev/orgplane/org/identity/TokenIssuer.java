package dev.orgplane.org.identity;

import dev.orgplane.kit.auth.Principal;
import dev.orgplane.kit.auth.TokenRevocations;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.util.UUID;

/**
 * Issues access tokens. Tokens say who the caller is (and, when scoped, the one organization they
 * are valid in), never what they may do: permissions are looked up on every request, so removing a
 * member revokes access at once.
 */
public final class TokenIssuer {

  private final SigningKeyStore keys;
  private final TokenRevocations revocations;
  private final String issuer;
  private final String audience;
  private final long lifetimeSeconds;

  public TokenIssuer(SigningKeyStore keys, TokenRevocations revocations, String issuer, String audience,
      long lifetimeSeconds) {
    this.keys = keys;
    this.revocations = revocations;
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
   * The second a token for {@code subject} is stamped with: the clock's, or a later end of their sessions, which
   * falls on the next second ({@link SessionEnds}) and may not have begun yet; a token issued after an end is good.
   * This process knows the ends made here (and the others' after a reload): sessions, which may be opened on any
   * instance, read theirs from the user's row.
   */
  private long issuedAt(String subject, long sessionsEndedAt) {
    return Math.max(Math.max(nowSecond(), sessionsEndedAt), revocations.sessionsEndedAt(subject));
  }

  /**
   * The OAuth 2.0 token response for {@code subject}, unscoped, right after this process ended their sessions (it
   * knows that end): a password change's new session.
   */
  public JsonObject tokenResponse(String subject) {
    return tokenResponse(subject, null, null, issuedAt(subject, 0));
  }

  /**
   * A token outside a session (a service user's, an exchange's access token alone), stamped after the
   * last end of {@code subject}'s sessions as their row has it: an end made on another instance within this second
   * would otherwise refuse the token once this one reloads its list. With {@code credential}, the client credential
   * it was issued for ({@code cid}), so revoking that credential ends the token too.
   */
  public Future<JsonObject> tokenResponse(SqlClient db, UUID subject, UUID orgScope, UUID credential) {
    return StoredRevocations.sessionsEndedAt(db, subject).map(ended ->
        tokenOutsideSession(subject, orgScope, credential, ended));
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

  /** As {@link #tokenResponse(SqlClient, UUID, UUID, UUID)}, the end of the sessions read already. */
  public JsonObject tokenOutsideSession(UUID subject, UUID orgScope, UUID credential, long sessionsEndedAt) {
    return tokenResponse(subject.toString(), orgScope, credential, issuedAt(subject.toString(), sessionsEndedAt));
  }

  /** An access token stamped {@code issuedAt}: a session's, whose second was taken under its user's row lock. */
  JsonObject tokenResponse(RefreshTokens.Session session) {
    return tokenResponse(session.userId().toString(), null, null, issuedAt(session.userId().toString(), session.sessionsEndedAt()))
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
