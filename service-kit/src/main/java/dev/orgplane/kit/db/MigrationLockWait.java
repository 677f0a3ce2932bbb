package dev.orgplane.kit.db;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long a migration waits for a table's lock, and how often it tries again. A new instance migrates while the old
 * ones serve: an {@code ALTER TABLE} queued behind one of their open transactions would make every later statement
 * of theirs on that table queue behind it, a stall with no end while that transaction lasts. So a statement of a
 * migration waits {@code timeoutMillis} for its lock at most (PostgreSQL's {@code lock_timeout}, a startup parameter:
 * the sessions' default, which a script may {@code RESET} to), the migration is rolled back, and it is tried again
 * after {@code pauseMillis}, during which their statements go on; {@code attempts} tries in all, then the start fails.
 */
record MigrationLockWait(long timeoutMillis, int attempts, long pauseMillis) {

  /**
   * A service's start: 5 s of queued statements at most at a time, and six tries over about 80 s, longer than a
   * statement of the old instance may run ({@code ORGPLANE_PG_STATEMENT_TIMEOUT_MILLIS}, 30 s).
   */
  static final MigrationLockWait AT_START = new MigrationLockWait(5_000, 6, 10_000);

  /** PostgreSQL's lock_not_available: the lock was not granted within lock_timeout. */
  private static final String LOCK_NOT_AVAILABLE = "55P03";
  private static final Logger LOG = LoggerFactory.getLogger(MigrationLockWait.class);

  /** The JDBC URL of {@code url} whose sessions wait this long for a lock. */
  String jdbcUrl(PgUrl url) {
    return url.jdbcUrl() + "&options="
        + URLEncoder.encode("-c lock_timeout=" + timeoutMillis, StandardCharsets.UTF_8);
  }

  /** Runs {@code migration} (of {@code schema}, for the log) until it is not refused a lock, {@link #attempts} times at most. */
  int migrate(String schema, IntSupplier migration) {
    for (var attempt = 1; ; attempt++) {
      try {
        return migration.getAsInt();
      } catch (RuntimeException failure) {
        if (!refusedALock(failure)) {
          throw failure;
        }
        if (attempt == attempts) {
          throw new IllegalStateException("the migrations of schema " + schema + " waited " + attempts + " times "
              + timeoutMillis + " ms for a table's lock, which other sessions' transactions held all along; end "
              + "them, or start this version at a quieter time", failure);
        }
        LOG.warn("a migration of schema {} waited {} ms for a table's lock, which another session's transaction "
            + "holds, and was rolled back so as not to stall that table's users; try {} of {} in {} ms: {}",
            schema, timeoutMillis, attempt + 1, attempts, pauseMillis, failure.getMessage().lines().findFirst().orElse(""));
        pause();
      }
    }
  }

  private void pause() {
    try {
      Thread.sleep(pauseMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting to migrate again", e);
    }
  }

  private static boolean refusedALock(Throwable failure) {
    for (var cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof SQLException sql && LOCK_NOT_AVAILABLE.equals(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }
}
