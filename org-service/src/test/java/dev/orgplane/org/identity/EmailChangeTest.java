package dev.orgplane.org.identity;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMailUtil;
import dev.orgplane.kit.testing.OpenApiRoutes;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.kit.testing.UncommittedTransaction;
import dev.orgplane.org.MailedOrgServiceTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Moving an account to another address, the mail delivered over SMTP to a real in-process server (GreenMail). */
class EmailChangeTest extends MailedOrgServiceTest {

  private HttpResponse<Buffer> change(String token, String email, String password) {
    return org.send(HttpMethod.PUT, "/v1/users/me/email", token, new JsonObject().put("email", email)
        .put("password", password));
  }

  private HttpResponse<Buffer> confirm(String token) {
    return org.post("/v1/auth/email-changes/confirm", null, new JsonObject().put("token", token));
  }

  private static String freshEmail(String label) {
    return label + "-" + UUID.randomUUID() + "@test.local";
  }

  @Test
  void theAccountMovesWhenTheNewAddressConfirmsAndTheOldOneIsTold() throws Exception {
    var user = org.newUser("mover");
    var next = freshEmail("moved");

    assertEquals(202, change(user.token(), next, "password-mover-123").statusCode());

    assertEquals(200, org.requestToken(user.email(), "password-mover-123").statusCode(), "not moved before it confirms");
    assertTrue(mailedTo(user.email(), next), "the old address hears where the account is going");
    var token = tokensMailedTo(next, "opc_", 1).get(0);

    assertEquals(204, confirm(token).statusCode());

    var me = org.get("/v1/users/me", user.token()).bodyAsJsonObject();
    assertEquals(next, me.getString("email"));
    assertTrue(me.getBoolean("emailVerified"), "the token came back from the new address");
    assertEquals(200, org.requestToken(next, "password-mover-123").statusCode());
    assertProblem(org.requestToken(user.email(), "password-mover-123"), 400, "invalid_grant");
    assertProblem(confirm(token), 400, "invalid_email_change_token");
  }

  /** The document's longest new address is the code's: it said 320 characters, where past 254 is refused. */
  @Test
  void theLongestAddressTheDocumentAllowsIsTheLongestTaken() {
    var user = org.newUser("long-address");
    var longest = OpenApiRoutes.load().document().getJsonObject("components").getJsonObject("schemas")
        .getJsonObject("EmailChange").getJsonObject("properties").getJsonObject("email").getInteger("maxLength");
    var local = UUID.randomUUID().toString();
    var domain = "d".repeat(longest - local.length() - "@.io".length()) + ".io";
    assertProblem(change(user.token(), "x" + local + "@" + domain, "password-long-address-123"), 400,
        "validation_failed");
    assertEquals(202, change(user.token(), local + "@" + domain, "password-long-address-123").statusCode());
  }

  @Test
  void tokensMailedToTheOldAddressDieWithTheMove() throws Exception {
    var user = org.newUser("stolen-mailbox");
    var verification = tokensMailedTo(user.email(), "opv_", 1).get(0);
    assertEquals(202, org.post("/v1/auth/password-resets", null, new JsonObject().put("email", user.email())).statusCode());
    var reset = tokensMailedTo(user.email(), "opr_", 1).get(0);
    var next = freshEmail("safe");
    assertEquals(202, change(user.token(), next, "password-stolen-mailbox-123").statusCode());

    assertEquals(204, confirm(tokensMailedTo(next, "opc_", 1).get(0)).statusCode());

    assertProblem(org.post("/v1/auth/password-resets/confirm", null, new JsonObject().put("token", reset)
        .put("password", "taken-over-password-1")), 400, "invalid_reset_token");
    assertProblem(org.post("/v1/auth/email-verifications/confirm", null, new JsonObject().put("token", verification)),
        400, "invalid_verification_token");
  }

