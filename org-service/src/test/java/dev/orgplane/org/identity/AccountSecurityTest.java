package dev.orgplane.org.identity;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.auth.RevokedToken;
import dev.orgplane.kit.auth.TokenRevocations;
import dev.orgplane.kit.testing.Eventually;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.kit.testing.UncommittedTransaction;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceTest;
import dev.orgplane.org.OrgServiceVerticle;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccountSecurityTest extends OrgServiceTest {

  private HttpResponse<Buffer> changePassword(String token, String current, String next) {
    return org.send(HttpMethod.PUT, "/v1/users/me/password", token,
        new JsonObject().put("currentPassword", current).put("password", next));
  }

  private HttpResponse<Buffer> signOutEverywhere(String token) {
    return org.send(HttpMethod.DELETE, "/v1/users/me/sessions", token, null);
  }

  /** What a reset by mail commits ({@link PasswordChange#apply}): another password hash, the sessions ended. */
  static final String RESET_ELSEWHERE = "UPDATE org.users SET password_hash = ?, "
      + "sessions_ended_at = to_timestamp(floor(extract(epoch FROM now())) + 1) WHERE id = ?::uuid";

  /** The hash of the password a reset elsewhere sets ({@link #RESET_ELSEWHERE}), "owners-new-password-1". */
  static String resetHash(Vertx vertx) {
    return PasswordHasher.started(vertx, 0, OrgServiceHarness.PASSWORD_HASH_COST).await()
        .hash("owners-new-password-1").await();
  }

  /** Tokens count whole seconds: one in hand must be a second older than an end of sessions to be refused. */
  private static void nextSecond() throws InterruptedException {
    Thread.sleep(1_100);
  }

  @Test
  void aNewPasswordEndsEverySessionAndAnswersAFreshToken() throws Exception {
    var user = org.newUser("changer");
    var otherDevice = org.token(user.email(), "password-changer-123");
    nextSecond();

    var changed = changePassword(user.token(), "password-changer-123", "a-better-password-456");

    assertEquals(200, changed.statusCode(), changed.bodyAsString());
    assertEquals("no-store", changed.getHeader("Cache-Control"));
    var fresh = changed.bodyAsJsonObject().getString("access_token");
    assertEquals(200, org.get("/v1/users/me", fresh).statusCode(), "the answer's token works at once");
    var ended = org.get("/v1/users/me", user.token());
    assertProblem(ended, 401, "invalid_token");
    assertEquals("true", ended.getHeader(RevokedToken.HEADER), "marked: the gateway refuses it at its door now");
    assertProblem(org.get("/v1/users/me", otherDevice), 401, "invalid_token");
    assertProblem(org.requestToken(user.email(), "password-changer-123"), 400, "invalid_grant");
    assertEquals(200, org.requestToken(user.email(), "a-better-password-456").statusCode());
  }

  @Test
  void aWrongCurrentPasswordIsRefusedAndCountedAsAFailedSignIn() throws Throwable {
    ThrottleWait.retried(() -> {
      var user = org.newUser("guessed");
      for (int i = 1; i < SignInThrottle.FREE_FAILURES; i++) {
        assertProblem(changePassword(user.token(), "not-it-" + i, "whatever-password-123"), 403, "wrong_password");
      }
      var wait = ThrottleWait.opening(1);
      assertProblem(changePassword(user.token(), "not-it-either", "whatever-password-123"), 403, "wrong_password");

      var throttled = wait.within(changePassword(user.token(), "password-guessed-123", "whatever-password-123"));

      assertProblem(throttled, 429, "sign_in_throttled");
      assertEquals("1", throttled.getHeader("Retry-After"));
      assertProblem(wait.within(org.requestToken(user.email(), "password-guessed-123")), 429, "sign_in_throttled");
      assertEquals(200, org.get("/v1/users/me", user.token()).statusCode(), "a refused change ends no session");
    });
  }

  /**
   * A change with the current password that waits for the account's row while a reset by mail commits is refused:
   * what it was given is no longer the account's password. Until session 28 it went on after the wait, and the
   * password chosen with the old one replaced the one the reset set.
   */
  @Test
  void aChangeThatWaitedWhileAResetCommittedIsRefused() throws Exception {
    var user = org.newUser("reset-race");
    try (var reset = UncommittedTransaction.begin(org.db())) {
      reset.run(RESET_ELSEWHERE, resetHash(vertx), user.id());
      assertProblem(reset.commitOnceWaitedFor(() -> changePassword(user.token(), "password-reset-race-123",
          "intruders-password-1")), 403, "wrong_password");
    }
    assertProblem(org.requestToken(user.email(), "intruders-password-1"), 400, "invalid_grant");
    assertEquals(200, org.requestToken(user.email(), "owners-new-password-1").statusCode());
  }

  /**
   * A sign-in with the old password that waits for the account's row while a reset commits is refused, and stays
   * counted as the failed attempt it is. Until session 30 the address's failures were cleared as soon as the password
   * matched the hash read before the wait, so a refused sign-in reset the throttle.
   */
  @Test
  void aSignInRefusedForAPasswordChangedMeanwhileLeavesTheFailuresCounted() throws Exception {
    var user = org.newUser("sign-in-race");
    for (int i = 0; i < 2; i++) {
      assertProblem(org.requestToken(user.email(), "not-it-" + i), 400, "invalid_grant");
    }
    try (var reset = UncommittedTransaction.begin(org.db())) {
      reset.run(RESET_ELSEWHERE, resetHash(vertx), user.id());
      assertProblem(reset.commitOnceWaitedFor(() -> org.requestToken(user.email(), "password-sign-in-race-123")),
          400, "invalid_grant");
    }
    assertEquals(3, PgFixture.queryLong(org.db(), "SELECT coalesce(sum(failures), 0) FROM org.sign_in_failures "
        + "WHERE email = lower('" + user.email() + "')"), "the two wrong passwords and the refused sign-in");
  }

  @Test
  void badChangesAreRefused() {
    var user = org.newUser("careless");
    assertProblem(changePassword(user.token(), "password-careless-123", "short"), 400, "validation_failed");
    assertProblem(org.send(HttpMethod.PUT, "/v1/users/me/password", user.token(),
        new JsonObject().put("password", "long-enough-password")), 400, "validation_failed");
    assertProblem(org.send(HttpMethod.PUT, "/v1/users/me/password", user.token(),
        new JsonObject().put("currentPassword", "password-careless-123").put("password", "long-enough-password")
            .put("confirm", "long-enough-password")), 400, "validation_failed");
    assertProblem(changePassword(null, "password-careless-123", "long-enough-password"), 401, "invalid_token");
    assertEquals(200, org.requestToken(user.email(), "password-careless-123").statusCode(), "the password is unchanged");
  }

  @Test
  void aServiceUserHasNoPasswordToChangeButCanEndItsTokens() throws Exception {
    var service = org.newServiceUser("bot");
    var bot = service.token();
    var orgId = service.orgId();
    assertProblem(changePassword(bot, "anything-at-all", "whatever-password-123"), 403, "no_password");
    nextSecond();

    assertEquals(204, signOutEverywhere(bot).statusCode());

    assertProblem(org.get("/v1/organizations/" + orgId, bot), 401, "invalid_token");
    var again = org.clientCredentials(service.clientId(), service.clientSecret()).bodyAsJsonObject()
        .getString("access_token");
    assertEquals(200, org.get("/v1/organizations/" + orgId, again).statusCode(), "the credential itself still works");
  }

  @Test
  void signingOutEverywhereEndsTheTokensOfThisInstanceAtOnceAndOfOthersOnReload() throws Exception {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var here = OrgServiceHarness.start(vertx, db);
    var other = OrgServiceHarness.start(vertx, db, new JsonObject().put("ORGPLANE_REVOCATION_RELOAD_MILLIS", "200"));
    var user = here.newUser("leaver");
    var bystander = here.newUser("bystander");
    nextSecond();

    assertEquals(204, signOutEverywhere(here, user.token()).statusCode());

    assertProblem(here.get("/v1/users/me", user.token()), 401, "invalid_token");
    Eventually.holds(() -> other.get("/v1/users/me", user.token()).statusCode() == 401,
        "the other instance still takes the token after its reloads (every 200 ms) for 10 s");
    assertEquals(200, other.get("/v1/users/me", bystander.token()).statusCode(), "other people's tokens are untouched");
    assertEquals(200, other.get("/v1/users/me", here.token(user.email(), "password-leaver-123")).statusCode(),
        "signing in again works");
  }

  /**
   * A token minted outside a session (here a service user's) on another instance within the second an end of
   * sessions was made stays good once that instance has reloaded its list: it is stamped after the end as the
   * account's row has it, not with that instance's own second, before the end it had not heard of yet.
   */
  @Test
  void aTokenMintedOnAnotherInstanceWithinTheSecondOfAnEndIsGoodAfterThatInstanceReloads() throws Exception {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var here = OrgServiceHarness.start(vertx, db);
    // another process: instances sharing one Vert.x hear of each other's ends at once, on its event bus
    var elsewhere = Vertx.vertx();
    try {
      mintWithinTheSecondOfAnEnd(here, OrgServiceHarness.start(elsewhere, db,
          new JsonObject().put("ORGPLANE_REVOCATION_RELOAD_MILLIS", "200")));
    } finally {
      elsewhere.close().await();
    }
  }

  private static void mintWithinTheSecondOfAnEnd(OrgServiceHarness here, OrgServiceHarness other)
      throws InterruptedException {
    var bot = here.newServiceUser("bot");
    var witness = here.newUser("witness");
    String minted = null;
    // the end and the minting must fall in one second: started just after a second began, they do at once
    for (int attempt = 0; attempt < 5 && minted == null; attempt++) {
      Thread.sleep(1_000 - System.currentTimeMillis() % 1_000 + 20);
      long second = System.currentTimeMillis() / 1_000;
      var ending = here.clientCredentials(bot.clientId(), bot.clientSecret()).bodyAsJsonObject()
          .getString("access_token");
      assertEquals(204, signOutEverywhere(here, ending).statusCode());
      var token = other.clientCredentials(bot.clientId(), bot.clientSecret()).bodyAsJsonObject()
          .getString("access_token");
      if (System.currentTimeMillis() / 1_000 == second) {
        minted = token;
      }
    }
    assertTrue(minted != null, "no attempt ended and minted within one second");
    awaitReload(here, other, witness);

    assertEquals(200, other.get("/v1/organizations/" + bot.orgId(), minted).statusCode(), "after other's reloads");
    assertEquals(200, here.get("/v1/organizations/" + bot.orgId(), minted).statusCode());
  }

  /**
   * Waits for {@code other} to reload its list after this moment: it refuses the token of {@code witness}, whose
   * sessions are ended by the test's own statement, which no instance tells the others of. A sleep of a few reload
   * periods was outlasted by a busy machine's reloads, and a token a reload would refuse was still taken.
   */
  private static void awaitReload(OrgServiceHarness here, OrgServiceHarness other, OrgServiceHarness.Account witness)
      throws InterruptedException {
    PgFixture.execute(here.db(), "UPDATE org.users SET sessions_ended_at = "
        + "to_timestamp(floor(extract(epoch FROM now())) + 1) WHERE id = '" + witness.id() + "'");
    Eventually.holds(() -> other.get("/v1/users/me", witness.token()).statusCode() == 401,
        "the other instance never reloaded its list");
  }

  /**
   * An end of sessions takes the next second without waiting for it: twelve people signing out everywhere at once
   * through a pool of four connections used to hold each connection until the next second began, three seconds in
   * all, while every other request queued behind them. A sign-out that waits is never answered before the second its
   * end falls on; one that does not is, when the machine answers it within the second it began in, which one of a few
   * tries begun as a second begins does however loaded the machine is.
   */
  @Test
  void endsOfSessionsHoldNoConnectionWaitingForTheNextSecond() throws Exception {
    var user = org.newUser("crowd");
    var answeredBeforeTheEnd = false;
    String ended = null;
    for (int attempt = 0; attempt < 10 && !answeredBeforeTheEnd; attempt++) {
      ended = org.token(user.email(), "password-crowd-123");
      Thread.sleep(1_000 - System.currentTimeMillis() % 1_000);
      assertEquals(204, signOutEverywhere(ended).statusCode());
      answeredBeforeTheEnd = System.currentTimeMillis() < sessionsEndedAt(user) * 1_000;
    }

    assertTrue(answeredBeforeTheEnd, "every sign-out was answered once the second its end falls on had begun");
    assertEquals(200, org.get("/v1/users/me", org.token(user.email(), "password-crowd-123")).statusCode(),
        "a sign-in right after the end is good");
    assertProblem(org.get("/v1/users/me", ended), 401, "invalid_token");
  }

  /**
   * An end of sessions never moves one made later back (by an instance whose clock runs ahead, say): the tokens that
   * end refused would be good again. Until session 36 a sign-out everywhere or a new password set its own second.
   */
  @Test
  void anEndOfSessionsNeverMovesALaterOneBack() {
    var user = org.newUser("skewed");
    PgFixture.execute(org.db(), "UPDATE org.users SET sessions_ended_at = "
        + "to_timestamp(floor(extract(epoch FROM now())) + 10) WHERE id = '" + user.id() + "'");
    var later = sessionsEndedAt(user);

    assertEquals(204, signOutEverywhere(org.token(user.email(), "password-skewed-123")).statusCode());
    assertEquals(later, sessionsEndedAt(user), "signing out everywhere");
    var changed = changePassword(org.token(user.email(), "password-skewed-123"), "password-skewed-123",
        "another-password-456");
    assertEquals(200, changed.statusCode(), changed.bodyAsString());
    assertEquals(later, sessionsEndedAt(user), "a new password");
    assertEquals(200, org.get("/v1/users/me", changed.bodyAsJsonObject().getString("access_token")).statusCode(),
        "the new password's session is stamped after the end that stands");
  }

  private long sessionsEndedAt(OrgServiceHarness.Account user) {
    return PgFixture.queryLong(org.db(), "SELECT floor(extract(epoch FROM sessions_ended_at))::bigint FROM org.users "
        + "WHERE id = '" + user.id() + "'");
  }

  private static HttpResponse<Buffer> signOutEverywhere(OrgServiceHarness service, String token) {
    return service.send(HttpMethod.DELETE, "/v1/users/me/sessions", token, null);
  }

  @Test
  void theRevocationListIsForPlatformAdminsAndTheEngine() throws Exception {
    var user = org.newUser("listed");
    nextSecond();
    assertEquals(204, signOutEverywhere(user.token()).statusCode());
    var bystander = org.newUser("bystander");

    assertProblem(org.get("/v1/token-revocations", bystander.token()), 403, "forbidden");
    assertProblem(org.get("/v1/token-revocations", null), 401, "invalid_token");
    var listed = org.get("/v1/token-revocations", org.engineToken());
    assertEquals(200, listed.statusCode(), listed.bodyAsString());
    var snapshot = TokenRevocations.Snapshot.fromJson(listed.bodyAsJsonObject());
    var endedBefore = snapshot.sessionsEnded().get(user.id());
    assertTrue(endedBefore != null && endedBefore > 0, listed.bodyAsString());
    assertNull(snapshot.sessionsEnded().get(bystander.id()));
    var admin = org.platformAdminToken();
    assertEquals(200, org.get("/v1/token-revocations", admin).statusCode());
  }

  @Test
  void aPollerHearsOnlyThatAnUnchangedListIsUnchanged() throws Exception {
    var engine = org.engineToken();
    var etag = org.get("/v1/token-revocations", engine).getHeader("ETag");
    var unchanged = org.send(HttpMethod.GET, "/v1/token-revocations", engine, null,
        MultiMap.caseInsensitiveMultiMap().add("If-None-Match", etag));
    assertEquals(304, unchanged.statusCode());
    assertEquals(null, unchanged.body());
    var user = org.newUser("poller-news");
    nextSecond();

    assertEquals(204, signOutEverywhere(user.token()).statusCode());

    var changed = org.send(HttpMethod.GET, "/v1/token-revocations", engine, null,
        MultiMap.caseInsensitiveMultiMap().add("If-None-Match", etag));
    assertEquals(200, changed.statusCode());
    assertTrue(!etag.equals(changed.getHeader("ETag")));
    assertTrue(TokenRevocations.Snapshot.fromJson(changed.bodyAsJsonObject()).sessionsEnded().containsKey(user.id()));
  }

  /** As every single-object GET compares it (RFC 9110, 13.1.2): weakly, a list of tags, or {@code *}. */
  @Test
  void aPollerThatSendsAWeakTagAListOrAnyTagHearsTheListIsUnchanged() {
    var engine = org.engineToken();
    var etag = org.get("/v1/token-revocations", engine).getHeader("ETag");
    for (var ifNoneMatch : List.of("W/" + etag, "\"other\", " + etag, "*")) {
      var unchanged = org.send(HttpMethod.GET, "/v1/token-revocations", engine, null,
          MultiMap.caseInsensitiveMultiMap().add("If-None-Match", ifNoneMatch));
      assertEquals(304, unchanged.statusCode(), ifNoneMatch);
    }
  }
}
