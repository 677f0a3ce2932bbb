package dev.orgplane.org.mail;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/** Queues a mail in the caller's transaction, so it is sent if and only if the change commits. */
public final class MailOutbox {

  private MailOutbox() {
  }

  public static Future<Void> enqueue(SqlClient tx, String to, String subject, String body) {
    return tx.preparedQuery("INSERT INTO org.mail_outbox (to_address, subject, body) VALUES ($1, $2, $3)")
        .execute(Tuple.of(to, subject, body)).mapEmpty();
  }
}
