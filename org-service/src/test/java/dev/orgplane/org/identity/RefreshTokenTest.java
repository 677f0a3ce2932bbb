package dev.orgplane.org.identity;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.db.PgUrl;
import dev.orgplane.kit.testing.OpenApiRoutes;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.kit.testing.UncommittedTransaction;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RefreshTokenTest {

  private PgUrl db;
  private OrgServiceHarness org;

  @BeforeAll
  void start(Vertx vertx) {
    db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    org = OrgServiceHarness.start(vertx, db);
  }

  /** A new person's sign-in answer: access and refresh token. */
  private JsonObject signIn(String label) {
    var user = org.newUser(label);
    var answer = org.requestToken(user.email(), "password-" + label + "-123");
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    return answer.bodyAsJsonObject();
  }

  @Test
  void aRefreshUsesItsTokenUpAndAnswersTheNextAndAUsedOneWithdrawsItsFamily() {
    var first = signIn("refresher").getString("refresh_token");
    assertTrue(first.startsWith("ort_"), first);

    var refreshed = org.refresh(first);

    assertEquals(200, refreshed.statusCode(), refreshed.bodyAsString());
    assertEquals("no-store", refreshed.getHeader("Cache-Control"));
    var second = refreshed.bodyAsJsonObject().getString("refresh_token");
    assertNotEquals(first, second);
    assertEquals(200, org.get("/v1/users/me", refreshed.bodyAsJsonObject().getString("access_token")).statusCode());

    usedLongAgo(first);
    assertProblem(org.refresh(first), 400, "invalid_grant");
    // a used token came back: the whole family is withdrawn
    assertProblem(org.refresh(second), 400, "invalid_grant");
  }

  /** Two tabs, or a retry whose answer was lost: a repeat just after the use is refused and signs nobody out. */
  @Test
  void aRepeatRightAfterTheUseIsRefusedAndLeavesTheFamilyWorking() {
    var first = signIn("repeater").getString("refresh_token");
    var second = org.refresh(first).bodyAsJsonObject().getString("refresh_token");

    assertProblem(org.refresh(first), 400, "invalid_grant");

    assertEquals(200, org.refresh(second).statusCode(), "the repeat withdrew the family");
  }

  /** Moves {@code token}'s use back past the grace within which a repeat is taken for its own client's. */
  private void usedLongAgo(String token) {
    PgFixture.execute(db, "UPDATE org.refresh_tokens SET used_at = used_at - make_interval(secs => "
        + (RefreshTokens.REPEAT_GRACE_SECONDS + 1) + ") WHERE token_hash = '" + Secrets.hash(token) + "'");
  }

  @Test
  void revokingARefreshTokenSignsThatDeviceOutOnly() {
    var signedIn = signIn("two-devices");
    var email = org.get("/v1/users/me", signedIn.getString("access_token")).bodyAsJsonObject().getString("email");
    var laptop = signedIn.getString("refresh_token");
    var phone = org.requestToken(email, "password-two-devices-123").bodyAsJsonObject().getString("refresh_token");
    var laptopNext = org.refresh(laptop).bodyAsJsonObject().getString("refresh_token");

    assertEquals(200, org.revoke(laptopNext).statusCode());

    assertProblem(org.refresh(laptopNext), 400, "invalid_grant");
    assertEquals(200, org.refresh(phone).statusCode(), "the other device's session goes on");
    assertEquals(200, org.revoke("ort_" + "A".repeat(43)).statusCode(), "an unknown token is no error (RFC 7009)");
    var refused = org.revoke(null);
    assertProblem(refused, 400, "invalid_request");
    assertEquals("invalid_request", refused.bodyAsJsonObject().getString("error"),
        "RFC 7009 2.2.1: a revocation's errors are RFC 6749's, as OAuth clients read them");
    var accessToken = org.newUser("revoker").token();
    assertEquals(200, org.revoke(accessToken).statusCode(), "an access token is none of ours, no error");
    var documented = OpenApiRoutes.load().document().getJsonObject("components").getJsonObject("schemas")
        .getJsonObject("TokenRevocation").getJsonObject("properties").getJsonObject("token");
    assertTrue(documented.getInteger("maxLength", Integer.MAX_VALUE) >= accessToken.length(),
        "the document admits the access token (" + accessToken.length() + " characters) the endpoint takes");
  }

  /**
   * A device signed out (or a copy found out) while its token is being refreshed: the withdrawal waits for the
   * refresh, which holds the owner's row shared while it issues, and withdraws the token it made too. Until session
   * 28 the withdrawal waited on the token's row instead and, reading the family as it was before, missed it.
   */
  @Test
  void aRevocationRacingARefreshWithdrawsTheTokenTheRefreshMade() throws Exception {
    var token = signIn("revoke-race").getString("refresh_token");

    var next = refreshRacing(token, () -> org.revoke(token));

    assertProblem(org.refresh(next), 400, "invalid_grant");
  }

  @Test
  void aUsedTokenPresentedWhileItsSuccessorIsRefreshedWithdrawsTheTokenThatRefreshMade() throws Exception {
    var used = signIn("reuse-race").getString("refresh_token");
    var successor = org.refresh(used).bodyAsJsonObject().getString("refresh_token");
    usedLongAgo(used);

    var next = refreshRacing(successor, () -> org.refresh(used));

    assertProblem(org.refresh(next), 400, "invalid_grant");
  }

  /**
   * Refreshes {@code token} while a rival holds its row (the refresh then waits there, holding its owner's row
   * shared), sends {@code rival} once it waits, lets both go on and answers the refresh's next refresh token.
   */
  private String refreshRacing(String token, Supplier<HttpResponse<Buffer>> rival) throws Exception {
    try (var holder = UncommittedTransaction.begin(db)) {
      holder.run("SELECT FROM org.refresh_tokens WHERE token_hash = ? FOR UPDATE", Secrets.hash(token));
      var refresh = CompletableFuture.supplyAsync(() -> org.refresh(token), task -> new Thread(task).start());
      PgFixture.awaitLockWaits(db, 1);
      var raced = CompletableFuture.supplyAsync(rival, task -> new Thread(task).start());
      PgFixture.awaitLockWaits(db, 2);
      holder.commit();
      var refreshed = refresh.get(10, TimeUnit.SECONDS);
      raced.get(10, TimeUnit.SECONDS);
      assertEquals(200, refreshed.statusCode(), refreshed.bodyAsString());
      return refreshed.bodyAsJsonObject().getString("refresh_token");
    }
  }

  /** The row lock decides: the one that waited finds the token used and signs nobody out. */
  @Test
  void twoRefreshesWithOneTokenAtOnceGetOneAnswerAndTheWinnerStaysSignedIn() {
    var token = signIn("racer").getString("refresh_token");

    var answers = IntStream.range(0, 2).parallel().mapToObj(i -> org.refresh(token)).toList();

    assertEquals(List.of(200, 400), answers.stream().map(HttpResponse::statusCode).sorted().toList());
    var won = answers.stream().filter(answer -> answer.statusCode() == 200).findFirst().orElseThrow();
    assertEquals(200, org.refresh(won.bodyAsJsonObject().getString("refresh_token")).statusCode());
  }

  @Test
  void endingSessionsWithdrawsRefreshTokensAndANewPasswordAnswersANewOne() throws Exception {
    var signedIn = signIn("ender");
    var laptop = signedIn.getString("refresh_token");
    var access = signedIn.getString("access_token");
    var me = org.get("/v1/users/me", access).bodyAsJsonObject();
    var phone = org.requestToken(me.getString("email"), "password-ender-123").bodyAsJsonObject().getString("refresh_token");

    var changed = org.send(HttpMethod.PUT, "/v1/users/me/password", access, new JsonObject()
        .put("currentPassword", "password-ender-123").put("password", "password-ender-456"));

    assertEquals(200, changed.statusCode(), changed.bodyAsString());
    assertProblem(org.refresh(laptop), 400, "invalid_grant");
    var fresh = changed.bodyAsJsonObject().getString("refresh_token");
    var refreshed = org.refresh(fresh).bodyAsJsonObject();
    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/users/me/sessions", refreshed.getString("access_token"), null)
        .statusCode());
    assertProblem(org.refresh(refreshed.getString("refresh_token")), 400, "invalid_grant");
    assertProblem(org.refresh(phone), 400, "invalid_grant");
  }

  @Test
  void badRefreshesAreRefusedAndOnlyPasswordSignInsGetRefreshTokens() {
    var expiring = signIn("late").getString("refresh_token");
    PgFixture.execute(db, "UPDATE org.refresh_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = '"
        + Secrets.hash(expiring) + "'");
    assertProblem(org.refresh(expiring), 400, "invalid_grant");
    assertProblem(org.refresh("ort_" + "A".repeat(43)), 400, "invalid_grant");
    assertProblem(org.refresh(null), 400, "invalid_request");
    assertProblem(org.refresh("x".repeat(300)), 400, "invalid_grant");

    var bot = org.newServiceUser("bot");
    var botAnswer = org.clientCredentials(bot.clientId(), bot.clientSecret()).bodyAsJsonObject();
    assertNull(botAnswer.getString("refresh_token"), "a service user asks again with its secret");
    assertTrue(org.get("/.well-known/openid-configuration", null).bodyAsJsonObject()
        .getJsonArray("grant_types_supported").contains("refresh_token"));
    assertTrue(org.get("/.well-known/openid-configuration", null).bodyAsJsonObject().getString("revocation_endpoint")
        .endsWith("/v1/auth/revoke"));
  }
}
