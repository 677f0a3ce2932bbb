package dev.orgplane.org.identity;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.auth.EcJwk;
import dev.orgplane.kit.auth.TokenExchange;
import dev.orgplane.kit.auth.TokenSigner;
import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.TrustedProvider;
import dev.orgplane.org.TrustingOrgServiceTest;
import dev.orgplane.org.ops.OperatorCommands;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Sign-in with a trusted external identity provider (RFC 8693 token exchange), the provider a real HTTP server
 * publishing its keys, its tokens really signed.
 */
class ExternalSignInTest extends TrustingOrgServiceTest {

  private JsonObject claims(String subject, String email, boolean verified) {
    return TrustedProvider.claims(subject).put("email", email).put("email_verified", verified)
        .put("name", "Person " + subject);
  }

  private JsonObject exchanged(JsonObject claims) {
    var answer = trusting.exchange(provider.sign(claims), TokenExchange.JWT);
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    return answer.bodyAsJsonObject();
  }

  private JsonObject me(JsonObject tokens) {
    return trusting.get("/v1/users/me", tokens.getString("access_token")).bodyAsJsonObject();
  }

  private static String freshEmail() {
    return "ext-" + UUID.randomUUID() + "@example.com";
  }

  @Test
  void aNewPersonGetsAVerifiedAccountKeptByTheirIdentityAtTheProvider() {
    var subject = UUID.randomUUID().toString();
    var email = freshEmail();
    var first = exchanged(claims(subject, email, true));
    assertEquals(TokenExchange.ACCESS_TOKEN, first.getString("issued_token_type"));
    assertNotNull(first.getString("refresh_token"));
    var account = me(first);
    assertEquals(email, account.getString("email"));
    assertTrue(account.getBoolean("emailVerified"));
    assertEquals(200, trusting.refresh(first.getString("refresh_token")).statusCode(), "a session like any other");

    var accessOnly = trusting.exchange(provider.sign(claims(subject, email, true)), TokenExchange.JWT,
        TokenExchange.ACCESS_TOKEN);
    assertEquals(200, accessOnly.statusCode(), accessOnly.bodyAsString());
    assertEquals(null, accessOnly.bodyAsJsonObject().getString("refresh_token"), "asked for an access token alone");
    assertProblem(trusting.exchange(provider.sign(claims(subject, email, true)), TokenExchange.JWT,
        "urn:ietf:params:oauth:token-type:refresh_token"), 400, "invalid_request");

    // the provider's address changed: the identity, not the address, finds the account
    var again = exchanged(claims(subject, freshEmail(), true));
    assertEquals(account.getString("id"), me(again).getString("id"));
  }

  @Test
  void anAccountOfTheVerifiedAddressIsTheOneSignedInAndKeepsItsPassword() {
    var email = freshEmail();
    var registered = register(email);
    PgFixture.execute(trusting.db(), "UPDATE org.users SET email_verified_at = now() WHERE id = '" + registered + "'");
    var session = trusting.requestToken(email, "a-long-password-1").bodyAsJsonObject();

    var account = me(exchanged(claims(UUID.randomUUID().toString(), email.toUpperCase(), true)));

    assertEquals(registered, account.getString("id"));
    assertEquals(200, trusting.requestToken(email, "a-long-password-1").statusCode(), "its owner chose the password");
    assertEquals(200, trusting.get("/v1/users/me", session.getString("access_token")).statusCode());
  }

  /**
   * Anyone can register any address: an account nobody verified is the registrant's guess at someone's address.
   * The provider's user who then signs in gets the account without what the registrant could reach it with.
   */
  @Test
  void linkingAnAccountNobodyVerifiedTakesTheRegistrantsPasswordAndSessions() {
    var email = freshEmail();
    var registered = register(email);
    var squatter = trusting.requestToken(email, "a-long-password-1").bodyAsJsonObject();

    var account = me(exchanged(claims(UUID.randomUUID().toString(), email, true)));

    assertEquals(registered, account.getString("id"));
    assertTrue(account.getBoolean("emailVerified"), "the provider vouched for the address");
    assertProblem(trusting.requestToken(email, "a-long-password-1"), 400, "invalid_grant");
    assertEquals(401, trusting.get("/v1/users/me", squatter.getString("access_token")).statusCode());
    assertProblem(trusting.refresh(squatter.getString("refresh_token")), 400, "invalid_grant");
  }

