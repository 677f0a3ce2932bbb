package dev.orgplane.org.identity;

import dev.orgplane.kit.async.BoundedWorkers;
import dev.orgplane.kit.auth.ClientSecretBasic;
import dev.orgplane.kit.auth.TokenExchange;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.OAuthErrors;
import dev.orgplane.kit.http.QueryParameters;
import dev.orgplane.kit.http.Replies;
import dev.orgplane.kit.http.RequestBody;
import dev.orgplane.org.serviceuser.ClientCredentials;
import dev.orgplane.org.user.User;
import dev.orgplane.org.user.UserRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.Set;

/** Registration, the OAuth 2.0 token endpoint and the published keys. No bearer token needed. */
public final class IdentityRoutes {

  public static final int MIN_PASSWORD = 12;
  public static final int MAX_PASSWORD = 1024;

  private final Pool pool;
  private final PasswordHasher hasher;
  private final SigningKeyStore keys;
  private final TokenIssuer tokens;
  private final boolean registrationEnabled;
  private final SignInThrottle throttle;
  private final EmailVerificationRoutes verifications;
  private final RefreshTokens refreshTokens;
  private final ExternalSignIn externalSignIn;

  /**
   * Registration mails the new address its verification token through {@code verifications}; tokens of the
   * external identity providers {@code externalSignIn} trusts are exchanged for ours.
   */
  public IdentityRoutes(Pool pool, PasswordHasher hasher, SigningKeyStore keys, TokenIssuer tokens,
      boolean registrationEnabled, EmailVerificationRoutes verifications, RefreshTokens refreshTokens,
      ExternalSignIn externalSignIn) {
    this.pool = pool;
    this.hasher = hasher;
    this.keys = keys;
    this.tokens = tokens;
    this.registrationEnabled = registrationEnabled;
    this.throttle = new SignInThrottle(pool);
    this.verifications = verifications;
    this.refreshTokens = refreshTokens;
    this.externalSignIn = externalSignIn;
  }

  /** Forgets the failed sign-ins of addresses quiet for an hour; every hour. Answers the timer, to cancel at stop. */
  public static long purgeStaleSignInFailures(io.vertx.core.Vertx vertx, Pool pool) {
    return SignInThrottle.stalePurge(pool).hourly(vertx);
  }

  public void mount(Router router) {
    QueryParameters.NONE.on(router.post("/v1/auth/register")).handler(this::register);
    router.post("/v1/auth/token").handler(this::token);
    router.post("/v1/auth/revoke").handler(this::revoke);
    router.get("/.well-known/jwks.json").handler(this::jwks);
    router.get("/.well-known/openid-configuration").handler(this::openIdConfiguration);
  }

  private void register(RoutingContext ctx) {
    if (!registrationEnabled) {
      ctx.fail(ApiException.forbidden("registration_disabled", "Self-registration is switched off here."));
      return;
    }
    var body = RequestBody.of(ctx, Set.of("email", "password", "name"));
    var email = body.email("email", true);
    var password = newPassword(body, "password");
    var name = body.line("name", 256, false);
    body.validate();
    hasher.hash(password)
        .compose(hash -> pool.withTransaction(tx -> UserRepository.insert(tx, email, name == null ? "" : name, hash,
                false, null)
            .compose(user -> user.isPresent() ? verifications.mailToken(tx, user.get()).map(user.get())
                : Future.failedFuture(ApiException.conflict("email_taken", "An account with this email exists.")))))
        .onSuccess(user -> Replies.created(ctx, "/v1/users/" + user.id(), user.toJson()))
        .onFailure(ctx::fail);
  }

  /** A password being chosen: {@value #MIN_PASSWORD} to {@value #MAX_PASSWORD} characters (validated with the rest of the body). */
  static String newPassword(RequestBody body, String field) {
    var password = body.requiredString(field, MAX_PASSWORD);
    if (password != null && password.length() < MIN_PASSWORD) {
      body.reject(field, "must be at least " + MIN_PASSWORD + " characters");
    }
    return password;
  }

