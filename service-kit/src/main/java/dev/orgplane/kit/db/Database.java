package dev.orgplane.kit.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/** Opens a service's pool after its migrations have run; readiness depends on both. */
public final class Database {

  /**
   * Starts a statement whose best plan depends on its parameters. Such statements are not kept as
   * prepared statements: PostgreSQL then plans each call with its values, where a cached statement
   * may switch to one generic plan for every caller after five calls.
   */
  public static final String PLANNED_PER_CALL = "/* planned per call */ ";

  /**
   * This process among the database's clients: every session of a pool is named {@code <pool>/<this>}
   * (application_name), so an operator tells the instances apart in {@code pg_stat_activity}, and a key a process
   * claimed is known to be orphaned the moment the process has no session left (kit IdempotencyKeys). Random, not
   * a host and pid: a restarted container has the same ones.
   */
  static final String PROCESS = processName();

  private Database() {
  }

  /**
   * A service's pool as configured: {@code ORGPLANE_PG_URL}, {@code ORGPLANE_PG_POOL_SIZE}, its sessions' timeouts
   * ({@code ORGPLANE_PG_STATEMENT_TIMEOUT_MILLIS}, {@code ORGPLANE_PG_IDLE_IN_TRANSACTION_MILLIS}), and how often its
   * migrations try again to reach a database that does not answer ({@code ORGPLANE_PG_CONNECT_RETRIES}).
   */
  public static Future<Pool> open(Vertx vertx, dev.orgplane.kit.config.Settings settings, Migrations migrations) {
    return open(vertx, PgUrl.parse(settings.string("ORGPLANE_PG_URL")), poolSize(settings),
        SessionTimeouts.from(settings), connectRetries(settings), List.of(migrations));
  }

  /**
   * Reads the pool's settings but its database's URL, each in its range, else throws naming it: a launcher checks them
   * before it makes the database.
   */
  public static void checkSettings(dev.orgplane.kit.config.Settings settings) {
    poolSize(settings);
    SessionTimeouts.from(settings);
    connectRetries(settings);
  }

  private static int poolSize(dev.orgplane.kit.config.Settings settings) {
    return settings.integer("ORGPLANE_PG_POOL_SIZE", 1, Integer.MAX_VALUE);
  }

  private static int connectRetries(dev.orgplane.kit.config.Settings settings) {
    return settings.integer("ORGPLANE_PG_CONNECT_RETRIES", 0, Integer.MAX_VALUE);
  }

  public static Future<Pool> open(Vertx vertx, PgUrl url, int poolSize, List<Migrations> migrations) {
    return open(vertx, url, poolSize, SessionTimeouts.DEFAULT, migrations);
  }

  public static Future<Pool> open(Vertx vertx, PgUrl url, int poolSize, SessionTimeouts timeouts,
      List<Migrations> migrations) {
    return open(vertx, url, poolSize, timeouts, Migrations.CONNECT_RETRIES, migrations);
  }

  private static Future<Pool> open(Vertx vertx, PgUrl url, int poolSize, SessionTimeouts timeouts, int connectRetries,
      List<Migrations> migrations) {
    return vertx.executeBlocking(() -> {
      migrations.forEach(m -> m.applyTo(url, MigrationLockWait.AT_START, connectRetries));
      return null;
    }, false).map(done -> {
      var name = poolName(url, migrations);
      var builder = PgBuilder.pool()
          .with(new PoolOptions().setMaxSize(poolSize).setName(name).setShared(false))
          .connectingTo(timeouts.applyTo(url.connectOptions()).setMetricsName(name)
              .addProperty("application_name", name + "/" + PROCESS));
      var silence = timeouts.silenceMillis();
      return (silence > 0 ? SilentServerGuard.applyTo(builder, silence, name) : builder).using(vertx).build();
    });
  }

  private static String processName() {
    var bytes = new byte[6];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** Named after the schemas it serves, so each service's pool and SQL client have metrics of their own. */
  private static String poolName(PgUrl url, List<Migrations> migrations) {
    return "orgplane-" + (migrations.isEmpty() ? url.database()
        : String.join("+", migrations.stream().map(Migrations::schema).toList()));
  }
}