  /**
   * ... nor the credentials of the service users the registrant made in the organizations the account holds, which
   * the provider's user goes on to hold: until session 38 the registrant, shut out, still signed in as those service
   * users with the secrets they kept.
   */
  @Test
  void linkingAnAccountNobodyVerifiedRevokesTheCredentialsItsRegistrantMade() {
    var email = freshEmail();
    register(email);
    var squatter = trusting.token(email, "a-long-password-1");
    var orgId = trusting.createOrg(squatter, "squatted-" + UUID.randomUUID().toString().substring(0, 8))
        .getString("id");
    var base = "/v1/organizations/" + orgId + "/service-users";
    var serviceUser = trusting.post(base, squatter, new JsonObject().put("name", "kept")
        .put("roles", new JsonArray().add("viewer"))).bodyAsJsonObject().getString("id");
    var secret = trusting.post(base + "/" + serviceUser + "/credentials", squatter, null).bodyAsJsonObject();
    assertEquals(200, trusting.clientCredentials(secret.getString("clientId"), secret.getString("clientSecret"))
        .statusCode());

    exchanged(claims(UUID.randomUUID().toString(), email, true));

    assertProblem(trusting.clientCredentials(secret.getString("clientId"), secret.getString("clientSecret")), 401,
        "invalid_client");
  }

  /**
   * A provider's token from before the account's sessions ended (signed out everywhere here) opens none after the end,
   * nor does one whose user signed in at the provider before it ({@code auth_time}), or one that does not say when it
   * was issued; one issued after the end does. The gateway exchanges the provider's token it was sent again on each
   * 401: until session 36 whoever held a copy of it was never signed out.
   */
  @Test
  void aProviderTokenFromBeforeTheSessionsEndedOpensNoneAfterIt() {
    var claims = claims(UUID.randomUUID().toString(), freshEmail(), true).put("iat", TokenIssuer.nowSecond());
    var copied = provider.sign(claims);
    var session = exchanged(claims);
    assertEquals(204, trusting.send(HttpMethod.DELETE, "/v1/users/me/sessions", session.getString("access_token"),
        null).statusCode());
    var afterTheEnd = TokenIssuer.nowSecond() + 1;

    assertProblem(trusting.exchange(copied, TokenExchange.JWT), 400, "invalid_grant");
    assertProblem(trusting.exchange(copied, TokenExchange.JWT, TokenExchange.ACCESS_TOKEN), 400, "invalid_grant");
    assertProblem(trusting.exchange(provider.sign(claims.copy().put("iat", afterTheEnd)
        .put("auth_time", claims.getLong("iat"))), TokenExchange.JWT), 400, "invalid_grant");
    var undated = claims.copy();
    undated.remove("iat");
    assertProblem(trusting.exchange(provider.signUndated(undated), TokenExchange.JWT), 400, "invalid_grant");
    var signedInAgain = exchanged(claims.copy().put("iat", afterTheEnd));
    assertEquals(200, trusting.get("/v1/users/me", signedInAgain.getString("access_token")).statusCode());
  }

  private String register(String email) {
    var registered = trusting.post("/v1/auth/register", null, new JsonObject().put("email", email)
        .put("password", "a-long-password-1").put("name", "Registered"));
    assertEquals(201, registered.statusCode(), registered.bodyAsString());
    return registered.bodyAsJsonObject().getString("id");
  }

  @Test
  void noProviderSignsInToAPlatformAdmin() {
    var claims = claims(UUID.randomUUID().toString(), OrgServiceHarness.ADMIN_EMAIL, true);
    assertProblem(trusting.exchange(provider.sign(claims), TokenExchange.JWT), 403, "external_link_refused");
    assertProblem(trusting.exchange(provider.sign(claims), TokenExchange.JWT), 403, "external_link_refused");
    assertEquals(200, trusting.requestToken(OrgServiceHarness.ADMIN_EMAIL, OrgServiceHarness.ADMIN_PASSWORD)
        .statusCode(), "the admin signs in with the password as before");
  }

  /** The operator's make-platform-admin keeps the account's links: none of them signs in to it from then on. */
  @Test
  void anIdentityLinkedBeforeItsAccountBecameAPlatformAdminSignsInNoMore() {
    var email = freshEmail();
    var claims = claims(UUID.randomUUID().toString(), email, true);
    exchanged(claims);
    var ops = new OperatorCommands(vertx, Database.open(vertx, trusting.db(), 1, List.of()).await(),
        new SigningSchedule(3600, 10_000, 75_000));
    ops.makePlatformAdmin(email).await();

    assertProblem(trusting.exchange(provider.sign(claims), TokenExchange.JWT), 403, "external_link_refused");
    assertProblem(trusting.exchange(provider.sign(claims), TokenExchange.JWT, TokenExchange.ACCESS_TOKEN), 403,
        "external_link_refused");
  }

