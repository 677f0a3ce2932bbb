package dev.orgplane.org.organization;

import dev.orgplane.org.audit.AuditLog;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.Optional;
import java.util.UUID;

/**
 * SQL of disabling and enabling an organization. Each is one statement that decides whether the caller's level
 * changes anything, changes it, audits it and queues it for the organization's hooks, and answers the organization
 * as it then is: no round trip between the decision and the write for another request to slip into.
 *
 * <p>The caller holds the organization's row already (it decided the caller's level under that lock, see
 * {@link OrganizationStateRoutes}), in an earlier statement: this one's snapshot, taken after the wait, shows what a
 * request that held the row before wrote, so it decides on that, and the row it answers unchanged is that one too.
 */
final class OrganizationStates {

  private OrganizationStates() {
  }

  /** The organization after a disable or enable, and whether this request changed it. */
  record StateChange(Organization organization, boolean applied) {
  }

  /**
   * Disables the organization at {@code level}, if it is enabled or was disabled at a lower level (the higher level
   * takes over, with its own time and reason); at that level or above already, nothing changes. Empty if the
   * organization is gone.
   */
  static Future<Optional<StateChange>> disable(SqlClient client, UUID id, DisableLevel level, String reason,
      Object[] event) {
    return run(client, DISABLE, event, id, level.apiName(), reason);
  }

  /** Enables the organization if it was disabled at {@code level} or below; else nothing changes. */
  static Future<Optional<StateChange>> enable(SqlClient client, UUID id, DisableLevel level, Object[] event) {
    return run(client, ENABLE, event, id, level.apiName());
  }

  private static Future<Optional<StateChange>> run(SqlClient client, String sql, Object[] event, Object... values) {
    return client.preparedQuery(sql).execute(AuditLog.withEvent(event, values)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      var row = rows.iterator().next();
      return Optional.of(new StateChange(Organization.MAPPER.apply(row), row.getBoolean("applied")));
    });
  }

  /** $1 the organization, $2 the caller's level. */
  private static final String LEVEL = "$2::text::org.disable_level";
  private static final String DISABLE = statement(
      "state = 'disabled', disabled_by = " + LEVEL + ", disabled_at = now(), disabled_reason = $3",
      "(l.disabled_by IS NULL OR l.disabled_by < " + LEVEL + ")", 4);
  private static final String ENABLE = statement(
      "state = 'enabled', disabled_by = NULL, disabled_at = NULL, disabled_reason = NULL",
      "l.disabled_by <= " + LEVEL, 3);

  /** Sets {@code set} if the held row {@code l} meets {@code allowed}; the event's parameters start at {@code event}. */
  private static String statement(String set, String allowed, int event) {
    return "WITH held AS (SELECT * FROM org.organizations WHERE id = $1), "
        + "changed AS (UPDATE org.organizations o SET " + set + ", version = o.version + 1, updated_at = now() "
        + "FROM held l WHERE o.id = l.id AND " + allowed + " RETURNING o.*), "
        + AuditLog.hookEventFor("changed", event) + " "
        + "SELECT *, true AS applied FROM changed "
        + "UNION ALL SELECT *, false FROM held WHERE NOT EXISTS (SELECT 1 FROM changed)";
  }
}
