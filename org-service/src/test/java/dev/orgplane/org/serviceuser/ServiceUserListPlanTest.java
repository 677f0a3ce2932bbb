package dev.orgplane.org.serviceuser;

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
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The service-user list as the service plans it, on enough users for the planner to tell an index from a read of
 * every row: 20,000 people and 10,000 service users in 50 organizations, made in turns, their ids in creation order as
 * UUIDv7 makes them; half of the service users are one organization's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceUserListPlanTest {

  private static final UUID CROWDED = UUID.fromString("01900000-0000-7000-8000-000000000000");

  private final Vertx vertx = Vertx.vertx();
  private Pool pool;

  @BeforeAll
  void seed() {
    // V59 builds its index on a table that has rows already, outside a transaction, and V60 drops the one it replaces
    var db = PgFixture.databaseAt(OrgServiceVerticle.MIGRATIONS, 58);
    PgFixture.execute(db,
        "INSERT INTO org.organization_groups (id, name) VALUES ('00000000-0000-7000-8000-000000000000', 'g')",
        "INSERT INTO org.organizations (id, name, title, group_id) SELECT ('01900000-0000-7000-8000-' "
            + "|| lpad(to_hex(i), 12, '0'))::uuid, 'org-' || i, 'Org ' || i, '00000000-0000-7000-8000-000000000000' "
            + "FROM generate_series(0, 49) i",
        // every third user made is a service user, every other one of those the crowded organization's
        "INSERT INTO org.users (id, email, name, service_org_id) SELECT ('01910000-0000-7000-8000-' "
            + "|| lpad(to_hex(i), 12, '0'))::uuid, CASE WHEN i % 3 <> 0 THEN 'person-' || i || '@example.test' END, "
            + "'user ' || i, CASE WHEN i % 3 = 0 THEN ('01900000-0000-7000-8000-' || lpad(to_hex(CASE WHEN i % 6 = 0 "
            + "THEN 0 ELSE 1 + i % 49 END), 12, '0'))::uuid END FROM generate_series(1, 30000) i",
        "INSERT INTO org.memberships (org_id, user_id, roles) SELECT service_org_id, id, '{viewer}' FROM org.users "
            + "WHERE service_org_id IS NOT NULL");
    OrgServiceVerticle.MIGRATIONS.applyTo(db);
    PgFixture.execute(db, "VACUUM ANALYZE org.users, org.memberships");
    pool = Database.open(vertx, db, 1, List.of()).await();
  }

  @AfterAll
  void close() {
    vertx.close().await();
  }

  /** A page from the middle of the crowded organization's: its rows in index order, none sorted. */
  @Test
  void aPageIsReadInIdOrderFromTheOrganizationsIndex() {
    var middle = pool.query("SELECT id FROM org.users WHERE service_org_id = '" + CROWDED + "' ORDER BY id "
        + "OFFSET 2500 LIMIT 1").execute().await().iterator().next().getUUID(0);

    var plan = plan(ServiceUserRepository.LIST, Tuple.of(CROWDED, middle, 51));

    assertTrue(plan.contains("Index Scan using users_service_org_id_idx"), plan);
    assertFalse(plan.contains("Sort"), plan);
  }

  /** What the single-column index it replaced served: an organization's service users found by it alone. */
  @Test
  void anOrganizationsServiceUsersAreFoundByTheSameIndex() {
    var plan = plan("SELECT id FROM org.users WHERE service_org_id = $1", Tuple.of(CROWDED));

    assertTrue(plan.contains("users_service_org_id_idx"), plan);
  }

  private String plan(String sql, Tuple parameters) {
    var rows = pool.preparedQuery("EXPLAIN " + sql).execute(parameters).await();
    return StreamSupport.stream(rows.spliterator(), false).map((Row row) -> row.getString(0))
        .collect(Collectors.joining("\n"));
  }
}
