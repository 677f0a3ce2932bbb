package dev.orgplane.org.identity;

import static dev.orgplane.org.OrgServiceHarness.ONE_LINE;
import static dev.orgplane.org.OrgServiceHarness.assertInvalid;
import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceTest;
import dev.orgplane.org.OrgServiceVerticle;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;

class IdentityTest extends OrgServiceTest {

  @Test
  void registeredUserGetsSignedTokenWithStandardClaims() {
    var alice = org.newUser("alice");
    var header = new JsonObject(new String(Base64.getUrlDecoder().decode(alice.token().split("\\.")[0])));
    var claims = new JsonObject(new String(Base64.getUrlDecoder().decode(alice.token().split("\\.")[1])));
    assertEquals("ES256", header.getString("alg"));
    var jwks = org.get("/.well-known/jwks.json", null).bodyAsJsonObject().getJsonArray("keys");
    assertEquals(header.getString("kid"), jwks.getJsonObject(jwks.size() - 1).getString("kid"));
    assertFalse(jwks.getJsonObject(0).containsKey("d"), "private key material is never published");
    assertEquals(alice.id(), claims.getString("sub"));
    for (var claim : new String[] {"iss", "aud", "exp", "iat", "jti"}) {
      assertTrue(claims.containsKey(claim), claim);
    }
    var me = org.get("/v1/users/me", alice.token());
    assertEquals(200, me.statusCode());
    assertEquals(java.util.List.of("id", "email", "emailVerified", "name", "platformAdmin", "createdAt"),
        java.util.List.copyOf(me.bodyAsJsonObject().fieldNames()), "never the password hash");
  }

  /** Five failures are free; then each attempt waits, right password or not, and a success starts over. */
  @Test
  void guessingOnePasswordIsSlowedWhateverTheGuessesComeFrom() throws Throwable {
    ThrottleWait.retried(() -> {
      var carol = org.newUser("carol");
      for (int i = 1; i < SignInThrottle.FREE_FAILURES; i++) {
        assertProblem(org.requestToken(carol.email(), "guess-number-" + i), 400, "invalid_grant");
      }
      var first = ThrottleWait.opening(1);
      assertProblem(org.requestToken(carol.email(), "guess-number-5"), 400, "invalid_grant");
      var password = "password-carol-123";
      var throttled = first.within(org.requestToken(carol.email().toUpperCase(), password));
      assertProblem(throttled, 429, "sign_in_throttled");
      assertEquals("1", throttled.getHeader("Retry-After"), "1 s after the fifth failure");
      org.newUser("dave"); // another account signs in as ever

      Thread.sleep(1_100);
      var second = ThrottleWait.opening(2);
      assertProblem(org.requestToken(carol.email(), "guess-number-6"), 400, "invalid_grant");
      var longer = second.within(org.requestToken(carol.email(), password));
      assertProblem(longer, 429, "sign_in_throttled");
      assertEquals("2", longer.getHeader("Retry-After"), "each failure past the free ones doubles the wait");
      Thread.sleep(2_100);
      assertEquals(200, org.requestToken(carol.email(), password).statusCode(), "the right password, in time");
      // a success starts over: the next failure is a free one again
      assertProblem(org.requestToken(carol.email(), "guess-after-success"), 400, "invalid_grant");
    });
  }

  @Test
  void guessesAtAnAddressNobodyHasAreSlowedAlike() {
    var nobody = "nobody-" + java.util.UUID.randomUUID() + "@test.local";
    for (int i = 0; i < SignInThrottle.FREE_FAILURES; i++) {
      assertProblem(org.requestToken(nobody, "guess-number-" + i), 400, "invalid_grant");
    }
    assertProblem(org.requestToken(nobody, "guess-number-5"), 429, "sign_in_throttled");
  }