  /**
   * A change asked for with a stolen password (or by whoever registered the address first) is what a new password
   * or a sign-out everywhere must end: confirmed later, it would hand the account to the other mailbox.
   */
  @Test
  void aNewPasswordOrASignOutEverywhereEndsAPendingChange() throws Exception {
    var user = org.newUser("robbed");
    var thief = freshEmail("thief");
    assertEquals(202, change(user.token(), thief, "password-robbed-123").statusCode());
    var stolen = tokensMailedTo(thief, "opc_", 1).get(0);
    assertEquals(202, org.post("/v1/auth/password-resets", null, new JsonObject().put("email", user.email())).statusCode());
    assertEquals(204, org.post("/v1/auth/password-resets/confirm", null, new JsonObject()
        .put("token", tokensMailedTo(user.email(), "opr_", 1).get(0)).put("password", "robbed-new-password-1"))
        .statusCode());

    assertProblem(confirm(stolen), 400, "invalid_email_change_token");

    var again = freshEmail("thief-again");
    var signedIn = org.requestToken(user.email(), "robbed-new-password-1").bodyAsJsonObject().getString("access_token");
    assertEquals(202, change(signedIn, again, "robbed-new-password-1").statusCode());
    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/users/me/sessions", signedIn, null).statusCode());
    assertProblem(confirm(tokensMailedTo(again, "opc_", 1).get(0)), 400, "invalid_email_change_token");
    assertEquals(user.email(), org.get("/v1/users/me", org.requestToken(user.email(), "robbed-new-password-1")
        .bodyAsJsonObject().getString("access_token")).bodyAsJsonObject().getString("email"));
  }

  /**
   * An address change and a new password confirmed at once for one account: each voids the other's token, so one
   * is made and the other refused as used. Until session 33 each used up its own token before it locked the account's
   * row, then waited for the other's token to delete it: the two deadlocked and one failed 409 concurrent_update.
   */
  @Test
  void aChangeAndANewPasswordConfirmedAtOnceOneWinsWithoutADeadlock() throws Exception {
    var user = org.newUser("torn");
    var next = freshEmail("torn-next");
    assertEquals(202, change(user.token(), next, "password-torn-123").statusCode());
    var moving = tokensMailedTo(next, "opc_", 1).get(0);
    assertEquals(202, org.post("/v1/auth/password-resets", null, new JsonObject().put("email", user.email())).statusCode());
    var reset = tokensMailedTo(user.email(), "opr_", 1).get(0);
    Executor ownThread = task -> new Thread(task).start();
    try (var signIn = UncommittedTransaction.begin(db)) {
      signIn.run("SELECT FROM org.users WHERE id = ?::uuid FOR SHARE", user.id());
      var chosen = CompletableFuture.supplyAsync(() -> org.post("/v1/auth/password-resets/confirm", null,
          new JsonObject().put("token", reset).put("password", "torn-new-password-1")), ownThread);
      PgFixture.awaitLockWaits(db, 1);
      var moved = CompletableFuture.supplyAsync(() -> confirm(moving), ownThread);
      PgFixture.awaitLockWaits(db, 2);
      signIn.commit();
      var answers = List.of(moved.get(10, TimeUnit.SECONDS), chosen.get(10, TimeUnit.SECONDS));
      assertEquals(List.of(204, 400), answers.stream().map(HttpResponse::statusCode).sorted().toList(),
          answers.stream().map(HttpResponse::bodyAsString).toList().toString());
    }
  }

