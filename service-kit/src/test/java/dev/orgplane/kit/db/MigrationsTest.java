package dev.orgplane.kit.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.testing.PgFixture;
import org.junit.jupiter.api.Test;

class MigrationsTest {

  /**
   * The kit's own migrations are numbered 2 and 900 upward in every service's history: a service's next migration,
   * numbered below 900, is applied to a database migrated before it was written.
   */
  @Test
  void aServiceMigrationNumberedBelowTheKitsIsAppliedAfterIt() {
    var db = PgFixture.freshDatabase(new Migrations("kittest", "db/kittest"));
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM kittest.flyway_schema_history WHERE version = '900'"));
    assertEquals(1, new Migrations("kittest", "db/later").applyTo(db));
    assertEquals(0, PgFixture.queryLong(db, "SELECT count(*) FROM kittest.gadgets"));
    assertEquals(0, new Migrations("kittest", "db/later").applyTo(db), "and only once");
  }
}
