package dev.orgplane.org.identity;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.http.RequestIds;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.MailedOrgServiceTest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Passwords chosen by mail, the mail delivered over SMTP to a real in-process server (GreenMail). */
class PasswordResetTest extends MailedOrgServiceTest {

  private int request(String email) {
    return org.post("/v1/auth/password-resets", null, new JsonObject().put("email", email)).statusCode();
  }

  private List<String> tokensMailedTo(String email, int count) throws Exception {
    return tokensMailedTo(email, "opr_", count);
  }

  private HttpResponse<Buffer> confirm(String token, String password) {
    return org.post("/v1/auth/password-resets/confirm", null, new JsonObject().put("token", token).put("password", password));
  }

  @Test
  void anAccountAnAdminMadeGetsItsFirstPasswordByMail() throws Exception {
    var admin = org.platformAdminToken();
    var email = "made-" + UUID.randomUUID() + "@test.local";
    assertEquals(201, org.post("/v1/users", admin, new JsonObject().put("email", email).put("name", "Made")).statusCode());
    assertEquals(202, request(email.toUpperCase()));
    var token = tokensMailedTo(email, 1).get(0);
    assertEquals(204, confirm(token, "first-password-123").statusCode());
    var signedIn = org.token(email, "first-password-123");
    assertTrue(org.get("/v1/users/me", signedIn).bodyAsJsonObject().getBoolean("emailVerified"),
        "the mail reached the address's owner: verified");
    assertProblem(confirm(token, "second-password-123"), 400, "invalid_reset_token");
  }

  @Test
  void aForgottenPasswordIsReplacedAndGuessesAtItForgotten() throws Exception {
    var user = org.newUser("forgetful");
    Thread.sleep(1_100); // tokens count whole seconds: the one in hand must be a second older than the change
    for (int i = 0; i < SignInThrottle.FREE_FAILURES; i++) {
      org.requestToken(user.email(), "not-it-" + i);
    }
    assertEquals(202, request(user.email()));
    assertProblem(confirm(tokensMailedTo(user.email(), 1).get(0), "too-short"), 400, "validation_failed");
    assertEquals(204, confirm(tokensMailedTo(user.email(), 1).get(0), "remembered-password-123").statusCode());
    assertProblem(org.requestToken(user.email(), "password-forgetful-123"), 400, "invalid_grant");
    var fresh = org.requestToken(user.email(), "remembered-password-123");
    assertEquals(200, fresh.statusCode(), "the failures before the reset no longer hold the account back");
    assertProblem(org.get("/v1/users/me", user.token()), 401, "invalid_token");
    assertEquals(200, org.get("/v1/users/me", fresh.bodyAsJsonObject().getString("access_token")).statusCode(),
        "a token issued after the change works");
  }

  /**
   * A sign-out everywhere takes away the reset tokens mailed before it, as a new password does: until session 38 one
   * in the hands of whoever read the mailbox still chose the password afterwards.
   */
  @Test
  void aSignOutEverywhereVoidsTheResetTokensMailedBeforeIt() throws Exception {
    var user = org.newUser("signed-out");
    assertEquals(202, request(user.email()));
    var mailed = tokensMailedTo(user.email(), 1).get(0);

    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/users/me/sessions", user.token(), null).statusCode());

    assertProblem(confirm(mailed, "taken-over-password-123"), 400, "invalid_reset_token");
    assertEquals(200, org.requestToken(user.email(), "password-signed-out-123").statusCode());
  }

  /** Whole, as the asker sees it, an unknown address's answer tells nothing a known one's does not. */
  @Test
  void unknownAddressesAreAnsweredAlikeAndNeverMailed() throws Exception {
    var known = org.newUser("known").email();
    var nobody = "nobody-" + UUID.randomUUID() + "@test.local";
    var knownAnswer = org.post("/v1/auth/password-resets", null, new JsonObject().put("email", known));
    var unknownAnswer = org.post("/v1/auth/password-resets", null, new JsonObject().put("email", nobody));
    assertEquals(202, unknownAnswer.statusCode());
    assertEquals(whole(knownAnswer), whole(unknownAnswer));
    assertEquals(1, tokensMailedTo(known, 1).size(), "the known address was mailed");
    Thread.sleep(500); // the mail sender polls every 100 ms
    assertEquals(List.of(), tokensMailedTo(nobody, 0));
    assertProblem(confirm("opr_" + "A".repeat(43), "whatever-password-123"), 400, "invalid_reset_token");
  }

  /** Status, headers and body, as the asker sees them; but the request id, which each answer has its own of. */
  private static String whole(HttpResponse<Buffer> answer) {
    var headers = new TreeMap<String, String>();
    answer.headers().forEach((name, value) -> headers.merge(name.toLowerCase(Locale.ROOT), value, (a, b) -> a + ", " + b));
    headers.remove(RequestIds.HEADER.toLowerCase(Locale.ROOT));
    return answer.statusCode() + " " + headers + " " + answer.bodyAsString();
  }

  @Test
  void aResetNeedsAnAddress() {
    assertProblem(org.post("/v1/auth/password-resets", null, new JsonObject()), 400, "validation_failed");
    assertProblem(org.post("/v1/auth/password-resets", null, new JsonObject().put("email", "not-an-email")), 400,
        "validation_failed");
    assertProblem(org.post("/v1/auth/password-resets", null, new JsonObject().put("email", "someone@test.local")
        .put("password", "chosen-already")), 400, "validation_failed");
  }

  @Test
  void anAccountGetsAtMostThreeMailsAnHourEvenAskedAtOnceAndTokensExpire() throws Exception {
    var user = org.newUser("popular");
    var answers = java.util.stream.IntStream.range(0, 5).parallel().mapToObj(i -> request(user.email())).toList();
    assertEquals(List.of(202, 202, 202, 202, 202), answers, "asked five times at once");
    var tokens = tokensMailedTo(user.email(), MailedTokens.MAILS_PER_HOUR);
    Thread.sleep(500); // the mail sender polls every 100 ms
    assertEquals(MailedTokens.MAILS_PER_HOUR, tokensMailedTo(user.email(), 0).size());
    PgFixture.execute(db, "UPDATE org.password_resets SET expires_at = now() - interval '1 second' WHERE user_id = '"
        + user.id() + "'");
    assertProblem(confirm(tokens.get(0), "late-password-123"), 400, "invalid_reset_token");
  }
}
