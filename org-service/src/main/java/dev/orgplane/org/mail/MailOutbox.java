package dev.orgplane.org.mail;

import dev.orgplane.kit.db.BatchedPurge;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/** Queues a mail in the caller's transaction, so it is sent if and only if the change commits. */
public final class MailOutbox {

  /** How long a mail done (sent, or failed for good) stays, bodiless, to tell an operator what became of it. */
  static final String KEPT = "7 days";

  private MailOutbox() {
  }

  /** Drops mails done more than {@link #KEPT} ago (see {@link BatchedPurge#hourly}). */
  public static BatchedPurge donePurge(Pool pool) {
    return new BatchedPurge(pool, "mails sent or failed", "DELETE FROM org.mail_outbox WHERE id IN (SELECT id FROM "
        + "org.mail_outbox WHERE state <> 'pending' AND created_at < now() - interval '" + KEPT + "' LIMIT "
        + BatchedPurge.BATCH + ")", Tuple.tuple());
  }

  public static Future<Void> enqueue(SqlClient tx, String to, String subject, String body) {
    return tx.preparedQuery("INSERT INTO org.mail_outbox (to_address, subject, body) VALUES ($1, $2, $3)")
        .execute(Tuple.of(to, subject, body)).mapEmpty();
  }
}
