package dev.orgplane.kit.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.testing.PgFixture;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A new instance migrates while an old one serves from the same tables. V3 alters a table an old instance's open
 * transaction reads, V4 indexes it concurrently; V1 and the kit's V2 are in place already.
 */
class MigrationLockWaitTest {

  private static final Migrations GADGETS = new Migrations("locktest", "db/locktest");

  @Test
  void migrationWaitingForALockDoesNotStallTheTablesOtherReaders() throws Exception {
    var db = PgFixture.databaseAt(GADGETS, 2);
    var patient = new MigrationLockWait(300, 100, 200);
    CompletableFuture<Integer> migration;
    try (var oldInstance = transactionReadingGadgets(db)) {
      migration = CompletableFuture.supplyAsync(() -> GADGETS.applyTo(db, patient));
      PgFixture.awaitLockWaits(db, 1);

      assertEquals(2, assertTimeoutPreemptively(Duration.ofSeconds(20), () -> countGadgets(db)),
          "a reader queued behind the waiting ALTER goes on once the migration gives up its turn");
    }

    assertEquals(2, migration.get(10, TimeUnit.SECONDS), "once the old transaction ended, V3 and V4 were applied");
    assertEquals(1, colourColumns(db));
  }

  @Test
  void migrationRefusedTheLockEveryTimeFailsTheStartSayingWhy() throws Exception {
    var db = PgFixture.databaseAt(GADGETS, 2);
    try (var oldInstance = transactionReadingGadgets(db)) {
      var failure = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(IllegalStateException.class,
          () -> GADGETS.applyTo(db, new MigrationLockWait(200, 3, 100))));

      assertTrue(failure.getMessage().startsWith("the migrations of schema locktest waited 3 times 200 ms for a "
          + "table's lock"), failure.getMessage());
    }
    assertEquals(0, colourColumns(db), "V3 was rolled back");
    assertEquals(2, GADGETS.applyTo(db), "and is applied at the next start, not held for failed");
  }

  @Test
  void concurrentIndexBuildInAScriptOfItsOwnDoesNotWaitForFlywaysOwnLock() {
    var db = PgFixture.databaseAt(GADGETS, 3);

    assertEquals(1, assertTimeoutPreemptively(Duration.ofSeconds(20), () -> GADGETS.applyTo(db)));
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM pg_index "
        + "WHERE indexrelid = 'locktest.gadgets_colour_idx'::regclass AND indisvalid"));
  }

  /** An old instance's transaction that has read the table, and holds its share lock until it ends. */
  private static Connection transactionReadingGadgets(PgUrl db) throws SQLException {
    var connection = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
    connection.setAutoCommit(false);
    try (var statement = connection.createStatement()) {
      statement.execute("SELECT count(*) FROM locktest.gadgets");
    }
    return connection;
  }

  private static long countGadgets(PgUrl db) {
    return PgFixture.queryLong(db, "SELECT count(*) FROM locktest.gadgets");
  }

  private static long colourColumns(PgUrl db) {
    return PgFixture.queryLong(db, "SELECT count(*) FROM information_schema.columns "
        + "WHERE table_schema = 'locktest' AND table_name = 'gadgets' AND column_name = 'colour'");
  }
}
