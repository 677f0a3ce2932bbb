package dev.orgplane.kit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.db.BatchedPurge;
import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.db.Migrations;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.Vertx;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IdempotencyKeysPurgeTest {

  private static final Migrations SCHEMA = new Migrations("kittest", "db/kittest");
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void aBacklogLargerThanOneBatchIsPurgedWholeAndFreshAnswersStay() {
    var db = PgFixture.freshDatabase(SCHEMA);
    var expired = BatchedPurge.BATCH * 2 + 500;
    PgFixture.execute(db,
        "INSERT INTO kittest.idempotency_keys (principal, key, request_hash, status, created_at) "
            + "SELECT 'user-' || n % 7, 'old-' || n, 'h', 201, now() - interval '25 hours' "
            + "FROM generate_series(1, " + expired + ") n",
        "INSERT INTO kittest.idempotency_keys (principal, key, request_hash, status, created_at) "
            + "SELECT 'user-1', 'fresh-' || n, 'h', 201, now() - interval '23 hours' FROM generate_series(1, 10) n");
    var pool = Database.open(vertx, db, 1, List.of()).await();
    var keys = new IdempotencyKeys(pool, "kittest");

    assertEquals(expired, keys.expiredPurge().run().await());
    assertEquals(10, PgFixture.queryLong(db, "SELECT count(*) FROM kittest.idempotency_keys"));
    assertEquals(0, keys.expiredPurge().run().await(), "nothing left to purge");
  }
}
