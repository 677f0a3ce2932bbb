package dev.orgplane.org;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dev.orgplane.kit.db.PgUrl;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An HTTP test class of the org service whose mail goes over SMTP to a real in-process server (GreenMail): one
 * running service on a fresh database per class, its mail outbox polled every 100 ms.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class MailedOrgServiceTest {

  protected final GreenMail smtp = new GreenMail(ServerSetup.SMTP.dynamicPort());
  protected OrgServiceHarness org;
  protected PgUrl db;

  @BeforeAll
  void startWithMail(Vertx vertx) {
    smtp.start();
    db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    org = OrgServiceHarness.start(vertx, db, new JsonObject().put("ORGPLANE_SMTP_HOST", "127.0.0.1")
        .put("ORGPLANE_SMTP_PORT", String.valueOf(smtp.getSmtp().getPort())).put("ORGPLANE_HOOK_POLL_MILLIS", "100"));
  }

  @AfterAll
  void stopMail() {
    smtp.stop();
  }

  /** The tokens starting with {@code prefix} mailed to {@code email} so far, once {@code count} have (or after 10 s). */
  protected List<String> tokensMailedTo(String email, String prefix, int count) throws Exception {
    var token = Pattern.compile(Pattern.quote(prefix) + "[A-Za-z0-9_-]{43}");
    var deadline = System.currentTimeMillis() + 10_000;
    while (true) {
      var tokens = new ArrayList<String>();
      for (var message : smtp.getReceivedMessages()) {
        var found = token.matcher(GreenMailUtil.getBody(message));
        if (message.getAllRecipients()[0].toString().equalsIgnoreCase(email) && found.find()) {
          tokens.add(found.group());
        }
      }
      if (tokens.size() >= count || System.currentTimeMillis() > deadline) {
        return tokens;
      }
      Thread.sleep(50);
    }
  }

  /** Whether a mail to {@code email} whose text holds {@code text} has arrived (waiting 10 s at most). */
  protected boolean mailedTo(String email, String text) throws Exception {
    var deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      for (var message : smtp.getReceivedMessages()) {
        if (message.getAllRecipients()[0].toString().equalsIgnoreCase(email)
            && GreenMailUtil.getBody(message).contains(text)) {
          return true;
        }
      }
      Thread.sleep(50);
    }
    return false;
  }

  /** A registered user who verified their address with the token mailed to it at registration. */
  protected OrgServiceHarness.Account verifiedUser(String label) throws Exception {
    var user = org.newUser(label);
    var confirmed = org.post("/v1/auth/email-verifications/confirm", null,
        new JsonObject().put("token", tokensMailedTo(user.email(), "opv_", 1).get(0)));
    assertEquals(204, confirmed.statusCode(), confirmed.bodyAsString());
    return user;
  }
}
