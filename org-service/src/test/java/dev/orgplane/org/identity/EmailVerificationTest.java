package dev.orgplane.org.identity;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.MailedOrgServiceTest;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Verified addresses, the mail delivered over SMTP to a real in-process server (GreenMail). */
class EmailVerificationTest extends MailedOrgServiceTest {

  private HttpResponse<Buffer> confirm(String token) {
    return org.post("/v1/auth/email-verifications/confirm", null, new JsonObject().put("token", token));
  }

  private boolean verified(String token) {
    return org.get("/v1/users/me", token).bodyAsJsonObject().getBoolean("emailVerified");
  }

  @Test
  void registeringMailsATokenThatVerifiesTheAddressOnce() throws Exception {
    var user = org.newUser("newcomer");
    assertFalse(verified(user.token()));
    var token = tokensMailedTo(user.email(), "opv_", 1).get(0);

    assertEquals(204, confirm(token).statusCode());

    assertTrue(verified(user.token()));
    assertProblem(confirm(token), 400, "invalid_verification_token");
  }

  @Test
  void anotherMailOnRequestAtMostThreeAnHour() throws Exception {
    var user = org.newUser("forgetful");
    for (int i = 1; i < MailedTokens.MAILS_PER_HOUR; i++) {
      assertEquals(202, org.post("/v1/users/me/email-verifications", user.token(), null).statusCode());
    }
    var refused = org.post("/v1/users/me/email-verifications", user.token(), null);
    assertProblem(refused, 429, "verification_mail_limit");
    var retryAfter = Long.parseLong(refused.getHeader("Retry-After"));
    assertTrue(retryAfter > 3_500 && retryAfter <= 3_600, "the oldest of the hour's mails frees a place: " + retryAfter);

    var tokens = tokensMailedTo(user.email(), "opv_", MailedTokens.MAILS_PER_HOUR);
    assertEquals(MailedTokens.MAILS_PER_HOUR, tokens.size());
    assertEquals(204, confirm(tokens.get(tokens.size() - 1)).statusCode(), "any of them works");
    assertProblem(org.post("/v1/users/me/email-verifications", user.token(), null), 409, "email_already_verified");
  }

  /**
   * An address registered, its account deleted and registered again, over and over, is mailed at most three times an
   * hour, in whatever case it is written: until session 32 each new account had three mails of its own.
   */
  @Test
  void anAddressRegisteredAgainAndAgainIsMailedAtMostThreeTimesAnHour() {
    var email = "again-" + UUID.randomUUID() + "@test.local";
    for (int i = 0; i <= MailedTokens.MAILS_PER_HOUR; i++) {
      var written = i % 2 == 0 ? email : email.toUpperCase();
      assertEquals(201, org.post("/v1/auth/register", null, new JsonObject().put("email", written)
          .put("password", "password-again-123")).statusCode());
      assertEquals(204, org.send(HttpMethod.DELETE, "/v1/users/me", org.token(email, "password-again-123"),
          new JsonObject().put("password", "password-again-123")).statusCode());
    }

    assertEquals(MailedTokens.MAILS_PER_HOUR, PgFixture.queryLong(db, "SELECT count(*) FROM org.mail_outbox "
        + "WHERE lower(to_address) = '" + email + "'"));
  }

  @Test
  void aRequestRetriedWithItsKeyMailsOnce() {
    var user = org.newUser("retrying");
    var key = MultiMap.caseInsensitiveMultiMap().add("Idempotency-Key", "verify-" + user.id());
    var first = org.send(HttpMethod.POST, "/v1/users/me/email-verifications", user.token(), null, key);
    var retried = org.send(HttpMethod.POST, "/v1/users/me/email-verifications", user.token(), null, key);
    assertEquals(202, first.statusCode(), first.bodyAsString());
    assertEquals(202, retried.statusCode(), retried.bodyAsString());
    assertEquals("true", retried.getHeader("Idempotent-Replayed"));
    assertEquals(202, org.post("/v1/users/me/email-verifications", user.token(), null).statusCode(),
        "the registration's mail, the first request's and this one make the hour's three");
  }

  @Test
  void badConfirmationsAreRefused() throws Exception {
    var user = org.newUser("late");
    var token = tokensMailedTo(user.email(), "opv_", 1).get(0);
    PgFixture.execute(db, "UPDATE org.email_verifications SET expires_at = now() - interval '1 second' WHERE user_id = '"
        + user.id() + "'");
    assertProblem(confirm(token), 400, "invalid_verification_token");
    assertProblem(confirm("opv_" + "A".repeat(43)), 400, "invalid_verification_token");
    assertProblem(org.post("/v1/auth/email-verifications/confirm", null, new JsonObject()), 400, "validation_failed");
    assertProblem(org.post("/v1/auth/email-verifications/confirm", null, new JsonObject().put("token", token)
        .put("email", user.email())), 400, "validation_failed");
    assertFalse(verified(user.token()));
    assertProblem(org.post("/v1/users/me/email-verifications", null, null), 401, "invalid_token");
  }

  @Test
  void serviceUsersHaveNoAddressAndThePlatformAdminsIsTheOperators() {
    var bot = org.newServiceUser("bot").token();

    assertProblem(org.post("/v1/users/me/email-verifications", bot, null), 403, "no_email");
    assertTrue(verified(org.platformAdminToken()));
  }
}
