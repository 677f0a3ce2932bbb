package dev.orgplane.org.identity;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.kit.testing.UncommittedTransaction;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceTest;
import dev.orgplane.org.OrgServiceVerticle;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A sign-in with the old password and a refresh, both racing a password change: whichever commits first, no
 * session made by them outlives the change, neither its refresh token nor its access token (until session 18 the
 * access token of one that went first outlived it: the change's second was taken before it waited for them). The user's row is held locked while all three reach it, so they meet
 * there, in whatever order the database lets them go on.
 */
class SessionRaceTest extends OrgServiceTest {

  @Test
  void aSignInOrRefreshRacingAPasswordChangeKeepsNoSession() throws Exception {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var own = OrgServiceHarness.start(vertx, db);
    var alice = own.newUser("alice");
    var oldPassword = "password-alice-123";
    var refreshToken = own.requestToken(alice.email(), oldPassword).bodyAsJsonObject().getString("refresh_token");
    var lock = Database.open(vertx, db, 1, List.of()).await().getConnection().await();
    lock.query("BEGIN").execute().await();
    lock.query("SELECT 1 FROM org.users WHERE id = '" + alice.id() + "' FOR UPDATE").execute().await();

    var client = WebClient.create(vertx);
    var refresh = token(client, own, MultiMap.caseInsensitiveMultiMap().add("grant_type", "refresh_token")
        .add("refresh_token", refreshToken));
    var signIn = token(client, own, MultiMap.caseInsensitiveMultiMap().add("grant_type", "password")
        .add("username", alice.email()).add("password", oldPassword));
    var change = client.put(own.port(), "127.0.0.1", "/v1/users/me/password").bearerTokenAuthentication(alice.token())
        .sendJsonObject(new JsonObject().put("currentPassword", oldPassword).put("password", "a-new-password-456"));
    // all three at the user's row before it is let go: after a fixed 1.5 s, a busy machine's slower one came later
    PgFixture.awaitLockWaits(db, 3);
    lock.query("COMMIT").execute().await();
    Future.join(refresh, signIn, change).otherwiseEmpty().await();

    assertEquals(200, change.result().statusCode(), change.result().bodyAsString());
    for (var raced : List.of(refresh, signIn)) {
      var answer = raced.result();
      if (answer.statusCode() == 200) {
        assertProblem(own.refresh(answer.bodyAsJsonObject().getString("refresh_token")), 400, "invalid_grant");
        assertProblem(own.get("/v1/users/me", answer.bodyAsJsonObject().getString("access_token")), 401,
            "invalid_token");
      } else {
        assertEquals(400, answer.statusCode(), answer.bodyAsString());
      }
    }
    assertEquals(200, own.get("/v1/users/me", change.result().bodyAsJsonObject().getString("access_token"))
        .statusCode(), "the session the change itself made goes on");
    assertEquals(200, own.refresh(change.result().bodyAsJsonObject().getString("refresh_token")).statusCode());
  }

  /**
   * A sign-in whose session opened before a sign-out everywhere gets an access token stamped before the end, however
   * late its answer: until session 36 the stamp was taken once the session had committed, from the end this process
   * had heard of meanwhile, and the token outlived the sign-out by its lifetime.
   */
  @Test
  void aSignInWhoseSessionOpenedBeforeASignOutEverywhereKeepsNothingPastIt() throws Exception {
    var alice = org.newUser("late-answer");
    // a failed attempt leaves the address a row, which the sign-in deletes once its session is open
    assertProblem(org.requestToken(alice.email(), "not-the-password"), 400, "invalid_grant");
    try (var holder = UncommittedTransaction.begin(org.db())) {
      // held by its key alone: the sign-in counts its attempt on the row, and waits only to delete it
      holder.run("SELECT FROM org.sign_in_failures WHERE email = lower(?) FOR KEY SHARE", alice.email());
      var signIn = CompletableFuture.supplyAsync(() -> org.requestToken(alice.email(), "password-late-answer-123"),
          task -> new Thread(task).start());
      PgFixture.awaitLockWaits(org.db(), 1);
      assertEquals(2, PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.refresh_tokens WHERE user_id = '"
          + alice.id() + "'"), "the sign-in's session is open, its answer waits");
      assertEquals(204, org.send(HttpMethod.DELETE, "/v1/users/me/sessions", alice.token(), null).statusCode());
      holder.commit();
      var answer = signIn.get(10, TimeUnit.SECONDS);

      assertEquals(200, answer.statusCode(), answer.bodyAsString());
      assertProblem(org.get("/v1/users/me", answer.bodyAsJsonObject().getString("access_token")), 401,
          "invalid_token");
      assertProblem(org.refresh(answer.bodyAsJsonObject().getString("refresh_token")), 400, "invalid_grant");
    }
  }

  /**
   * A right password on an outdated hash that another sign-in hashed anew meanwhile (a second device, an instance of
   * another cost): until session 38 the sign-in, finding its own replacement beaten, held on to the old hash and was
   * refused 400 as a wrong password, counted against the address. The rival here writes what that sign-in would.
   */
  @Test
  void aSignInWhoseOutdatedHashAnotherSignInReplacedMeanwhileSignsIn() throws Exception {
    var bob = org.newUser("rehash-race");
    var password = "password-rehash-race-123";
    outdate(bob, password);
    var anew = PasswordHasher.started(vertx, 0, OrgServiceHarness.PASSWORD_HASH_COST).await().hash(password).await();
    try (var rival = UncommittedTransaction.begin(org.db())) {
      rival.run("UPDATE org.users SET password_hash = ? WHERE id = ?::uuid", anew, bob.id());
      var answer = rival.commitOnceWaitedFor(() -> org.requestToken(bob.email(), password));

      assertEquals(200, answer.statusCode(), answer.bodyAsString());
    }
    assertEquals(anew, storedHash(bob), "the replacement that went first is kept");
  }

  /** ... while a new password chosen as the sign-in hashed the old one anew still refuses the old password. */
  @Test
  void aSignInWhoseOutdatedHashANewPasswordReplacedMeanwhileIsRefused() throws Exception {
    var carol = org.newUser("rehash-change");
    var password = "password-rehash-change-123";
    outdate(carol, password);
    var chosen = PasswordHasher.started(vertx, 0, OrgServiceHarness.PASSWORD_HASH_COST).await()
        .hash("a-new-password-456").await();
    try (var rival = UncommittedTransaction.begin(org.db())) {
      rival.run("UPDATE org.users SET password_hash = ? WHERE id = ?::uuid", chosen, carol.id());
      var answer = rival.commitOnceWaitedFor(() -> org.requestToken(carol.email(), password));

      assertProblem(answer, 400, "invalid_grant");
    }
    assertEquals(chosen, storedHash(carol));
  }

  /** Stores {@code user}'s {@code password} hashed at a cost above the setting's: the next sign-in hashes it anew. */
  private void outdate(OrgServiceHarness.Account user, String password) {
    var older = PasswordHasher.started(vertx, 0, OrgServiceHarness.PASSWORD_HASH_COST + 1).await().hash(password)
        .await();
    PgFixture.execute(org.db(), "UPDATE org.users SET password_hash = '" + older + "' WHERE id = '" + user.id() + "'");
  }

  private String storedHash(OrgServiceHarness.Account user) {
    return PgFixture.queryString(org.db(), "SELECT password_hash FROM org.users WHERE id = '" + user.id() + "'");
  }

  private static Future<HttpResponse<Buffer>> token(WebClient client, OrgServiceHarness own, MultiMap form) {
    return client.post(own.port(), "127.0.0.1", "/v1/auth/token").sendForm(form);
  }
}