  @Test
  void noVerifiedAddressMatchesNoAccount() {
    var email = freshEmail();
    assertProblem(trusting.exchange(provider.sign(claims(UUID.randomUUID().toString(), email, false)), TokenExchange.JWT), 400,
        "external_email_unverified");
    assertProblem(trusting.exchange(provider.sign(claims(UUID.randomUUID().toString(), email, true)
        .put("email_verified", "true")), TokenExchange.JWT), 400, "external_email_unverified");
    assertProblem(trusting.exchange(provider.sign(claims(UUID.randomUUID().toString(), null, true)), TokenExchange.JWT), 400,
        "external_email_unverified");
    var admin = trusting.platformAdminToken();
    assertEquals(0, trusting.get("/v1/users?email=" + email, admin).bodyAsJsonObject().getJsonArray("items").size(),
        "no account was made for it");
  }

  /** A provider's address becomes a mail's To: it follows the rule every address given here does. */
  @Test
  void aProvidersAddressOutsideTheAddressRuleMatchesNoAccount() {
    var local = "ext-" + UUID.randomUUID();
    for (var email : List.of(local + "@example.com\nBcc: someone@evil.example", local + " x@example.com",
        local + "@@example.com", local + "@example\u0007.com")) {
      assertProblem(trusting.exchange(provider.sign(claims(UUID.randomUUID().toString(), email, true)),
          TokenExchange.JWT), 400, "external_email_unverified");
    }
    assertEquals(0, PgFixture.queryLong(trusting.db(),
        "SELECT count(*) FROM org.users WHERE email LIKE '" + local + "%'"), "no account was made for them");
    var padded = exchanged(claims(UUID.randomUUID().toString(), " " + local + "@example.com\n", true));
    assertEquals(local + "@example.com", me(padded).getString("email"), "trimmed, as before");
  }

  @Test
  void onlyValidTokensOfTrustedProvidersAreExchanged() {
    var good = claims(UUID.randomUUID().toString(), freshEmail(), true);
    var stranger = new TokenSigner(vertx, EcJwk.generate("idp-key").privateJwk());
    assertProblem(trusting.exchange(stranger.sign(good), TokenExchange.JWT), 400, "invalid_request");
    assertProblem(trusting.exchange(provider.sign(good.copy().put("aud", "someone-else")), TokenExchange.JWT), 400,
        "invalid_request");
    assertProblem(trusting.exchange(provider.sign(good.copy().put("exp", System.currentTimeMillis() / 1000 - 60)),
        TokenExchange.JWT), 400, "invalid_request");
    var ours = trusting.newUser("ours").token();
    assertProblem(trusting.exchange(ours, TokenExchange.JWT), 400, "invalid_request");
    assertProblem(trusting.exchange(provider.sign(good), "urn:example:unknown"), 400, "invalid_request");
    assertProblem(trusting.exchange(null, TokenExchange.JWT), 400, "invalid_request");
    assertEquals(200, trusting.exchange(provider.sign(good), TokenExchange.JWT).statusCode(), "the same claims, rightly signed");
  }

  /**
   * A provider whose keys cannot be fetched says nothing of its token: the caller retries rather than signs in anew,
   * and the gateway does not keep the answer as a refusal. Until session 34 it was 400 invalid_request.
   */
  @Test
  void aProviderWhoseKeysCannotBeFetchedLeavesTheExchangeToARetry() {
    var keysDown = provider.trustingWhileItsKeysAreDown(trusting.db());
    var good = provider.sign(claims(UUID.randomUUID().toString(), freshEmail(), true));
    assertProblem(keysDown.exchange(good, TokenExchange.JWT), 503, "key_source_unavailable");
    assertProblem(keysDown.exchange(good, TokenExchange.JWT, TokenExchange.ACCESS_TOKEN), 503,
        "key_source_unavailable");
    assertEquals(200, trusting.exchange(good, TokenExchange.JWT).statusCode(), "the token was good all along");
  }

  @Test
  void withoutTrustedProvidersThereIsNothingToExchange() {
    var discovery = org.get("/.well-known/openid-configuration", null).bodyAsJsonObject();
    assertFalse(discovery.getJsonArray("grant_types_supported").contains("urn:ietf:params:oauth:grant-type:token-exchange"));
    assertTrue(trusting.get("/.well-known/openid-configuration", null).bodyAsJsonObject()
        .getJsonArray("grant_types_supported").contains("urn:ietf:params:oauth:grant-type:token-exchange"));
    assertProblem(org.exchange(provider.sign(claims(UUID.randomUUID().toString(), freshEmail(), true)), TokenExchange.JWT), 400,
        "unsupported_grant_type");
  }
}
