package dev.orgplane.org.team;

import dev.orgplane.org.audit.AuditLog;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/** What other features (invitations) need of teams: do they exist, put a member in several, and audit that. */
public final class Teams {

  private Teams() {
  }

  /** The ids among {@code teamIds} that are no team of the organization; none asked, no statement. */
  public static Future<List<UUID>> missing(SqlClient client, UUID orgId, List<UUID> teamIds) {
    if (teamIds.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return client.preparedQuery("SELECT x.id FROM unnest($2::uuid[]) AS x(id) WHERE NOT EXISTS "
            + "(SELECT 1 FROM org.teams t WHERE t.org_id = $1 AND t.id = x.id)")
        .execute(Tuple.of(orgId, (Object) teamIds.toArray(new UUID[0])))
        .map(rows -> {
          var result = new ArrayList<UUID>();
          rows.forEach(r -> result.add(r.getUUID("id")));
          return result;
        });
  }

  /**
   * Adds one organization member to several teams of that organization, in one statement (none for no teams), and
   * answers the teams they joined, sorted as their ids are written: a team deleted meanwhile is none.
   */
  public static Future<List<UUID>> join(SqlClient tx, UUID orgId, List<UUID> teamIds, UUID userId) {
    if (teamIds.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return tx.preparedQuery("INSERT INTO org.team_members (org_id, team_id, user_id) "
            + "SELECT $1, t.id, $3 FROM org.teams t WHERE t.org_id = $1 AND t.id = ANY ($2::uuid[]) ON CONFLICT DO NOTHING "
            + "RETURNING team_id")
        .execute(Tuple.of(orgId, teamIds.toArray(new UUID[0]), userId))
        .map(rows -> {
          var joined = new ArrayList<UUID>();
          rows.forEach(row -> joined.add(row.getUUID("team_id")));
          joined.sort(Comparator.comparing(UUID::toString));
          return joined;
        });
  }

  /** The audit event of {@code userId}'s joining the team {@code teamId}, as a change of its members records it. */
  public static AuditLog.Event membersAdded(UUID teamId, UUID userId) {
    return TeamRoutes.event("team.members_added", teamId, TeamRoutes.members(List.of(userId)));
  }
}
