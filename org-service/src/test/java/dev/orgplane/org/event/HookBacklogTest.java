package dev.orgplane.org.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceVerticle;
import org.junit.jupiter.api.Test;

/** The hook_deliveries backlog of /metrics: pending deliveries of active hooks, counted up to a bound. */
class HookBacklogTest {

  /**
   * Pending deliveries of an active hook count, up to {@link HookDispatcher#BACKLOG_COUNTED_UP_TO} however many more
   * there are; an inactive hook's (due at 'infinity'), and ended ones, do not.
   */
  @Test
  void theBacklogCountsActiveHooksPendingDeliveriesUpToItsBound() {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var deliveries = "INSERT INTO org.hook_deliveries (org_id, hook_id, event, payload, state, next_attempt_at) "
        + "SELECT '00000000-0000-0000-0000-00000000000a', '%s', 'organization.updated', '{}', '%s', %s "
        + "FROM generate_series(1, %d)";
    PgFixture.execute(db,
        "INSERT INTO org.organization_groups (id, name) VALUES ('00000000-0000-0000-0000-000000000001', 'g')",
        "INSERT INTO org.organizations (id, name, title, group_id) VALUES ('00000000-0000-0000-0000-00000000000a', "
            + "'o', 'o', '00000000-0000-0000-0000-000000000001')",
        "INSERT INTO org.hooks (org_id, id, name, url, secret, active) VALUES "
            + "('00000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-0000000000a1', 'on', 'https://x', "
            + "'s', true), ('00000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-0000000000a2', 'off', "
            + "'https://x', 's', false)",
        deliveries.formatted("00000000-0000-0000-0000-0000000000a1", "pending", "now()", 3),
        deliveries.formatted("00000000-0000-0000-0000-0000000000a1", "delivered", "now()", 2),
        deliveries.formatted("00000000-0000-0000-0000-0000000000a2", "pending", "'infinity'", 4));
    assertEquals(3, PgFixture.queryLong(db, HookDispatcher.BACKLOG));

    PgFixture.execute(db, deliveries.formatted("00000000-0000-0000-0000-0000000000a1", "pending", "now()",
        HookDispatcher.BACKLOG_COUNTED_UP_TO));
    assertEquals(HookDispatcher.BACKLOG_COUNTED_UP_TO, PgFixture.queryLong(db, HookDispatcher.BACKLOG),
        "at least this many");
  }
}
