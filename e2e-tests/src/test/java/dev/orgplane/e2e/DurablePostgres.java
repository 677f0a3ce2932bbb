package dev.orgplane.e2e;

import dev.orgplane.kit.db.PgUrl;
import dev.orgplane.kit.testing.PgFixture;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A PostgreSQL with the durability settings of production (fsync, synchronous commit and full page
 * writes on), for benchmarks: the test fixture's server trades durability for speed, which would
 * flatter every write figure and, most of all, the raw baselines. zonky's builder starts a server
 * with {@code -F} (no fsync) and {@code synchronous_commit=off} unless told otherwise, so the settings
 * are given explicitly and read back before any figure is taken.
 */
final class DurablePostgres implements AutoCloseable {

  private final EmbeddedPostgres server;

  private DurablePostgres(EmbeddedPostgres server) {
    this.server = server;
  }

  /**
   * With {@code profileStatements}, the server keeps pg_stat_statements (nested statements too, so
   * foreign-key checks show up), which {@link #topStatements} reads: where the database time went.
   */
  static DurablePostgres start(boolean profileStatements) {
    try {
      var builder = EmbeddedPostgres.builder().setServerConfig("max_connections", "200")
          .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on")
          .setServerConfig("full_page_writes", "on");
      if (profileStatements) {
        builder.setServerConfig("shared_preload_libraries", "pg_stat_statements")
            .setServerConfig("pg_stat_statements.track", "all");
      }
      var postgres = new DurablePostgres(builder.start());
      postgres.requireDurable();
      return postgres;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start PostgreSQL for the benchmarks", e);
    }
  }

  private void requireDurable() {
    long durable = PgFixture.queryLong(admin(), "SELECT count(*) FROM pg_settings "
        + "WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes') AND setting = 'on'");
    if (durable != 3) {
      throw new IllegalStateException("the benchmark PostgreSQL is not durable (fsync, synchronous_commit, "
          + "full_page_writes): its figures would flatter every write");
    }
  }

  PgUrl database(String name) {
    PgFixture.execute(admin(), "CREATE DATABASE " + name);
    return admin().withDatabase(name);
  }

  private PgUrl admin() {
    return new PgUrl("localhost", server.getPort(), "postgres", "postgres", "postgres");
  }

  /** The statements that took the most execution time, over every database of the server. */
  List<String> topStatements(Vertx vertx, int limit) {
    var pool = PgBuilder.pool().connectingTo(database("statement_profile").connectOptions()).using(vertx).build();
    try {
      pool.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").execute().await();
      var rows = pool.preparedQuery("SELECT round(total_exec_time) AS ms, calls, rows, "
              + "left(regexp_replace(query, '\\s+', ' ', 'g'), 160) AS query FROM pg_stat_statements "
              + "ORDER BY total_exec_time DESC LIMIT $1")
          .execute(Tuple.of(limit)).await();
      var lines = new ArrayList<String>();
      rows.forEach(r -> lines.add(String.format("%8d ms %8d calls %9d rows  %s", r.getLong("ms"), r.getLong("calls"),
          r.getLong("rows"), r.getString("query"))));
      return lines;
    } finally {
      pool.close().await();
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      System.err.println("could not stop the benchmark PostgreSQL: " + e.getMessage());
    }
  }
}