  /**
   * Parallel guesses are counted one by one: a burst gets no more tries than a guesser who waits out each wait, one
   * a wait. The burst comes as the longest wait runs out, so no further wait can run out while it is served, however
   * slowly: counted from no failures, a first wait of one second would, on a loaded machine.
   */
  @Test
  void aBurstOfGuessesGetsNoMoreTriesThanAPatientGuesser() {
    var erin = org.newUser("erin");
    PgFixture.execute(org.db(), "INSERT INTO org.sign_in_failures (email, failures, last_failure_at) VALUES ('"
        + erin.email().toLowerCase() + "', 20, now() - interval '" + (SignInThrottle.MAX_WAIT_SECONDS + 1)
        + " seconds')");
    var threads = Executors.newFixedThreadPool(20);
    List<Integer> answers;
    try {
      answers = IntStream.range(0, 20).mapToObj(i -> CompletableFuture.supplyAsync(() -> org.requestToken(erin.email(),
          "parallel-guess-" + i).statusCode(), threads)).toList().stream().map(CompletableFuture::join).toList();
    } finally {
      threads.shutdown();
    }
    assertEquals(1, answers.stream().filter(status -> status == 400).count(), answers.toString());
    assertEquals(19, answers.stream().filter(status -> status == 429).count(), answers.toString());
  }

  /**
   * A guesser who waits out each wait keeps the address counting for ever: past 1,028 failures the wait would be 2 to
   * the 1024th seconds, which PostgreSQL cannot compute, and every attempt at the address a 500.
   */
  @Test
  void anAddressGuessedAtForDaysIsStillThrottledAtTheLongestWait() {
    var frank = org.newUser("frank");
    PgFixture.execute(org.db(), "INSERT INTO org.sign_in_failures (email, failures, last_failure_at) VALUES ('"
        + frank.email().toLowerCase() + "', 1028, now() - interval '" + (SignInThrottle.MAX_WAIT_SECONDS + 1)
        + " seconds')");
    assertProblem(org.requestToken(frank.email(), "guess-number-1029"), 400, "invalid_grant");

    var throttled = org.requestToken(frank.email(), "password-frank-123");

    assertProblem(throttled, 429, "sign_in_throttled");
    var wait = Long.parseLong(throttled.getHeader("Retry-After"));
    assertTrue(wait > SignInThrottle.MAX_WAIT_SECONDS - 60 && wait <= SignInThrottle.MAX_WAIT_SECONDS, "" + wait);
  }

  @Test
  void wrongPasswordAndUnknownUserGetTheSameAnswer() {
    var bob = org.newUser("bob");
    var wrong = org.requestToken(bob.email(), "not-the-password");
    var unknown = org.requestToken("nobody@test.local", "whatever-password");
    assertProblem(wrong, 400, "invalid_grant");
    assertProblem(unknown, 400, "invalid_grant");
    assertEquals(wrong.bodyAsJsonObject().getString("detail"), unknown.bodyAsJsonObject().getString("detail"));
  }

  /** RFC 6749 5.2: OAuth clients read a token endpoint's refusal from error and error_description. */
  @Test
  void theTokenEndpointsRefusalsNameTheirOAuthErrorToo() {
    var wrong = org.requestToken("nobody@test.local", "whatever-password").bodyAsJsonObject();
    assertEquals("invalid_grant", wrong.getString("error"));
    assertEquals(wrong.getString("detail"), wrong.getString("error_description"));
    var unsupported = org.send(HttpMethod.POST, "/v1/auth/token", null, null).bodyAsJsonObject();
    assertEquals("unsupported_grant_type", unsupported.getString("error"), unsupported.encode());
    var elsewhere = org.post("/v1/auth/register", null, new JsonObject().put("email", "not-an-address"));
    assertProblem(elsewhere, 400, "validation_failed");
    assertEquals(null, elsewhere.bodyAsJsonObject().getValue("error"), "other endpoints answer problems only");
  }

  @Test
  void emailIsUniqueIgnoringCase() {
    var carol = org.newUser("carol");
    var again = org.post("/v1/auth/register", null, new JsonObject().put("email", carol.email().toUpperCase())
        .put("password", "another-password-1"));
    assertProblem(again, 409, "email_taken");
  }

