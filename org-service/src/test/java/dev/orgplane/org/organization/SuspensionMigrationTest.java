package dev.orgplane.org.organization;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.db.PgUrl;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceVerticle;
import org.junit.jupiter.api.Test;

/** V28 gives the organizations disabled before it the only level there was: their own. */
class SuspensionMigrationTest {

  @Test
  void organizationsDisabledBeforeAreDisabledAtTheirOwnLevelSinceTheirLatestDisableEvent() {
    var db = PgFixture.databaseAt(OrgServiceVerticle.MIGRATIONS, 26);
    PgFixture.execute(db,
        "INSERT INTO org.organization_groups (id, name) VALUES ('00000000-0000-7000-8000-000000000001', 'g')",
        org("10", "disabled", "2026-03-01T00:00:00Z"),
        org("20", "disabled", "2026-03-05T00:00:00Z"),
        org("30", "enabled", "2026-03-01T00:00:00Z"),
        "INSERT INTO org.audit_events (org_id, actor, action, target, details, created_at) VALUES "
            + "('00000000-0000-7000-8000-000000000010', 'a', 'organization.disabled', 't', '{}', '2026-02-01T00:00:00Z'), "
            + "('00000000-0000-7000-8000-000000000010', 'a', 'organization.enabled', 't', '{}', '2026-02-02T00:00:00Z'), "
            + "('00000000-0000-7000-8000-000000000010', 'a', 'organization.disabled', 't', '{}', '2026-02-03T00:00:00Z')");

    OrgServiceVerticle.MIGRATIONS.applyTo(db);

    assertEquals(1, count(db, "10", "disabled_by = 'organization' AND disabled_at = '2026-02-03T00:00:00Z'"),
        "its latest disable event says when");
    assertEquals(1, count(db, "20", "disabled_by = 'organization' AND disabled_at = updated_at"),
        "no event: its last change is the best guess");
    assertEquals(1, count(db, "30", "disabled_by IS NULL AND disabled_at IS NULL AND disabled_reason IS NULL"));
  }

  private static String org(String suffix, String state, String updatedAt) {
    return "INSERT INTO org.organizations (id, name, title, group_id, state, updated_at) VALUES "
        + "('00000000-0000-7000-8000-0000000000" + suffix + "', 'o" + suffix + "', 't', "
        + "'00000000-0000-7000-8000-000000000001', '" + state + "', '" + updatedAt + "')";
  }

  private static long count(PgUrl db, String suffix, String condition) {
    return PgFixture.queryLong(db, "SELECT count(*) FROM org.organizations WHERE id = "
        + "'00000000-0000-7000-8000-0000000000" + suffix + "' AND " + condition);
  }
}
