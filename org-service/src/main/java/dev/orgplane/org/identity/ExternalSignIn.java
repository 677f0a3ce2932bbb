package dev.orgplane.org.identity;

import dev.orgplane.kit.auth.Principal;
import dev.orgplane.kit.auth.TokenExchange;
import dev.orgplane.kit.auth.TokenRevocations;
import dev.orgplane.kit.auth.TokenVerifier;
import dev.orgplane.kit.auth.TrustedIssuer;
import dev.orgplane.kit.db.TimeOrderedIds;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.Ids;
import dev.orgplane.kit.http.RequestBody;
import dev.orgplane.org.serviceuser.CredentialReach;
import dev.orgplane.org.serviceuser.FederatedCredentials;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Sign-in with an identity provider the operator trusts ({@code ORGPLANE_TRUSTED_ISSUERS}): its token is exchanged
 * for ours (RFC 8693 token exchange), so every service goes on verifying one issuer's tokens and its revocations.
 * The provider's (issuer, subject) is one account: at the first exchange the account of the provider's verified
 * address (made if there is none, with the address verified), from then on the one linked to it, whatever either
 * address becomes. A provider trusted here vouches for its addresses: that is what trusting it means. An account of
 * that address nobody verified was registered by whoever typed it in, so linking it withdraws its password and ends
 * its sessions: until session 19 a squatter who registered the address first kept signing in to the account the
 * provider's user went on to use. A machine's token (one naming its issuer's workload audience) signs in as the
 * service user whose federated credential names its (issuer, subject), with no client secret of ours, and never as
 * a person; a person's token never as a service user: until session 27 a credential came first for every token, so
 * a service user's manager who named a person's subject before that person first signed in took their sign-in. The
 * exchange names that service user ({@code client_id}, its id, as Azure's does) or, if it does not, exactly one
 * service user's credential names the subject: several tenants may name one (see {@link FederatedCredentials}).
 */
public final class ExternalSignIn {

  private static final Set<String> SUBJECT_TYPES = Set.of(TokenExchange.JWT, TokenExchange.ID_TOKEN,
      TokenExchange.ACCESS_TOKEN);

  private final Pool pool;
  private final TokenRevocations revocations;
  private final TokenIssuer tokens;
  private final RefreshTokens refreshTokens;
  /** Verifies the external issuers' tokens only: our own are not exchanged. Null when none is trusted. */
  private final TokenVerifier external;
  private final Map<String, TrustedIssuer> issuers;

  public ExternalSignIn(Pool pool, TokenRevocations revocations, TokenIssuer tokens, RefreshTokens refreshTokens,
      TokenVerifier external, List<TrustedIssuer> issuers) {
    this.pool = pool;
    this.revocations = revocations;
    this.tokens = tokens;
    this.refreshTokens = refreshTokens;
    this.external = external;
    this.issuers = TrustedIssuer.byIssuer(issuers);
  }

  boolean trustsAny() {
    return external != null;
  }

  /**
   * The token response to the token exchange request {@code form}: for a machine's token one of the service user
   * whose federated credential names its (issuer, subject), the one {@code client_id} names if it names one; for a
   * person's a session of the account linked to it, and no service user named. The gateway's exchange asks for an
   * access token alone ({@code requested_token_type}): it exchanges a provider's token at its door for each request's
   * trip and keeps no session.
   */
  Future<JsonObject> exchange(MultiMap form) {
    if (!trustsAny()) {
      return Future.failedFuture(ApiException.badRequest("unsupported_grant_type",
          "No external identity provider is trusted here (ORGPLANE_TRUSTED_ISSUERS)."));
    }
    var token = form.get("subject_token");
    if (token == null || token.length() > 16_384 || !SUBJECT_TYPES.contains(form.get("subject_token_type"))) {
      return Future.failedFuture(ApiException.badRequest("invalid_request", "subject_token is required, with a "
          + "subject_token_type of urn:ietf:params:oauth:token-type:jwt, id_token or access_token."));
    }
    var requested = form.get("requested_token_type");
    var accessTokenOnly = TokenExchange.ACCESS_TOKEN.equals(requested);
    if (requested != null && !accessTokenOnly) {
      return Future.failedFuture(ApiException.badRequest("invalid_request",
          "requested_token_type may only be " + TokenExchange.ACCESS_TOKEN + "."));
    }
    var clientId = form.get("client_id");
    UUID serviceUser;
    try {
      serviceUser = clientId == null ? null : Ids.parse(clientId);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(ApiException.badRequest("invalid_request",
          "client_id, if given, is the id of the service user to sign in as."));
    }
    return external.verify(token)
        .recover(failure -> Future.failedFuture(keysUnavailable(failure) ? failure : ApiException.badRequest(
            "invalid_request", "The subject token is not one of a trusted provider, or no longer valid.")))
        .compose(principal -> issuers.get(principal.issuer()).isWorkload(principal)
            ? serviceUserToken(principal, serviceUser)
            : serviceUser != null
                ? Future.failedFuture(new ApiException(400, "invalid_grant", "client_id names a service user, and "
                    + "the subject token is a person's (its aud lacks the workload audience): it signs in no service "
                    + "user."))
                : personToken(principal, accessTokenOnly));
  }

  /**
   * Whether the verifier could not fetch the provider's keys (503 {@code key_source_unavailable}): that says nothing of
   * the token, and the caller should retry. Until session 34 it was 400 {@code invalid_request} like a bad token, and
   * the gateway, reading a refusal, answered 401 and kept it for ten seconds.
   */
  private static boolean keysUnavailable(Throwable failure) {
    return failure instanceof ApiException unverified && unverified.status() == 503;
  }

  /** The token of the service user the machine's token signs in as, checked and stamped while its row is held. */
  private Future<JsonObject> serviceUserToken(Principal principal, UUID serviceUser) {
    return pool.withTransaction(tx -> FederatedCredentials.authenticate(tx, principal, serviceUser)
        .map(client -> {
          requireIssuedSince(principal, client.sessionsEndedAt());
          return tokens.serviceUserToken(client);
        }));
  }

  /**
   * The tokens of the account the person's token signs in to, checked and stamped while its row is held: a session,
   * or an access token alone. An end of its sessions its linking made now is no reason to refuse it: the first
   * sign-in to an account nobody verified would refuse itself.
   */
  private Future<JsonObject> personToken(Principal principal, boolean accessTokenOnly) {
    return pool.withTransaction(tx -> linked(tx, principal)
            .compose(found -> found != null ? Future.succeededFuture(found) : link(tx, principal))
            .compose(link -> {
              if (link.sessionsEndedAt() != link.endedByLinking()) {
                requireIssuedSince(principal, link.sessionsEndedAt());
              }
              var account = link.account();
              return (accessTokenOnly
                  ? Future.succeededFuture(tokens.tokenOutsideSession(account, null, null, link.sessionsEndedAt()))
                  : refreshTokens.open(tx, account, link.sessionsEndedAt()).map(tokens::tokenResponse))
                  .map(response -> new SignedIn(link, response));
            }))
        .map(signedIn -> {
          var link = signedIn.link();
          if (link.endedByLinking() > 0) {
            revocations.markEnded(link.account().toString(), link.endedByLinking());
          }
          return signedIn.response();
        });
  }

  /**
   * Refuses (400 {@code invalid_grant}) a provider's token from before the last end of its user's sessions here,
   * {@code sessionsEndedAt} (0: never): a sign-out everywhere, a new password or an operator's end shuts out who holds
   * a copy of it, as it does who holds one of ours. The gateway exchanges the token it was sent again on each 401. A
   * token is as old as its user's sign-in at the provider ({@code auth_time}) or, if it does not say, its issue
   * ({@code iat}); one that says neither may be as old as its issuer's tokens live.
   */
  private void requireIssuedSince(Principal principal, long sessionsEndedAt) {
    if (sessionsEndedAt > 0 && earliestIssue(principal) < sessionsEndedAt) {
      throw new ApiException(400, "invalid_grant", "The subject token is from before the user's sessions here last "
          + "ended (signed out everywhere, a new password, or ended by an operator): sign in at the provider again.");
    }
  }

  private long earliestIssue(Principal principal) {
    var claims = principal.claims();
    if (claims.getValue("auth_time") instanceof Number signedIn) {
      return signedIn.longValue();
    }
    if (claims.getValue("iat") instanceof Number issued) {
      return issued.longValue();
    }
    // exp is checked by the verifier, and a lifetime is positive: no overflow
    return claims.getLong("exp") - issuers.get(principal.issuer()).longestLifetimeSeconds();
  }

  /** A person's tokens, and the link that signed them in. */
  private record SignedIn(Link link, JsonObject response) {
  }

  /**
   * Unlinks {@code account} from every provider identity it was linked to: a platform admin is signed in to with its
   * password alone (see {@link #link}), and an identity linked before the account became one would still sign in.
   */
  public static Future<Void> unlinkAll(SqlClient tx, UUID account) {
    return tx.preparedQuery("DELETE FROM org.external_identities WHERE user_id = $1").execute(Tuple.of(account))
        .mapEmpty();
  }

  /**
   * An identity's account, the second its sessions last ended (0: never) as its row, held shared, has it, and the
   * second this exchange's linking ended its registrant's sessions at (0: none ended).
   */
  private record Link(UUID account, long sessionsEndedAt, long endedByLinking) {
  }

  /**
   * The account linked to the identity, its row held shared, null if none is; 403 {@code external_link_refused} if it
   * is a platform admin's: an account made one after it was linked (the operator's {@code make-platform-admin} keeps
   * its links) went on being signed in to through the provider.
   */
  private static Future<Link> linked(SqlClient tx, Principal principal) {
    return tx.preparedQuery("SELECT e.user_id, u.platform_admin, " + StoredRevocations.SESSIONS_ENDED
            + " FROM org.external_identities e JOIN org.users u ON u.id = e.user_id "
            + "WHERE e.issuer = $1 AND e.subject = $2 FOR SHARE OF u")
        .execute(Tuple.of(principal.issuer(), principal.subject()))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          var row = rows.iterator().next();
          if (row.getBoolean("platform_admin")) {
            throw linkRefused();
          }
          return new Link(row.getUUID("user_id"), row.getLong("sessions_ended"), 0);
        });
  }

  private static ApiException linkRefused() {
    return ApiException.forbidden("external_link_refused", "The account is a platform admin's, which no identity "
        + "provider may sign in to: sign in with its password.");
  }

  /**
   * The first exchange of this identity: the account of its verified address, made if need be, linked to it. Two
   * first exchanges at once link one account: the address is unique, and the second link waits for the first. A
   * platform admin's account is never linked: whoever holds that address at a provider would hold the platform.
   */
  private Future<Link> link(SqlConnection tx, Principal principal) {
    var claims = principal.claims();
    var email = claims.getValue("email") instanceof String address ? address.trim() : null;
    // the rule of every address given here, as the account's address is a mail's To: until session 34 one with a
    // line break in it ("Bcc: ...") was stored as the provider gave it
    if (email == null || !RequestBody.isEmail(email) || !Boolean.TRUE.equals(claims.getValue("email_verified"))) {
      return Future.failedFuture(ApiException.badRequest("external_email_unverified",
          "The provider's token names no verified email address (claims email and email_verified; an address with "
              + "neither spaces nor control characters), so it matches no account here."));
    }
    var name = claims.getValue("name") instanceof String given ? given : "";
    return withdrawUnverified(tx, email).compose(ended -> tx.preparedQuery("WITH account AS ("
            + "INSERT INTO org.users AS u (id, email, name, email_verified_at) "
            + "VALUES ($3, $4, $5, now()) ON CONFLICT ((lower(email))) DO UPDATE "
            + "SET email_verified_at = coalesce(u.email_verified_at, now()) WHERE NOT u.platform_admin RETURNING id) "
            + "INSERT INTO org.external_identities (issuer, subject, user_id) SELECT $1, $2, id FROM account "
            + "ON CONFLICT (issuer, subject) DO NOTHING")
        .execute(Tuple.of(principal.issuer(), principal.subject(), TimeOrderedIds.next(), email,
            name.length() > 256 ? name.substring(0, 256) : name))
        .compose(inserted -> linked(tx, principal))
        .map(linked -> {
          if (linked == null) {
            throw linkRefused();
          }
          return new Link(linked.account(), linked.sessionsEndedAt(), ended);
        }));
  }

  /**
   * Takes from the unverified account of {@code email}, if there is one, what its registrant could reach it with:
   * its password and sessions ({@link PasswordChange}), the address changes they asked for, and the credentials of
   * service users they made ({@link CredentialReach#revokeAllMadeByUnrequested}). Answers the second its sessions
   * ended at, or 0 if there is no such account.
   */
  private Future<Long> withdrawUnverified(SqlConnection tx, String email) {
    return tx.preparedQuery("SELECT id FROM org.users WHERE lower(email) = lower($1) AND email_verified_at IS NULL "
            + "AND NOT platform_admin").execute(Tuple.of(email))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(0L);
          }
          var squatted = rows.iterator().next().getUUID("id");
          return PasswordChange.apply(tx, squatted, null)
              .compose(second -> tx.preparedQuery("DELETE FROM org.email_changes WHERE user_id = $1")
                  .execute(Tuple.of(squatted))
                  .compose(deleted -> CredentialReach.revokeAllMadeByUnrequested(tx, revocations, squatted))
                  .map(second));
        });
  }
}