  @Test
  void registrationRejectsBadInput() {
    assertProblem(org.post("/v1/auth/register", null, new JsonObject().put("email", "not-an-email")
        .put("password", "long-enough-password")), 400, "validation_failed");
    assertProblem(org.post("/v1/auth/register", null, new JsonObject().put("email", "x@test.local")
        .put("password", "short")), 400, "validation_failed");
    assertProblem(org.post("/v1/auth/register", null, new JsonObject().put("email", "y@test.local")
        .put("password", "long-enough-password").put("isAdmin", true)), 400, "validation_failed");
    assertProblem(org.post("/v1/auth/register", null, "{nope"), 400, "malformed_json");
    var tooLong = "a@" + "b".repeat(3000) + ".io";
    assertProblem(org.post("/v1/auth/register", null, new JsonObject().put("email", tooLong)
        .put("password", "long-enough-password")), 400, "validation_failed");
    assertProblem(org.requestToken(tooLong, "long-enough-password"), 400, "invalid_grant");
  }

  /** An address no account can have (PostgreSQL stores no NUL) is a wrong one, refused as OAuth clients read it. */
  @Test
  void aUsernameWithANulCharacterIsAWrongEmail() {
    var refused = org.requestToken("someone\u0000@test.local", "long-enough-password");

    assertProblem(refused, 400, "invalid_grant");
    assertEquals("invalid_grant", refused.bodyAsJsonObject().getString("error"));
  }

  /**
   * An address's length is counted in characters at sign-in as at registration: one of 205 characters, some beyond
   * the Basic Multilingual Plane (265 UTF-16 units), is no longer than the rule allows, and signs in.
   */
  @Test
  void anAddressOfCharactersBeyondTheBasicPlaneSignsIn() {
    var email = "\uD83D\uDE00".repeat(60) + "@" + "a".repeat(140) + ".com";
    assertEquals(201, org.post("/v1/auth/register", null, new JsonObject().put("email", email)
        .put("password", "password-emoji-123")).statusCode());

    var signedIn = org.requestToken(email, "password-emoji-123");

    assertEquals(200, signedIn.statusCode(), signedIn.bodyAsString());
  }