  private void token(RoutingContext ctx) {
    OAuthErrors.requested(ctx);
    var form = ctx.request().formAttributes();
    var grant = form.get("grant_type");
    if ("password".equals(grant)) {
      passwordGrant(ctx, form.get("username"), form.get("password"));
    } else if ("client_credentials".equals(grant)) {
      clientCredentialsGrant(ctx);
    } else if ("refresh_token".equals(grant)) {
      refreshTokenGrant(ctx, form.get("refresh_token"));
    } else if (TokenExchange.GRANT.equals(grant)) {
      externalSignIn.exchange(form)
          .onSuccess(response -> sendToken(ctx, response.put("issued_token_type", TokenExchange.ACCESS_TOKEN)))
          .onFailure(ctx::fail);
    } else {
      ctx.fail(ApiException.badRequest("unsupported_grant_type",
          "grant_type must be password, refresh_token, client_credentials or " + TokenExchange.GRANT + "."));
    }
  }

  private void passwordGrant(RoutingContext ctx, String username, String password) {
    if (username == null || password == null) {
      ctx.fail(ApiException.badRequest("invalid_request", "username and password are required."));
      return;
    }
    if (username.codePointCount(0, username.length()) > RequestBody.MAX_EMAIL || username.indexOf('\0') >= 0) {
      // no account has such an address, and the failure count keyed by it could not be written (PostgreSQL stores
      // no NUL): the refusal of a wrong one, as OAuth clients read it, not the database's invalid_text
      ctx.fail(wrongCredentials());
      return;
    }
    // the hashing place first: an attempt refused busy is not counted, its password never checked
    hasher.withSlot(slot -> throttle.admit(username, ctx)
            .compose(admitted -> UserRepository.byEmail(pool, username))
            .compose(user -> slot.matches(password, user.map(u -> u.passwordHash()).orElse(null))
                .compose(ok -> ok ? Future.succeededFuture(user.get()) : Future.failedFuture(wrongCredentials()))))
        .compose(user -> verifiedHash(user, password).compose(hash -> refreshTokens.open(user.id(), hash)))
        // the address starts over only once the session is open: a sign-in refused because the password changed
        // meanwhile is a failure like any other
        .compose(session -> throttle.succeeded(username).map(session))
        .map(tokens::tokenResponse)
        .onSuccess(response -> sendToken(ctx, response))
        .onFailure(ctx::fail);
  }

  /**
   * The hash {@code password} was just checked against, first replaced by a new one if it is of the outdated kind
   * (see {@link PasswordHasher}): only a sign-in knows the password to hash anew. Replaced only if unchanged
   * meanwhile, else see {@link #replacedMeanwhile}. Not replaced when the hashing queue is full: the password is right
   * and the attempt counted already, so refused {@code busy} the sign-in failed for a hash the next sign-in makes as
   * well.
   */
  private Future<String> verifiedHash(User user, String password) {
    if (!hasher.outdated(user.passwordHash())) {
      return Future.succeededFuture(user.passwordHash());
    }
    return hasher.hash(password)
        .compose(fresh -> UserRepository.replacePasswordHash(pool, user.id(), user.passwordHash(), fresh)
            .compose(replaced -> replaced ? Future.succeededFuture(fresh) : replacedMeanwhile(user, password)),
            refused -> BoundedWorkers.isBusy(refused) ? Future.succeededFuture(user.passwordHash())
                : Future.failedFuture(refused));
  }

  /**
   * The hash that replaced {@code user}'s while this sign-in hashed the password anew, when {@code password} matches
   * it: most often another sign-in on the same outdated hash (a second device, an instance of another cost) replaced
   * it first, which changes no password, and answered with the old hash {@link RefreshTokens#open} refused the right
   * password as wrong. Checked once, and only in that race. A hash the password does not match (a new password
   * chosen meanwhile), or an account gone, answers the old hash, which {@link RefreshTokens#open} refuses.
   */
  private Future<String> replacedMeanwhile(User user, String password) {
    return UserRepository.byId(pool, user.id()).compose(found -> {
      var stored = found.map(User::passwordHash).orElse(null);
      return stored == null || user.passwordHash().equals(stored) ? Future.succeededFuture(user.passwordHash())
          : hasher.withSlot(slot -> slot.matches(password, stored)).map(ok -> ok ? stored : user.passwordHash());
    });
  }

