package dev.orgplane.org.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.testing.Eventually;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceVerticle;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class MailSenderTest {

  /**
   * A mail server that says nothing for 40 s after a mail's body, then accepts it. The send ends when the server has
   * been silent for the config's limit ({@link MailSender#SILENCE_SECONDS} as shipped, 2 s here), its connection
   * closed, so the mail is not delivered and is recorded failed; its retry is delivered. Until session 33 the round gave
   * up on the send at 30 s, recorded it failed and retried it, while the first send went on and was accepted too: two
   * mails.
   */
  @Test
  void aMailServerSilentPastTheSendsLimitGetsTheMailOnce(Vertx vertx) throws Exception {
    var shipped = MailSender.smtpConfig("127.0.0.1", 25, null, null, false);
    assertEquals(MailSender.SILENCE_SECONDS, shipped.getIdleTimeout(), "the shipped config bounds the server's silence");
    assertEquals(TimeUnit.SECONDS, shipped.getIdleTimeoutUnit());
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var pool = Database.open(vertx, db, 2, List.of()).await();
    try (var server = new StallingSmtpServer(40_000)) {
      MailOutbox.enqueue(pool, "once@test.local", "Reset your password", "opr_token").await();
      var sender = new MailSender(vertx, pool, MailSender.smtpConfig("127.0.0.1", server.port(), null, null, false, 2),
          "Orgplane <no-reply@orgplane.local>", 8, 100);
      sender.start(100);
      try {
        assertTrue(server.stallOver().await(60, TimeUnit.SECONDS), "the stalled mail was never settled");
        Eventually.holds(() -> PgFixture.queryLong(db, "SELECT count(*) FROM org.mail_outbox WHERE state = 'sent'") == 1,
            "the mail was not recorded sent");
        assertEquals(1, server.accepted(), "mails the server accepted");
        assertEquals(2, PgFixture.queryLong(db, "SELECT attempts FROM org.mail_outbox"), "attempts");
      } finally {
        sender.stop();
      }
    }
  }
}
