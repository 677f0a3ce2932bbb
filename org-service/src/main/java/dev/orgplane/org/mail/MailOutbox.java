package dev.orgplane.org.mail;

import dev.orgplane.kit.db.BatchedPurge;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import java.util.regex.Pattern;

/** Queues a mail in the caller's transaction, so it is sent if and only if the change commits. */
public final class MailOutbox {

  /** How long a mail done (sent, or failed for good) stays, bodiless, to tell an operator what became of it. */
  static final String KEPT = "7 days";

  /** A run of control characters (C0, DEL, C1): what {@link #oneLine} makes one space of. */
  private static final Pattern CONTROL = Pattern.compile("\\p{Cc}+");

  private MailOutbox() {
  }

  /** Drops mails done more than {@link #KEPT} ago (see {@link BatchedPurge#hourly}). */
  public static BatchedPurge donePurge(Pool pool) {
    return new BatchedPurge(pool, "mails sent or failed", "DELETE FROM org.mail_outbox WHERE id IN (SELECT id FROM "
        + "org.mail_outbox WHERE state <> 'pending' AND created_at < now() - interval '" + KEPT + "' LIMIT "
        + BatchedPurge.BATCH + ")", Tuple.tuple());
  }

  /** A mail about the recipient's account, which no organization's deletion takes back. */
  public static Future<Void> enqueue(SqlClient tx, String to, String subject, String body) {
    return insert(tx, null, null, to, subject, body);
  }

  /**
   * The mail of invitation {@code invitationId}, sent in the name of organization {@code orgId}: deleted when the
   * invitation ends (withdrawn, declined, accepted, purged; V51) or the organization is deleted (V46), so one not sent
   * by then never asks its addressee to accept an invitation that no longer exists. The sender makes its subject
   * {@link #oneLine}.
   */
  public static Future<Void> enqueueInvitation(SqlClient tx, UUID orgId, UUID invitationId, String to, String subject,
      String body) {
    return insert(tx, orgId, invitationId, to, subject, body);
  }

  private static Future<Void> insert(SqlClient tx, UUID orgId, UUID invitationId, String to, String subject,
      String body) {
    return tx.preparedQuery("INSERT INTO org.mail_outbox (org_id, invitation_id, to_address, subject, body) "
            + "VALUES ($1, $2, $3, $4, $5)")
        .execute(Tuple.of(orgId, invitationId, to, subject, body)).mapEmpty();
  }

  /** {@code text} with each run of control characters, line breaks among them, made one space. */
  public static String oneLine(String text) {
    return CONTROL.matcher(text).replaceAll(" ");
  }
}
