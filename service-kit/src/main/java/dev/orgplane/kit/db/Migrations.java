package dev.orgplane.kit.db;

import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * A service's versioned SQL migrations: the schema it owns and the classpath folder of its
 * {@code V<n>__name.sql} files. Flyway keeps a history table per schema, so re-running applies only
 * what is new and a changed file is refused by checksum.
 *
 * <p>The tables of the kit's own features (idempotency keys) are migrated into every service's schema
 * from {@value #KIT_LOCATION}, one copy of their SQL for all services. Their version is reserved in every
 * service: 2. A later change of the kit's is a repeatable migration ({@code R__}): a version above the
 * services' would put theirs out of order, one below them would be out of order itself.
 */
public record Migrations(String schema, String location) {

  static final String KIT_LOCATION = "db/kit";

  /**
   * Flyway keeps instances from migrating at once with an advisory lock. Held in a transaction (its default), that
   * transaction stays open through every migration, and a {@code CREATE INDEX CONCURRENTLY}, which waits for the
   * transactions older than itself, waits for it for good; held by the session, it leaves no transaction open.
   */
  private static final String TRANSACTIONAL_LOCK = "flyway.postgresql.transactional.lock";

  /**
   * A service may start before its database is up: it tries again this many times ({@code ORGPLANE_PG_CONNECT_RETRIES}),
   * waiting 1 s, 2 s, 4 s ... between tries (Flyway's back-off, at most 120 s a wait), 31 s in all for 5.
   */
  static final int CONNECT_RETRIES = 5;

  /**
   * How long a connection of the migrations may take to be set up and logged in, after which it fails and is tried
   * again as a database not up: a server whose network went silent never answers, and the start would hang. A
   * session starts in milliseconds; the rest is room for a loaded server.
   */
  static final int LOGIN_TIMEOUT_SECONDS = 20;

  /**
   * pgjdbc's limits for those connections (its connect timeout is the TCP handshake's, within the login's). No socket
   * timeout: it bounds every wait for an answer, and a migration's statement (a {@code CREATE INDEX CONCURRENTLY} on
   * a large table) may rightly send nothing back for hours; cut off, it would leave an invalid index and a start that
   * fails the same way every time. TCP keepalive instead ends a connection whose server went silent mid-migration
   * (after the kernel's idle time and probes, two hours and more by Linux's defaults: late, but not never), while a
   * live server's kernel answers the probes however long its statement runs.
   */
  private static String connectionLimits(int loginTimeoutSeconds) {
    return "&connectTimeout=10&loginTimeout=" + loginTimeoutSeconds + "&tcpKeepAlive=true";
  }

  /**
   * Blocking: call from a worker thread or before Vert.x starts. Other instances may be serving from these tables
   * meanwhile: a migration waits for a table's lock {@link MigrationLockWait#AT_START a few seconds} at most, and is
   * tried again later.
   */
  public int applyTo(PgUrl url) {
    return applyTo(url, MigrationLockWait.AT_START);
  }

  int applyTo(PgUrl url, MigrationLockWait lockWait) {
    return applyTo(url, lockWait, CONNECT_RETRIES);
  }

  /** Giving up on a database that does not answer after {@code connectRetries} more tries than the first. */
  int applyTo(PgUrl url, MigrationLockWait lockWait, int connectRetries) {
    return applyTo(url, lockWait, connectRetries, LOGIN_TIMEOUT_SECONDS);
  }

  /** As above, a connection not logged in after {@code loginTimeoutSeconds} failing as a database not up. */
  int applyTo(PgUrl url, MigrationLockWait lockWait, int connectRetries, int loginTimeoutSeconds) {
    return migrate(url, lockWait, loginTimeoutSeconds, Flyway.configure().connectRetries(connectRetries));
  }

  /**
   * How many of these migrations the database lacks (all of them when it has not the schema): for a tool that works
   * on a service's tables without owning them, which must not migrate them. Changes nothing. Blocking. It connects
   * once: an operator's tool says at once that the database is not there, rather than retrying the address.
   */
  public int pendingIn(PgUrl url) {
    return flyway(url, MigrationLockWait.AT_START, LOGIN_TIMEOUT_SECONDS, Flyway.configure().connectRetries(0)).info()
        .pending().length;
  }

  /** Applies these migrations up to {@code version} only: the database as that version left it, to test the next. */
  public int applyTo(PgUrl url, int version) {
    return migrate(url, MigrationLockWait.AT_START, LOGIN_TIMEOUT_SECONDS,
        Flyway.configure().connectRetries(CONNECT_RETRIES).target(String.valueOf(version)));
  }

  private int migrate(PgUrl url, MigrationLockWait lockWait, int loginTimeoutSeconds,
      FluentConfiguration configuration) {
    var flyway = flyway(url, lockWait, loginTimeoutSeconds, configuration);
    return lockWait.migrate(schema, () -> flyway.migrate().migrationsExecuted);
  }

  private Flyway flyway(PgUrl url, MigrationLockWait lockWait, int loginTimeoutSeconds,
      FluentConfiguration configuration) {
    return configuration
        .configuration(Map.of(TRANSACTIONAL_LOCK, "false"))
        .dataSource(lockWait.jdbcUrl(url) + connectionLimits(loginTimeoutSeconds), url.user(), url.password())
        .schemas(schema)
        .createSchemas(true)
        .locations("classpath:" + location, "classpath:" + KIT_LOCATION)
        .load();
  }
}
