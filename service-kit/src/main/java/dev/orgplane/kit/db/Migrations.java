package dev.orgplane.kit.db;

import org.flywaydb.core.Flyway;

/**
 * A service's versioned SQL migrations: the schema it owns and the classpath folder of its
 * {@code V<n>__name.sql} files. Flyway keeps a history table per schema, so re-running applies only
 * what is new and a changed file is refused by checksum.
 */
public record Migrations(String schema, String location) {

  /** Blocking: call from a worker thread or before Vert.x starts. */
  public int applyTo(PgUrl url) {
    var result = Flyway.configure()
        .dataSource(url.jdbcUrl(), url.user(), url.password())
        .schemas(schema)
        .createSchemas(true)
        .locations("classpath:" + location)
        .connectRetries(5)
        .load()
        .migrate();
    return result.migrationsExecuted;
  }
}