  /**
   * A change asked for with the password that waits for the account's row while a sign-out everywhere commits is
   * refused: the token it came with has ended, and the change must not outlive the sign-out that voids them. Until
   * session 28 it was made after the wait.
   */
  @Test
  void aChangeThatWaitedWhileTheAccountSignedOutEverywhereIsRefused() throws Exception {
    var user = org.newUser("signed-out");
    try (var signOut = UncommittedTransaction.begin(org.db())) {
      signOut.run("UPDATE org.users SET sessions_ended_at = to_timestamp(floor(extract(epoch FROM now())) + 1) "
          + "WHERE id = ?::uuid", user.id());
      assertProblem(signOut.commitOnceWaitedFor(() -> change(user.token(), freshEmail("intruder"),
          "password-signed-out-123")), 401, "invalid_token");
    }
    assertEquals(0, PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.email_changes WHERE user_id = '"
        + user.id() + "'"));
  }

  /**
   * A change asked for while another one, confirmed meanwhile, moved the account: the notice goes to the address the
   * account has now, not the one read before the password was checked, which the account just left.
   */
  @Test
  void aChangeAskedWhileAnotherMovedTheAccountIsToldAtItsAddressNow() throws Exception {
    var user = org.newUser("moved-meanwhile");
    var movedTo = freshEmail("moved-first");
    var next = freshEmail("moved-next");
    try (var move = UncommittedTransaction.begin(org.db())) {
      move.run("UPDATE org.users SET email = ? WHERE id = ?::uuid", movedTo, user.id());
      assertEquals(202, move.commitOnceWaitedFor(() -> change(user.token(), next, "password-moved-meanwhile-123"))
          .statusCode());
    }
    assertTrue(mailedTo(movedTo, next), "the account's address now hears where it is going");
    for (var message : smtp.getReceivedMessages()) {
      assertFalse(message.getAllRecipients()[0].toString().equalsIgnoreCase(user.email())
          && GreenMailUtil.getBody(message).contains(next), "the address the account left hears nothing of it");
    }
  }

  @Test
  void anAddressTakenMeanwhileIsRefusedAndTheAccountKeepsItsOwn() throws Exception {
    var user = org.newUser("slow");
    var next = freshEmail("contested");
    assertEquals(202, change(user.token(), next, "password-slow-123").statusCode());
    var token = tokensMailedTo(next, "opc_", 1).get(0);
    assertEquals(201, org.post("/v1/auth/register", null, new JsonObject().put("email", next)
        .put("password", "quicker-password-1")).statusCode());

    assertProblem(confirm(token), 409, "email_taken");

    assertEquals(user.email(), org.get("/v1/users/me", user.token()).bodyAsJsonObject().getString("email"));
  }

  @Test
  void guessingThePasswordToMoveAnAccountIsThrottled() throws Throwable {
    ThrottleWait.retried(() -> {
      var user = org.newUser("guarded");
      for (int i = 1; i < SignInThrottle.FREE_FAILURES; i++) {
        assertProblem(change(user.token(), freshEmail("guess"), "not-it-" + i), 403, "wrong_password");
      }
      var wait = ThrottleWait.opening(1);
      assertProblem(change(user.token(), freshEmail("guess"), "not-it-either"), 403, "wrong_password");

      var throttled = wait.within(change(user.token(), freshEmail("throttled"), "password-guarded-123"));

      assertProblem(throttled, 429, "sign_in_throttled");
      assertEquals("1", throttled.getHeader("Retry-After"));
      assertEquals(0, PgFixture.queryLong(db, "SELECT count(*) FROM org.email_changes WHERE user_id = '" + user.id()
          + "'"), "no change was asked for");
    });
  }

  /**
   * The account's own address is refused before its password is checked, whichever password comes with it, and counts
   * no attempt: until session 38 it cost a bcrypt each time, and sent with the right password, which clears the
   * failures, it could be repeated without end, keeping the hashing queue full for every other tenant.
   */
  @Test
  void theAccountsOwnAddressIsRefusedBeforeThePasswordIsChecked() {
    var user = org.newUser("unchanged");
    for (int i = 0; i <= SignInThrottle.FREE_FAILURES; i++) {
      assertProblem(change(user.token(), user.email().toUpperCase(), "not-it-" + i), 409, "email_unchanged");
    }

    assertEquals(200, org.requestToken(user.email(), "password-unchanged-123").statusCode(), "no attempt was counted");
  }

  /**
   * Whether the new address is the account's own is told as accounts are matched, by {@code lower()}: Java's case
   * folding takes a dotless ı for an I, which {@code lower()} keeps apart, so an address another account holds was
   * refused as the account's own rather than as taken.
   */
  @Test
  void theAccountsOwnAddressIsToldAsAccountsAreMatchedPastAscii() {
    var dotless = org.newUser("\u0131vy");
    var rest = dotless.email().substring(3);
    assertEquals(201, org.post("/v1/auth/register", null, new JsonObject().put("email", "ivy" + rest)
        .put("password", "password-ivy-123")).statusCode());
    assertTrue("\u0131vy".equalsIgnoreCase("IVY"), "one address to Java");

    assertProblem(change(dotless.token(), "IVY" + rest, "password-\u0131vy-123"), 409, "email_taken");
    assertProblem(change(dotless.token(), "\u0131vy" + rest.toUpperCase(Locale.ROOT), "not-it"), 409,
        "email_unchanged");
  }

  @Test
  void aConfirmationWithoutItsTokenIsRefused() {
    assertProblem(org.post("/v1/auth/email-changes/confirm", null, new JsonObject()), 400, "validation_failed");
    assertProblem(org.post("/v1/auth/email-changes/confirm", null, new JsonObject().put("token", "opc_" + "A".repeat(43))
        .put("email", "elsewhere@test.local")), 400, "validation_failed");
  }

  @Test
  void badChangesAreRefused() {
    var user = org.newUser("picky");
    var other = org.newUser("other");
    assertProblem(change(user.token(), freshEmail("x"), "not-my-password"), 403, "wrong_password");
    // whose an address is, is told to the account's password only
    assertProblem(change(user.token(), other.email(), "not-my-password"), 403, "wrong_password");
    assertProblem(change(user.token(), other.email().toUpperCase(), "password-picky-123"), 409, "email_taken");
    assertProblem(change(user.token(), user.email(), "password-picky-123"), 409, "email_unchanged");
    assertProblem(change(user.token(), "not-an-address", "password-picky-123"), 400, "validation_failed");
    assertProblem(change(null, freshEmail("x"), "password-picky-123"), 401, "invalid_token");
    assertProblem(change(org.newServiceUser("bot").token(), freshEmail("x"), "anything"), 403, "no_password");
    assertProblem(confirm("opc_" + "A".repeat(43)), 400, "invalid_email_change_token");
    for (int i = 0; i < MailedTokens.MAILS_PER_HOUR; i++) {
      assertEquals(202, change(user.token(), freshEmail("many"), "password-picky-123").statusCode());
    }
    var refused = change(user.token(), freshEmail("many"), "password-picky-123");
    assertProblem(refused, 429, "email_change_mail_limit");
    assertTrue(Long.parseLong(refused.getHeader("Retry-After")) > 3_500);
  }

  /**
   * The hour's changes are counted apart from the pending changes, which a new password deletes: until session 32
   * three changes and a new password, round after round, mailed an address three times a round.
   */
  @Test
  void aNewPasswordDoesNotStartTheHoursChangesOver() {
    var user = org.newUser("restarting");
    var target = freshEmail("target");
    for (int i = 0; i < MailedTokens.MAILS_PER_HOUR; i++) {
      assertEquals(202, change(user.token(), target, "password-restarting-123").statusCode());
    }
    var changed = org.send(HttpMethod.PUT, "/v1/users/me/password", user.token(), new JsonObject()
        .put("currentPassword", "password-restarting-123").put("password", "password-restarting-456"));
    assertEquals(200, changed.statusCode(), changed.bodyAsString());

    assertProblem(change(changed.bodyAsJsonObject().getString("access_token"), freshEmail("next"),
        "password-restarting-456"), 429, "email_change_mail_limit");
  }

  /** An address is mailed at most three changes an hour, however many accounts ask for them, in whatever case. */
  @Test
  void anAddressIsMailedAtMostThreeChangesAnHourWhoeverAsks() {
    var target = freshEmail("coveted");
    for (int i = 0; i < MailedTokens.MAILS_PER_HOUR; i++) {
      assertEquals(202, change(org.newUser("asking").token(), target, "password-asking-123").statusCode());
    }
    var last = org.newUser("asking");

    var refused = change(last.token(), target.toUpperCase(), "password-asking-123");

    assertProblem(refused, 429, "email_change_mail_limit");
    assertTrue(Long.parseLong(refused.getHeader("Retry-After")) > 3_500);
    assertEquals(MailedTokens.MAILS_PER_HOUR, PgFixture.queryLong(db, "SELECT count(*) FROM org.mail_outbox "
        + "WHERE lower(to_address) = '" + target + "'"));
    assertEquals(202, change(last.token(), freshEmail("elsewhere"), "password-asking-123").statusCode(),
        "the account may still move elsewhere");
  }

  /**
   * An address is counted as the accounts match it (PostgreSQL's {@code lower()}), past ASCII too: until session 48 it
   * was counted by Java's lower-casing, which takes a capital dotted I for an i and a combining dot, another address
   * to the accounts, and lower-cases letters the database may not (or the other way round).
   */
  @Test
  void anAddressIsCountedAsTheAccountsMatchItPastAscii() {
    var local = UUID.randomUUID().toString();
    var dotted = "\u0130nci-" + local + "@test.local";
    var combined = "i\u0307nci-" + local + "@test.local";
    var lowered = PgFixture.queryString(db, "SELECT lower('" + dotted + "')");
    assertNotEquals(lowered, PgFixture.queryString(db, "SELECT lower('" + combined + "')"),
        "two addresses to the accounts");

    for (var cased : List.of(dotted, dotted.toUpperCase(Locale.ROOT), lowered)) {
      assertEquals(202, change(org.newUser("past-ascii").token(), cased, "password-past-ascii-123").statusCode(),
          cased);
    }

    assertProblem(change(org.newUser("past-ascii").token(), dotted, "password-past-ascii-123"), 429,
        "email_change_mail_limit");
    assertEquals(202, change(org.newUser("past-ascii").token(), combined, "password-past-ascii-123").statusCode(),
        "another address has its own mails");
  }
}
