package dev.orgplane.org.mail;

import dev.orgplane.kit.outbox.AttemptLease;
import dev.orgplane.kit.outbox.OutboxPoller;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the mail outbox over SMTP when {@code ORGPLANE_SMTP_HOST} is configured, and otherwise
 * writes each mail to the log (a laptop platform has no mail server). Claims rows with
 * {@code FOR UPDATE SKIP LOCKED} so several instances share the outbox; a failed send is retried
 * with exponential backoff up to {@code maxAttempts}. A round's outcomes are recorded together ({@link MailOutcomes}).
 */
public final class MailSender {

  private static final Logger LOG = LoggerFactory.getLogger(MailSender.class);

  /**
   * How long the mail server may keep silent, connecting, in its TLS handshake or at any step of the dialog, before
   * the connection is closed and the send fails: vertx-mail cannot cancel a send, and without these a server that
   * stops answering held it for ever.
   */
  static final int SILENCE_SECONDS = 10;

  /** The mails a round claims, each with a connection of its own: no send waits for another's connection. */
  private static final int BATCH = 10;

  /**
   * A round waits for its sends to end rather than give up on one the mail server may still accept (and the mail be
   * sent again on retry): a send ends within about a dozen of the server's silences (greeting, EHLO, STARTTLS, AUTH,
   * MAIL, RCPT, DATA, the end of the body), far inside this backstop, and the lease outlasts it, so no other claim
   * sends the mail while it is still under way.
   */
  private static final long SEND_MILLIS = 240_000;
  private static final long LEASE_MILLIS = 300_000;

  private final Vertx vertx;
  private final Pool pool;
  private final MailClient smtp;
  private final String from;
  private final OutboxPoller poller;

  /** {@code smtpConfig} null: log instead of sending. */
  public MailSender(Vertx vertx, Pool pool, MailConfig smtpConfig, String from, int maxAttempts, long retryBaseMillis) {
    this.vertx = vertx;
    this.pool = pool;
    this.smtp = smtpConfig == null ? null : MailClient.create(vertx, smtpConfig.setMaxPoolSize(BATCH));
    this.from = from;
    this.poller = OutboxPoller.recordingTogether(vertx, "mail", this::claim, this::send, MailSender::unsent,
        SEND_MILLIS,
        new MailOutcomes(pool, maxAttempts, retryBaseMillis)::record,
        OutboxPoller.count(pool, "SELECT count(*) FROM org.mail_outbox WHERE state = 'pending'"));
  }

  public static MailConfig smtpConfig(String host, int port, String user, String password, boolean startTls) {
    return smtpConfig(host, port, user, password, startTls, SILENCE_SECONDS);
  }

  /** The server's silence bounded at {@code silenceSeconds}: a test's stalled server is then not waited out 10 s. */
  static MailConfig smtpConfig(String host, int port, String user, String password, boolean startTls,
      int silenceSeconds) {
    var config = new MailConfig().setHostname(host).setPort(port)
        .setStarttls(startTls ? StartTLSOptions.REQUIRED : StartTLSOptions.OPTIONAL)
        .setConnectTimeout((int) TimeUnit.SECONDS.toMillis(silenceSeconds))
        .setSslHandshakeTimeout(silenceSeconds).setSslHandshakeTimeoutUnit(TimeUnit.SECONDS)
        .setIdleTimeout(silenceSeconds).setIdleTimeoutUnit(TimeUnit.SECONDS);
    if (user != null && !user.isBlank()) {
      config.setUsername(user).setPassword(password);
    }
    return config;
  }

  public void start(long pollMillis) {
    poller.start(pollMillis);
  }

  public void stop() {
    poller.stop();
    if (smtp != null) {
      smtp.close();
    }
  }

  private Future<RowSet<Row>> claim() {
    return pool.preparedQuery("WITH due AS (SELECT id FROM org.mail_outbox WHERE state = 'pending' AND next_attempt_at <= now() "
            + "ORDER BY next_attempt_at LIMIT " + BATCH + " FOR UPDATE SKIP LOCKED) UPDATE org.mail_outbox m "
            + "SET " + AttemptLease.claim("m", 1) + " FROM due "
            + "WHERE m.id = due.id RETURNING m.id, m.attempts, m.to_address, m.subject, m.body")
        .execute(Tuple.of((double) LEASE_MILLIS));
  }

  private Future<MailOutcomes.Outcome> send(Row row) {
    Future<?> sent;
    // vertx-mail encodes a CR in a subject but passes a bare LF on, which starts a header, or after an empty line the
    // body, of whoever wrote the text (an organization's title in an invitation's: titles took any until session 31,
    // and those stored before still do); made one line here, where every mail and its log line pass
    var subject = MailOutbox.oneLine(row.getString("subject"));
    if (smtp == null) {
      LOG.info("mail (no SMTP configured) to {}: {}\n{}", row.getString("to_address"), subject, row.getString("body"));
      sent = Future.succeededFuture();
    } else {
      sent = smtp.sendMail(new MailMessage().setFrom(from).setTo(row.getString("to_address"))
          .setSubject(subject).setText(row.getString("body")));
    }
    return sent.map(ok -> new MailOutcomes.Outcome(row.getLong("id"), row.getInteger("attempts"), true, null));
  }

  /** A send the mail server refused, or fell silent in: a failed attempt, retried until they run out. */
  private static MailOutcomes.Outcome unsent(Row row, Throwable failure) {
    return new MailOutcomes.Outcome(row.getLong("id"), row.getInteger("attempts"), false,
        String.valueOf(failure.getMessage()));
  }
}