  /** A lone surrogate is no character bcrypt can hash: such a password was a 500. */
  @Test
  void aPasswordHoldingALoneSurrogateIsRefusedByField() {
    for (var password : List.of("long-enough-\\ud800", "\\udc00long-enough")) {
      var refused = org.post("/v1/auth/register", null,
          "{\"email\":\"lone-" + UUID.randomUUID() + "@test.local\",\"password\":\"" + password + "\"}");
      assertProblem(refused, 400, "validation_failed");
      assertEquals(new JsonObject().put("field", "password").put("message", "must not contain unpaired UTF-16 surrogates"),
          refused.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0));
    }
    var paired = org.post("/v1/auth/register", null, "{\"email\":\"paired-" + UUID.randomUUID()
        + "@test.local\",\"password\":\"long-enough-\\ud83d\\ude80\"}");
    assertEquals(201, paired.statusCode(), "a surrogate pair is one character, an emoji: " + paired.bodyAsString());
  }

  /** bcrypt reads a password's first 72 bytes; the API takes 1024 characters, and every one of them counts. */
  @Test
  void passwordsAlikeInTheirFirst72BytesAreStillTwo() {
    var email = "long-" + UUID.randomUUID() + "@test.local";
    var password = "p".repeat(72) + "-the-real-tail";
    assertEquals(201, org.post("/v1/auth/register", null, new JsonObject().put("email", email)
        .put("password", password)).statusCode());
    assertProblem(org.requestToken(email, "p".repeat(72) + "-another-tail"), 400, "invalid_grant");
    assertEquals(200, org.requestToken(email, password).statusCode());
  }

  /** A hash stored before passwords were pre-hashed (bcrypt of the password itself) signs in, and is replaced. */
  @Test
  void anOutdatedHashStillSignsInAndIsHashedAnew() {
    var dave = org.newUser("dave");
    var password = "password-dave-123";
    var outdated = OpenBSDBCrypt.generate("2b", password.toCharArray(), new byte[16], 4);
    PgFixture.execute(org.db(), "UPDATE org.users SET password_hash = '" + outdated + "' WHERE id = '" + dave.id() + "'");

    assertEquals(200, org.requestToken(dave.email(), password).statusCode());
    assertEquals(1, PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.users WHERE id = '" + dave.id()
        + "' AND password_hash LIKE 'hmac-sha256:$2b$%'"), "hashed anew at the sign-in");
    assertEquals(200, org.requestToken(dave.email(), password).statusCode());
    assertProblem(org.requestToken(dave.email(), "password-dave-124"), 400, "invalid_grant");
  }

  @Test
  void unsupportedGrantIsRejected() {
    var response = org.post("/v1/auth/token", null, null);
    assertProblem(response, 400, "unsupported_grant_type");
  }

  @Test
  void aGrantWithoutItsCredentialsIsRefused() {
    var client = WebClient.create(vertx);
    for (var incomplete : List.of(MultiMap.caseInsensitiveMultiMap().add("password", "whatever-password"),
        MultiMap.caseInsensitiveMultiMap().add("username", "someone@test.local"))) {
      var refused = client.post(org.port(), "127.0.0.1", "/v1/auth/token")
          .sendForm(incomplete.add("grant_type", "password")).await();
      assertProblem(refused, 400, "invalid_request");
    }
    var bot = org.newServiceUser("unsent");
    assertProblem(client.post(org.port(), "127.0.0.1", "/v1/auth/token")
        .sendForm(MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")
            .add("client_id", bot.clientId()).add("client_secret", bot.clientSecret())).await(), 401, "invalid_client");
    assertProblem(client.post(org.port(), "127.0.0.1", "/v1/auth/token").bearerTokenAuthentication(bot.token())
        .sendForm(MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")).await(), 401,
        "invalid_client");
  }

  /** RFC 6749 5.2: a client refused with 401 is told how to authenticate, HTTP Basic, as a bearer token's refusal is. */
  @Test
  void aRefusedClientIsToldToAuthenticateWithHttpBasic() {
    var bot = org.newServiceUser("misremembered");
    var wrongSecret = org.clientCredentials(bot.clientId(), "not-the-secret");
    var unsent = WebClient.create(vertx).post(org.port(), "127.0.0.1", "/v1/auth/token")
        .sendForm(MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")).await();

    for (var refused : List.of(wrongSecret, unsent)) {
      assertProblem(refused, 401, "invalid_client");
      assertEquals("Basic realm=\"orgplane\"", refused.getHeader("WWW-Authenticate"));
    }
  }

  @Test
  void registrationSwitchedOffTurnsNewcomersAway() {
    var closed = OrgServiceHarness.start(vertx, PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS),
        new JsonObject().put("ORGPLANE_REGISTRATION_ENABLED", "false"));
    var email = "turned-away-" + UUID.randomUUID() + "@test.local";

    assertProblem(closed.post("/v1/auth/register", null, new JsonObject().put("email", email)
        .put("password", "password-turned-away").put("name", "Newcomer")), 403, "registration_disabled");

    assertProblem(closed.requestToken(email, "password-turned-away"), 400, "invalid_grant");
    assertEquals(200, closed.requestToken(OrgServiceHarness.ADMIN_EMAIL, OrgServiceHarness.ADMIN_PASSWORD).statusCode(),
        "the operator still signs in");
  }

  @Test
  void badAccountWritesAreRefused() {
    var admin = org.platformAdminToken();
    assertProblem(org.post("/v1/users", admin, new JsonObject().put("email", "not-an-email")), 400, "validation_failed");
    assertProblem(org.post("/v1/users", admin, new JsonObject().put("email", "made-" + UUID.randomUUID() + "@test.local")
        .put("platformAdmin", true)), 400, "validation_failed");
    var user = org.newUser("renamer");
    for (var bad : List.of(new JsonObject(), new JsonObject().put("name", "x".repeat(257)),
        new JsonObject().put("name", "Ok").put("email", "elsewhere@test.local"))) {
      assertProblem(org.send(io.vertx.core.http.HttpMethod.PATCH, "/v1/users/me", user.token(), bad), 400,
          "validation_failed");
    }
    assertEquals("renamer", org.get("/v1/users/me", user.token()).bodyAsJsonObject().getString("name"));
  }

  /**
   * A person's name is one line, as an organization's title is: it is shown in member lists and terminals, where a line
   * break or an escape sequence passes for output of the sender's own. Registration, an account an admin makes and a
   * rename took one.
   */
  @Test
  void aPersonsNameIsOneLine() {
    assertInvalid(org.post("/v1/auth/register", null, new JsonObject().put("email", "eve-" + UUID.randomUUID()
        + "@test.local").put("password", "long-enough-password").put("name", "Eve\n\u001b[31mAdmin")),
        "name: " + ONE_LINE);
    assertInvalid(org.post("/v1/users", org.platformAdminToken(), new JsonObject()
        .put("email", "made-" + UUID.randomUUID() + "@test.local").put("name", "a\tb")), "name: " + ONE_LINE);
    var user = org.newUser("one-line");
    org.assertPatchRefused("/v1/users/me", user.token(), new JsonObject().put("name", "Owner\r\nX-Injected: 1"),
        "name: " + ONE_LINE);
    var renamed = org.send(HttpMethod.PATCH, "/v1/users/me", user.token(), new JsonObject().put("name", "Zoë Ünal"));
    assertEquals("Zoë Ünal", renamed.bodyAsJsonObject().getString("name"), renamed.bodyAsString());
  }

  /** A name sent as null is told so, as every PATCH tells a null for a field that takes none (it was "is required"). */
  @Test
  void aRenameSendingTheNameAsNullIsRefusedAndChangesNothing() {
    var user = org.newUser("nameless");
    org.assertPatchRefused("/v1/users/me", user.token(), new JsonObject().putNull("name"), "name: must not be null");
  }

  @Test
  void configuredPlatformAdminCanSignIn() {
    var token = org.platformAdminToken();
    assertTrue(org.get("/v1/users/me", token).bodyAsJsonObject().getBoolean("platformAdmin"));
  }

  @Test
  void requestsWithoutValidTokenAre401WithTheChallenge() {
    var missing = org.get("/v1/users/me", null);
    assertProblem(missing, 401, "invalid_token");
    assertEquals("Bearer", missing.getHeader("WWW-Authenticate"), "RFC 6750: no token, no error code");
    var refused = org.get("/v1/users/me", "not.a.token");
    assertProblem(refused, 401, "invalid_token");
    assertEquals("Bearer error=\"invalid_token\"", refused.getHeader("WWW-Authenticate"));
  }

  @Test
  void openIdConfigurationNamesIssuerAndKeys() {
    var config = org.get("/.well-known/openid-configuration", null).bodyAsJsonObject();
    assertTrue(config.getString("jwks_uri").endsWith("/.well-known/jwks.json"));
    assertTrue(config.getString("token_endpoint").endsWith("/v1/auth/token"));
  }

  @Test
  void adminsCreateAndFindAccountsOthersCannot() {
    var admin = org.platformAdminToken();
    var email = "invited-" + java.util.UUID.randomUUID() + "@test.local";
    var created = org.post("/v1/users", admin, new JsonObject().put("email", email).put("name", "Invited"));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    var found = org.get("/v1/users?email=" + email.toUpperCase(), admin).bodyAsJsonObject().getJsonArray("items");
    assertEquals(created.bodyAsJsonObject().getString("id"), found.getJsonObject(0).getString("id"));
    assertProblem(org.requestToken(email, "any-password-at-all"), 400, "invalid_grant");
    assertProblem(org.post("/v1/users", admin, new JsonObject().put("email", email)), 409, "email_taken");
    var user = org.newUser("plain");
    assertProblem(org.post("/v1/users", user.token(), new JsonObject().put("email", "x@test.local")), 403, "forbidden");
    assertProblem(org.get("/v1/users?email=" + email, user.token()), 403, "forbidden");
    assertProblem(org.get("/v1/users", admin), 400, "email_required");
    for (var notAnAddress : List.of("", "%20", "nobody", "a%40b.c%00")) {
      assertProblem(org.get("/v1/users?email=" + notAnAddress, admin), 400, "invalid_filter");
    }
  }
}
