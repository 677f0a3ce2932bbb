package dev.orgplane.org.identity;

import dev.orgplane.kit.db.BatchedPurge;
import dev.orgplane.kit.http.ApiException;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * Slows password guessing per account, whatever addresses the guesses come from: {@value #FREE_FAILURES} failed
 * attempts in a row are free, then each further attempt waits 1 s, 2 s, 4 s ... up to
 * {@value #MAX_WAIT_SECONDS} s after the failure before it (the password is not even checked then). A success, or an hour without a failure, starts over.
 * Every attempt is counted before its password is checked, in one statement that waits for the others on the same
 * address, so a burst of parallel guesses gets no more tries than a patient guesser. Addresses we do not know are
 * counted the same, so the answers never tell whether an account exists. Waiting at most a quarter of an hour is the
 * price a victim pays for a stranger's guesses, long enough to make guessing hopeless. A stranger who guesses once per
 * wait keeps the address at the longest; its owner is still never locked out for good, as a password reset by mail
 * (which the guesser cannot read) clears the count.
 */
final class SignInThrottle {

  static final int FREE_FAILURES = 5;
  static final int MAX_WAIT_SECONDS = 900;
  private static final String FRESH = "f.last_failure_at > now() - interval '1 hour'";
  /**
   * 2 to this many seconds is past {@link #MAX_WAIT_SECONDS} already; the exponent stops there. A guesser keeping the
   * address fresh counts on past a thousand failures, and 2 to the 1024th is more than a double holds: PostgreSQL
   * refuses it (22003), which would fail every attempt at the address with 500.
   */
  private static final int LONGEST_WAIT_EXPONENT = 10;
  private static final String WAIT = "least(power(2, least(f.failures - " + FREE_FAILURES + ", "
      + LONGEST_WAIT_EXPONENT + ")), " + MAX_WAIT_SECONDS + ") * interval '1 second'";

  private final Pool pool;

  SignInThrottle(Pool pool) {
    this.pool = pool;
  }

  /**
   * Counts an attempt for {@code email} and lets it go on, or fails it with 429 {@code sign_in_throttled} and the
   * wait in {@code Retry-After} (not counted).
   */
  Future<Void> admit(String email, RoutingContext ctx) {
    return attempt(email).compose(wait -> {
      if (wait == 0) {
        return Future.succeededFuture();
      }
      ctx.response().putHeader("Retry-After", Long.toString(wait));
      return Future.failedFuture(new ApiException(429, "sign_in_throttled",
          "Too many failed sign-ins with this email address; retry after " + wait + " s."));
    });
  }

  /** Counts an attempt for {@code email}; answers 0 when it may go on, else the seconds it must wait (not counted). */
  private Future<Long> attempt(String email) {
    return pool.preparedQuery("INSERT INTO org.sign_in_failures AS f (email, failures, last_failure_at) "
            + "VALUES (lower($1), 1, now()) ON CONFLICT (email) DO UPDATE SET "
            + "failures = CASE WHEN " + FRESH + " THEN f.failures + 1 ELSE 1 END, last_failure_at = now() "
            + "WHERE NOT (" + FRESH + " AND f.failures >= " + FREE_FAILURES + " AND f.last_failure_at + " + WAIT
            + " > now()) RETURNING 1")
        .execute(Tuple.of(email))
        .compose(counted -> counted.size() == 1 ? Future.succeededFuture(0L) : waitOf(email));
  }

  /** The attempt succeeded: the address starts over. */
  Future<Void> succeeded(String email) {
    return pool.preparedQuery("DELETE FROM org.sign_in_failures WHERE email = lower($1)").execute(Tuple.of(email))
        .mapEmpty();
  }

  private Future<Long> waitOf(String email) {
    return pool.preparedQuery("SELECT greatest(1, ceil(extract(epoch FROM f.last_failure_at + " + WAIT
            + " - now())))::bigint FROM org.sign_in_failures f WHERE email = lower($1)")
        .execute(Tuple.of(email))
        // the row may have gone meanwhile (a success elsewhere): a second, then try
        .map(rows -> rows.size() == 0 ? 1L : rows.iterator().next().getLong(0));
  }

  /** Forgets addresses whose last failure is an hour old (guesses at addresses that do not exist included). */
  static BatchedPurge stalePurge(Pool pool) {
    return new BatchedPurge(pool, "stale sign-in failures", "DELETE FROM org.sign_in_failures WHERE email IN "
        + "(SELECT email FROM org.sign_in_failures WHERE last_failure_at < now() - interval '1 hour' LIMIT "
        + BatchedPurge.BATCH + ")", Tuple.tuple());
  }
}
