package dev.orgplane.kit.db;

import org.flywaydb.core.Flyway;

/**
 * A service's versioned SQL migrations: the schema it owns and the classpath folder of its
 * {@code V<n>__name.sql} files. Flyway keeps a history table per schema, so re-running applies only
 * what is new and a changed file is refused by checksum.
 *
 * <p>The tables of the kit's own features (idempotency keys) are migrated into every service's schema
 * from {@value #KIT_LOCATION}, one copy of their SQL for all services. Their versions are reserved in
 * every service: 2, and 900 upward for any later one. A service's own migrations come after 900 in time but
 * below it in number, so they are applied out of order (each service's own still go in their order).
 */
public record Migrations(String schema, String location) {

  static final String KIT_LOCATION = "db/kit";

  /** Blocking: call from a worker thread or before Vert.x starts. */
  public int applyTo(PgUrl url) {
    var result = Flyway.configure()
        .dataSource(url.jdbcUrl(), url.user(), url.password())
        .schemas(schema)
        .createSchemas(true)
        .outOfOrder(true)
        .locations("classpath:" + location, "classpath:" + KIT_LOCATION)
        .connectRetries(5)
        .load()
        .migrate();
    return result.migrationsExecuted;
  }
}
