package dev.orgplane.org.organization;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.http.ListOrder;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceVerticle;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The organization list's statements, as the service plans them (its session settings, the filters' values) on
 * enough organizations for the planner to tell an index from a read of every row: 20,000, their ids in creation
 * order as UUIDv7 makes them, every fifth a copy of one template in one group (a rollout's tenants), 1 % disabled.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrganizationListPlanTest {

  private static final UUID NIL = new UUID(0, 0);
  private static final UUID TEMPLATE = UUID.fromString("aaaaaaaa-0000-4000-8000-000000000000");
  private static final UUID ROLLOUT_GROUP = UUID.fromString("00000000-0000-7000-8000-000000000000");
  /** A member of 1,500 organizations: its pages walk the list's order (the statement's second branch). */
  private static final UUID MEMBER = UUID.fromString("eeeeeeee-0000-7000-8000-000000000000");

  private final Vertx vertx = Vertx.vertx();
  private Pool pool;

  @BeforeAll
  void seed() {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    PgFixture.execute(db,
        "INSERT INTO org.organization_groups (id, name) SELECT ('00000000-0000-7000-8000-' || lpad(to_hex(g), 12, "
            + "'0'))::uuid, 'g' || g FROM generate_series(0, 199) g",
        "INSERT INTO org.organizations (id, name, title, group_id, provisioned_from, state, disabled_by, disabled_at) "
            + "SELECT ('01900000-0000-7000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, 'org-' || i, 'Org ' || i, "
            + "('00000000-0000-7000-8000-' || lpad(to_hex(CASE WHEN i % 5 = 0 THEN 0 ELSE 1 + i % 199 END), 12, "
            + "'0'))::uuid, CASE WHEN i % 5 = 0 THEN jsonb_build_object('templateId', '" + TEMPLATE + "') "
            + "WHEN i % 2 = 0 THEN jsonb_build_object('templateId', gen_random_uuid()::text) END, "
            + "CASE WHEN i % 100 = 7 THEN 'disabled' ELSE 'enabled' END, "
            + "CASE WHEN i % 100 = 7 THEN 'organization'::org.disable_level END, "
            + "CASE WHEN i % 100 = 7 THEN now() END FROM generate_series(1, 20000) i",
        "INSERT INTO org.users (id, email, name) VALUES ('" + MEMBER + "', 'member@example.test', 'Member')",
        "INSERT INTO org.memberships (org_id, user_id, roles) SELECT id, '" + MEMBER + "', '{member}' "
            + "FROM org.organizations ORDER BY id LIMIT 1500",
        // as autovacuum leaves a table: the trigram indexes' pending entries merged, which the planner costs apart
        "VACUUM ANALYZE org.organizations, org.memberships");
    pool = Database.open(vertx, db, 1, List.of()).await();
  }

  @AfterAll
  void close() {
    vertx.close().await();
  }

  @Test
  void searchReadsTheTrigramIndexesForEveryCaller() {
    var search = new ListFilter("zzz", null, null, null, null);
    for (var every : List.of(true, false)) {
      var plan = plan(ListOrder.NAME, every, search, "");
      assertTrue(plan.contains("organizations_name_trgm_idx") && plan.contains("organizations_title_trgm_idx"),
          (every ? "platform admin: " : "member: ") + plan);
    }
  }

  @Test
  void disabledOrganizationsComeFromTheirOwnIndexesInEitherOrder() {
    var disabled = new ListFilter(null, "disabled", null, null, null);
    var byId = plan(ListOrder.ID, true, disabled, NIL);
    assertTrue(byId.contains("organizations_disabled_id_idx"), byId);
    // by name, 200 disabled are read from either index (by id in heap order, then sorted, is cheaper at this size)
    for (var every : List.of(true, false)) {
      var byName = plan(ListOrder.NAME, every, disabled, "");
      assertTrue(byName.contains("organizations_disabled_"), (every ? "platform admin: " : "member: ") + byName);
    }
  }

  /** A page from the middle of a rollout, as the engine asks for it: its rows in index order, none sorted. */
  @Test
  void rolloutPageIsReadInIdOrderFromTheTemplateGroupIndex() {
    var middle = pool.query("SELECT id FROM org.organizations WHERE provisioned_from->>'templateId' = '" + TEMPLATE
        + "' ORDER BY id OFFSET 2000 LIMIT 1").execute().await().iterator().next().getUUID(0);
    var plan = plan(ListOrder.ID, true, new ListFilter(null, null, ROLLOUT_GROUP, TEMPLATE, null), middle);
    assertTrue(plan.contains("Index Scan using organizations_template_group_id_idx"), plan);
    assertFalse(plan.contains("Sort"), plan);
  }

  private String plan(ListOrder order, boolean everyOrganization, ListFilter filter, Object after) {
    var rows = pool.preparedQuery("EXPLAIN " + OrganizationRepository.listSql(order, everyOrganization, false))
        .execute(OrganizationRepository.listParameters(MEMBER, everyOrganization, null, filter, after, 501)).await();
    return StreamSupport.stream(rows.spliterator(), false).map((Row row) -> row.getString(0))
        .collect(Collectors.joining("\n"));
  }
}
