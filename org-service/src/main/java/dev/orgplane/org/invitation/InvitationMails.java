package dev.orgplane.org.invitation;

import dev.orgplane.kit.db.BatchedPurge;
import dev.orgplane.org.mail.HourlyMailLimit;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * The invitation mails an organization sent this hour ({@code org.invitation_mails}). Anyone may make an
 * organization and invite any address, so without these each invitation was a mail to a stranger, as many as a
 * caller liked: an address invited again within the hour is not mailed again, and an organization sends at most
 * {@value #PER_HOUR} an hour. Callers hold the organization's row lock (every invitation is written under it), so
 * counting and writing are one step.
 */
public final class InvitationMails {

  /**
   * An organization's invitation mails an hour: a tenant onboarding a whole department by hand or by script stays
   * well within it, while a sender of unwanted mail gets no more out of one organization than that.
   */
  static final int PER_HOUR = 500;

  private static final HourlyMailLimit LIMIT = new HourlyMailLimit("org.invitation_mails", "org_id", PER_HOUR);

  private InvitationMails() {
  }

  /** Whether the organization mailed an invitation to {@code email} (matched without case) less than an hour ago. */
  static Future<Boolean> mailedWithinTheHour(SqlClient tx, UUID orgId, String email) {
    return tx.preparedQuery("SELECT EXISTS (SELECT 1 FROM org.invitation_mails WHERE org_id = $1 "
            + "AND lower(email) = lower($2) AND created_at > now() - interval '1 hour') AS mailed")
        .execute(Tuple.of(orgId, email)).map(rows -> rows.iterator().next().getBoolean("mailed"));
  }

  /**
   * Counts a mail to {@code email} if the organization has mails left this hour, else fails with 429
   * {@code invitation_mail_limit} and {@code Retry-After}.
   */
  static Future<Void> take(RoutingContext ctx, SqlClient tx, UUID orgId, String email) {
    return tx.preparedQuery("INSERT INTO org.invitation_mails (org_id, email) SELECT $1, $2 WHERE " + LIMIT.below(1)
            + " RETURNING 1").execute(Tuple.of(orgId, email))
        .compose(taken -> taken.size() > 0 ? Future.succeededFuture()
            : LIMIT.reached(ctx, tx, orgId, "invitation_mail_limit"));
  }

  /** Drops what is more than an hour old: it counts for nothing any more. */
  public static BatchedPurge oldPurge(Pool pool) {
    return new BatchedPurge(pool, "invitation mails counted", "DELETE FROM org.invitation_mails WHERE id IN (SELECT id "
        + "FROM org.invitation_mails WHERE created_at < now() - interval '1 hour' LIMIT " + BatchedPurge.BATCH + ")",
        Tuple.tuple());
  }
}
