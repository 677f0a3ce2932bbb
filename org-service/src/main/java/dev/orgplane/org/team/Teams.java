package dev.orgplane.org.team;

import dev.orgplane.org.audit.AuditLog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * What other features (invitations, members, accounts) need of teams: do they exist, put a member in several, take one
 * out of all, and audit that.
 */
public final class Teams {

  /** What {@link #leaveAll} answers of each team member row it deletes: the organization and the team as a target. */
  private static final String LEFT = "RETURNING org_id, 'team:' || team_id AS target) ";

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

  /**
   * Takes {@code userId} out of every team of the organization, as their membership is about to end, each team left
   * audited as {@code team.member_removed} with the {@code reason} ({@code member_left}, {@code member_removed},
   * {@code service_user_deleted}), in one statement. The membership's cascade would take them out as well, but
   * without an event: until session 32 a team's trail never named a member who left it that way.
   */
  public static Future<Void> leaveAll(SqlClient tx, RoutingContext ctx, UUID orgId, UUID userId, String actor,
      String reason) {
    return tx.preparedQuery("WITH left_teams AS (DELETE FROM org.team_members WHERE org_id = $1 AND user_id = $2 "
            + LEFT + AuditLog.insertForEach("left_teams", 3))
        .execute(AuditLog.withEvent(memberRemoved(ctx, userId, actor, reason), orgId, userId)).mapEmpty();
  }

  /**
   * {@link #leaveAll} in every organization {@code userId} belongs to, as their account is about to end, in one
   * statement, with the reason {@code account_deleted}.
   */
  public static Future<Void> leaveAllOfAccount(SqlClient tx, RoutingContext ctx, UUID userId, String actor) {
    // by membership, so that each organization's rows are found by team_members_user_idx (org_id, user_id)
    return tx.preparedQuery("WITH left_teams AS (DELETE FROM org.team_members WHERE (org_id, user_id) IN "
            + "(SELECT org_id, user_id FROM org.memberships WHERE user_id = $1) " + LEFT
            + AuditLog.insertForEach("left_teams", 2))
        .execute(AuditLog.withEvent(memberRemoved(ctx, userId, actor, "account_deleted"), userId)).mapEmpty();
  }

  private static Object[] memberRemoved(RoutingContext ctx, UUID userId, String actor, String reason) {
    return AuditLog.valuesForEach(ctx, actor, "team.member_removed",
        new JsonObject().put("userId", userId.toString()).put("reason", reason));
  }

  /** The audit event of {@code userId}'s joining the team {@code teamId}, as a change of its members records it. */
  public static AuditLog.Event membersAdded(UUID teamId, UUID userId) {
    return TeamRoutes.event("team.members_added", teamId, TeamRoutes.members(List.of(userId)));
  }
}
