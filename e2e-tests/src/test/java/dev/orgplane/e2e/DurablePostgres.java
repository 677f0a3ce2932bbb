package dev.orgplane.e2e;

import dev.orgplane.kit.db.PgUrl;
import dev.orgplane.kit.testing.PgFixture;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;

/**
 * A PostgreSQL with the durability settings of production (fsync and synchronous commit on), for
 * benchmarks: the test fixture's server trades durability for speed, which would flatter every
 * write figure and, most of all, the raw baselines.
 */
final class DurablePostgres implements AutoCloseable {

  private final EmbeddedPostgres server;

  private DurablePostgres(EmbeddedPostgres server) {
    this.server = server;
  }

  static DurablePostgres start() {
    try {
      return new DurablePostgres(EmbeddedPostgres.builder().setServerConfig("max_connections", "200").start());
    } catch (IOException e) {
      throw new IllegalStateException("cannot start PostgreSQL for the benchmarks", e);
    }
  }

  PgUrl database(String name) {
    var admin = new PgUrl("localhost", server.getPort(), "postgres", "postgres", "postgres");
    PgFixture.execute(admin, "CREATE DATABASE " + name);
    return admin.withDatabase(name);
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
