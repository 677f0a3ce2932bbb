package dev.orgplane.org.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.MigrationRows;
import dev.orgplane.org.OrgServiceVerticle;
import org.junit.jupiter.api.Test;

/**
 * V64 stores payloads apart and V65 indexes the deliveries by theirs: a delivery queued before keeps its own payload,
 * naming none, and every delivery from then on holds exactly one of the two, which V66 validates for the rows before.
 */
class HookPayloadsMigrationTest {

  private static final String ORG = MigrationRows.ORG;
  private static final String HOOK = "'00000000-0000-7000-8000-000000000003'";

  @Test
  void aDeliveryQueuedBeforeKeepsItsOwnPayloadAndNewOnesHoldOneOfTheTwo() {
    var db = PgFixture.databaseAt(OrgServiceVerticle.MIGRATIONS, 63);
    MigrationRows.anOrganization(db);
    PgFixture.execute(db, "INSERT INTO org.hooks (org_id, id, name, url, events, secret) VALUES (" + ORG + ", " + HOOK
            + ", 'a', 'https://x.example/a', '{organization.updated}', 's')",
        "INSERT INTO org.hook_deliveries (org_id, hook_id, event, payload) VALUES (" + ORG + ", " + HOOK
            + ", 'organization.updated', '{\"label\": \"before\"}')");

    OrgServiceVerticle.MIGRATIONS.applyTo(db);

    assertEquals("before", PgFixture.queryString(db, "SELECT payload ->> 'label' FROM org.hook_deliveries "
        + "WHERE payload_id IS NULL"));
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM pg_index WHERE indisvalid "
        + "AND indexrelid = 'org.hook_deliveries_payload_idx'::regclass"));
    assertEquals(2, PgFixture.queryLong(db, "SELECT count(*) FROM pg_constraint WHERE convalidated AND conname IN "
        + "('hook_deliveries_payload_id_fkey', 'hook_deliveries_payload_once')"), "both validated, the row before too");
    var delivery = "INSERT INTO org.hook_deliveries (org_id, hook_id, event, payload, payload_id) SELECT " + ORG + ", "
        + HOOK + ", 'organization.updated', %s, %s";
    assertThrows(IllegalStateException.class, () -> PgFixture.execute(db, delivery.formatted("NULL", "NULL")),
        "neither");
    var stored = PgFixture.queryLong(db, "INSERT INTO org.hook_payloads (org_id, payload) VALUES (" + ORG
        + ", '{}') RETURNING id");
    assertThrows(IllegalStateException.class, () -> PgFixture.execute(db, delivery.formatted("'{}'", stored)),
        "both");
    PgFixture.execute(db, delivery.formatted("NULL", stored));
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.hook_deliveries WHERE payload_id = " + stored));
  }
}
