package dev.orgplane.kit.db;

import dev.orgplane.kit.config.Settings;
import io.vertx.pgclient.PgConnectOptions;

/**
 * How long PostgreSQL lets one of a service's statements run, and one of its transactions sit idle,
 * before it ends them. Without these a statement stuck behind a lock, or a transaction a bug left
 * open, holds its pooled connection (and its locks) for good; with them the request fails with 503
 * {@code database_timeout} and the connection returns to the pool.
 */
public record SessionTimeouts(long statementMillis, long idleInTransactionMillis) {

  /** For pools opened without a service's configuration (operator commands, tests): the defaults' values. */
  public static final SessionTimeouts DEFAULT = new SessionTimeouts(30_000, 60_000);

  private static final long LEAST_SILENCE_MILLIS = 5_000;

  /**
   * Each 0 (PostgreSQL's own "off": for a database whose statements an operator bounds otherwise) up to PostgreSQL's
   * largest (an int of milliseconds); a negative one made every connection fail after the start.
   */
  public static SessionTimeouts from(Settings settings) {
    return new SessionTimeouts(settings.integer("ORGPLANE_PG_STATEMENT_TIMEOUT_MILLIS", 0, Integer.MAX_VALUE),
        settings.integer("ORGPLANE_PG_IDLE_IN_TRANSACTION_MILLIS", 0, Integer.MAX_VALUE));
  }

  /**
   * How long PostgreSQL may leave a request unanswered before its connection counts as gone silent
   * ({@link SilentServerGuard}): half as long again as the statement timeout, after which PostgreSQL has cancelled the
   * statement and said so, the half being time for its answer to arrive; 5 s at least, as a server that stalls for a
   * moment (a checkpoint's writes, a busy CPU) or is slow to start a session is not a silent one. 0 (no limit) when the
   * statement timeout is off: a statement may then legitimately run for hours. A session must not raise its statement
   * timeout above this one (SET), or its longer statements would be cut off.
   */
  long silenceMillis() {
    return statementMillis == 0 ? 0 : Math.max(LEAST_SILENCE_MILLIS, statementMillis + statementMillis / 2);
  }

  /** Startup parameters: set once per connection, no statement per checkout. */
  PgConnectOptions applyTo(PgConnectOptions options) {
    options.addProperty("statement_timeout", String.valueOf(statementMillis));
    options.addProperty("idle_in_transaction_session_timeout", String.valueOf(idleInTransactionMillis));
    return options;
  }
}