  private static ApiException wrongCredentials() {
    return new ApiException(400, "invalid_grant", "The email or password is wrong.");
  }

  /**
   * RFC 7009 revocation: signs a device out by withdrawing its refresh token's family. Answered 200 whatever the
   * token (the RFC's rule: an unknown one is no error); access tokens run out by themselves within the hour. Its
   * refusals carry RFC 6749's error members, as the token endpoint's do (RFC 7009 2.2.1).
   */
  private void revoke(RoutingContext ctx) {
    OAuthErrors.requested(ctx);
    var token = ctx.request().formAttributes().get("token");
    if (token == null) {
      ctx.fail(ApiException.badRequest("invalid_request", "token is required."));
      return;
    }
    // longer than any refresh token (an access token, say): none of ours, so nothing to withdraw, and no lookup
    (token.length() > 256 ? Future.<Void>succeededFuture() : refreshTokens.revoke(token))
        .onSuccess(v -> ctx.response().putHeader("Cache-Control", "no-store").setStatusCode(200).end())
        .onFailure(ctx::fail);
  }

  /** The next access token of a person's session, and the next refresh token (the one sent is used up). */
  private void refreshTokenGrant(RoutingContext ctx, String refreshToken) {
    if (refreshToken == null) {
      ctx.fail(ApiException.badRequest("invalid_request", "refresh_token is required."));
      return;
    }
    if (refreshToken.length() > 256) {
      ctx.fail(RefreshTokens.unusable());
      return;
    }
    refreshTokens.rotate(refreshToken)
        .onSuccess(session -> sendToken(ctx, tokens.tokenResponse(session)))
        .onFailure(ctx::fail);
  }

  /** A service user's token, valid in its own organization only (HTTP Basic client id and secret). */
  private void clientCredentialsGrant(RoutingContext ctx) {
    var basic = ClientSecretBasic.in(ctx.request().getHeader("Authorization"));
    if (basic == null) {
      ctx.fail(new ApiException(401, "invalid_client", "Send the client id and secret with HTTP Basic."));
      return;
    }
    pool.withTransaction(tx -> ClientCredentials.authenticate(tx, basic.clientId(), basic.secret())
            .map(found -> found.map(tokens::serviceUserToken).orElseThrow(() -> new ApiException(401,
                "invalid_client", "The client id or secret is wrong, or revoked."))))
        .onSuccess(token -> sendToken(ctx, token))
        .onFailure(ctx::fail);
  }

  static void sendToken(RoutingContext ctx, JsonObject token) {
    ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
        .end(token.encode());
  }

  private void jwks(RoutingContext ctx) {
    keys.keys().onSuccess(list -> ctx.response().putHeader("Content-Type", "application/json")
            .putHeader("Cache-Control", "public, max-age=" + SigningSchedule.JWKS_MAX_AGE_SECONDS)
            .end(new JsonObject().put("keys", new JsonArray(list)).encode()))
        .onFailure(ctx::fail);
  }

  private void openIdConfiguration(RoutingContext ctx) {
    var issuer = tokens.issuer();
    var grants = new JsonArray().add("password").add("refresh_token").add("client_credentials");
    if (externalSignIn.trustsAny()) {
      grants.add(TokenExchange.GRANT);
    }
    ctx.json(new JsonObject()
        .put("issuer", issuer)
        .put("jwks_uri", issuer + "/.well-known/jwks.json")
        .put("token_endpoint", issuer + "/v1/auth/token")
        .put("revocation_endpoint", issuer + "/v1/auth/revoke")
        .put("grant_types_supported", grants)
        .put("id_token_signing_alg_values_supported", new JsonArray().add("ES256"))
        .put("token_endpoint_auth_methods_supported", new JsonArray().add("client_secret_basic")));
  }
}
