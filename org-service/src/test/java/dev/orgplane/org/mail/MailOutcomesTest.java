package dev.orgplane.org.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceVerticle;
import dev.orgplane.org.mail.MailOutcomes.Outcome;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class MailOutcomesTest {

  /**
   * A round's outcomes, written together: each mail gets its own. A failure from an earlier claim than the latest
   * (an attempt that outlived its lease) changes nothing; a success from one still settles the mail.
   */
  @Test
  void aRoundsOutcomesAreRecordedTogetherEachOnItsMail(Vertx vertx) {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    PgFixture.execute(db, "INSERT INTO org.mail_outbox (id, to_address, subject, body, attempts, state) VALUES "
        + "(1, 'sent@test.local', 's', 'b', 1, 'pending'), (2, 'retried@test.local', 's', 'b', 1, 'pending'), "
        + "(3, 'exhausted@test.local', 's', 'b', 3, 'pending'), (4, 'overtaken@test.local', 's', 'b', 2, 'pending'), "
        + "(5, 'late@test.local', 's', 'b', 2, 'pending'), (6, 'done@test.local', 's', 'b', 1, 'sent')");
    var pool = Database.open(vertx, db, 1, List.of()).await();

    new MailOutcomes(pool, 3, 60_000).record(List.of(new Outcome(1, 1, true, null),
        new Outcome(2, 1, false, "421 try later"), new Outcome(3, 3, false, "550 no such user"),
        new Outcome(4, 1, false, "timed out"), new Outcome(5, 1, true, null), new Outcome(6, 1, false, "late")))
        .await();

    var rows = pool.query("SELECT id, state || ' ' || coalesce(last_error, '-') AS outcome FROM org.mail_outbox")
        .execute().await();
    var recorded = new TreeMap<Long, String>();
    rows.forEach(row -> recorded.put(row.getLong("id"), row.getString("outcome")));
    assertEquals(Map.of(1L, "sent -", 2L, "pending 421 try later", 3L, "failed 550 no such user", 4L, "pending -",
        5L, "sent -", 6L, "sent -"), recorded);
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.mail_outbox WHERE id = 2 "
        + "AND next_attempt_at BETWEEN now() + interval '50 seconds' AND now() + interval '70 seconds'"),
        "a failed mail waits its backoff");
  }

  /** A body holds a raw token (a password reset's, say): it goes once the mail is done, and the row a week later. */
  @Test
  void aMailDoneLosesItsBodyAndLaterItsRow(Vertx vertx) {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    PgFixture.execute(db, "INSERT INTO org.mail_outbox (id, to_address, subject, body, attempts, state, created_at) "
        + "VALUES (1, 'sent@test.local', 's', 'token-1', 1, 'pending', now()), "
        + "(2, 'failed@test.local', 's', 'token-2', 3, 'pending', now()), "
        + "(3, 'retried@test.local', 's', 'token-3', 1, 'pending', now()), "
        + "(4, 'old-sent@test.local', 's', '', 1, 'sent', now() - interval '8 days'), "
        + "(5, 'old-failed@test.local', 's', '', 3, 'failed', now() - interval '8 days'), "
        + "(6, 'old-pending@test.local', 's', 'token-6', 0, 'pending', now() - interval '8 days')");
    var pool = Database.open(vertx, db, 1, List.of()).await();

    new MailOutcomes(pool, 3, 60_000).record(List.of(new Outcome(1, 1, true, null),
        new Outcome(2, 3, false, "550 no such user"), new Outcome(3, 1, false, "421 try later"))).await();
    MailOutbox.donePurge(pool).run().await();

    var rows = pool.query("SELECT id, body FROM org.mail_outbox").execute().await();
    var bodies = new TreeMap<Long, String>();
    rows.forEach(row -> bodies.put(row.getLong("id"), row.getString("body")));
    assertEquals(Map.of(1L, "", 2L, "", 3L, "token-3", 6L, "token-6"), bodies);
  }
}
