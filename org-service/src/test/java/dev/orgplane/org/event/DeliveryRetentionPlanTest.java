package dev.orgplane.org.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * beside 40,000 ended and 20,000 due for an active hook.
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
    PgFixture.execute(db, "VACUUM ANALYZE org.hook_deliveries, org.hook_delivery_attempts");
    pool = Database.open(vertx, db, 1, List.of()).await();
  }

  @AfterAll
  void close() {
    vertx.close().await();
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
