package dev.orgplane.org.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceVerticle;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The parked purge as the service plans it, on enough deliveries for the planner to tell an index from a read of every
 * parked one: 40,000 deliveries held for an inactive hook, made over the last 20 days, 100 of them made 40 days ago,
 * beside 40,000 ended and 20,000 due for an active hook; and the payload purge on 40,000 payloads (V64) made over the
 * same days, each named by a delivery, beside 150 made 40 days ago, 50 of them named by a pending delivery.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeliveryRetentionPlanTest {

  private final Vertx vertx = Vertx.vertx();
  private Pool pool;

  @BeforeAll
  void seed() {
    // V62 builds its index on a table that has rows already, outside a transaction
    var db = PgFixture.databaseAt(OrgServiceVerticle.MIGRATIONS, 61);
    var org = "01900000-0000-7000-8000-000000000000";
    var insert = "INSERT INTO org.hook_deliveries (org_id, hook_id, event, payload, state, next_attempt_at, created_at) "
        + "SELECT '" + org + "', '%s', 'organization.updated', '{}', '%s', %s, %s FROM generate_series(1, %d) i";
    PgFixture.execute(db,
        "INSERT INTO org.organization_groups (id, name) VALUES ('00000000-0000-7000-8000-000000000000', 'g')",
        "INSERT INTO org.organizations (id, name, title, group_id) VALUES ('" + org + "', 'org', 'Org', "
            + "'00000000-0000-7000-8000-000000000000')",
        "INSERT INTO org.hooks (org_id, id, name, url, active, secret) VALUES "
            + "('" + org + "', '01910000-0000-7000-8000-000000000001', 'paused', 'https://h.example.com/p', false, 's'), "
            + "('" + org + "', '01910000-0000-7000-8000-000000000002', 'active', 'https://h.example.com/a', true, 's')",
        insert.formatted("01910000-0000-7000-8000-000000000001", "pending", "'infinity'",
            "now() - i * interval '40 seconds'", 40_000),
        insert.formatted("01910000-0000-7000-8000-000000000001", "pending", "'infinity'",
            "now() - interval '40 days'", 100),
        insert.formatted("01910000-0000-7000-8000-000000000001", "failed", "'infinity'",
            "now() - i * interval '40 seconds'", 40_000),
        insert.formatted("01910000-0000-7000-8000-000000000002", "pending", "now() + interval '1 hour'",
            "now() - i * interval '1 second'", 20_000));
    OrgServiceVerticle.MIGRATIONS.applyTo(db);
    var payloads = "WITH p AS (INSERT INTO org.hook_payloads (org_id, payload, created_at) SELECT '" + org + "', '{}', "
        + "%s FROM generate_series(1, %d) i RETURNING id, created_at) "
        + "INSERT INTO org.hook_deliveries (org_id, hook_id, event, payload_id, state, next_attempt_at, created_at) "
        + "SELECT '" + org + "', '01910000-0000-7000-8000-000000000002', 'organization.updated', id, '%s', %s, "
        + "created_at FROM p WHERE %s";
    PgFixture.execute(db,
        payloads.formatted("now() - i * interval '40 seconds'", 40_000, "delivered", "now()", "true"),
        payloads.formatted("now() - interval '40 days'", 50, "pending", "now() + interval '1 hour'", "true"),
        payloads.formatted("now() - interval '40 days'", 100, "delivered", "now()", "false"));
    PgFixture.execute(db, "VACUUM ANALYZE org.hook_deliveries, org.hook_delivery_attempts, org.hook_payloads");
    pool = Database.open(vertx, db, 1, List.of()).await();
  }

  @AfterAll
  void close() {
    vertx.close().await();
  }

  /**
   * Only payloads past the retention are read, by the bound on V64's index, each looked up among the deliveries by
   * V65's: neither table is read whole. Of those, the ones no delivery names are deleted; those a pending delivery
   * still names stay.
   */
  @Test
  void unreferencedPayloadsPastTheRetentionAreFoundByTheirIndexes() {
    var rows = pool.preparedQuery("EXPLAIN " + DeliveryRetention.UNREFERENCED).execute(Tuple.of(30)).await();
    var plan = StreamSupport.stream(rows.spliterator(), false).map((Row row) -> row.getString(0))
        .collect(Collectors.joining("\n"));

    assertTrue(plan.contains("Index Scan using hook_payloads_created_idx on hook_payloads p"), plan);
    assertTrue(plan.contains("hook_deliveries_payload_idx on hook_deliveries d"), plan);
    assertFalse(plan.contains("Seq Scan"), plan);
    assertEquals(100, DeliveryRetention.unreferencedPurge(pool, 30).run().await());
    assertEquals(0, DeliveryRetention.unreferencedPurge(pool, 30).run().await());
  }

  /** Only those past the retention are read, by the bound on V62's index, and then deleted. */
  @Test
  void parkedDeliveriesPastTheRetentionAreFoundByTheirIndex() {
    var rows = pool.preparedQuery("EXPLAIN " + DeliveryRetention.delete(DeliveryRetention.PARKED))
        .execute(Tuple.of(30)).await();
    var plan = StreamSupport.stream(rows.spliterator(), false).map((Row row) -> row.getString(0))
        .collect(Collectors.joining("\n"));

    assertTrue(plan.contains("Index Scan using hook_deliveries_parked_idx on hook_deliveries d"), plan);
    assertTrue(plan.contains("Index Cond: (created_at <"), plan);
    assertEquals(100, DeliveryRetention.parkedPurge(pool, 30).run().await());
  }
}
