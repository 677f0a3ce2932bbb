package dev.orgplane.org.team;

import dev.orgplane.kit.http.ImportBatch;
import dev.orgplane.kit.http.ListOrder;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * SQL over {@code org.teams} and {@code org.team_members} (and the teams invitations name); every statement is scoped
 * by organization.
 */
final class TeamRepository {

  static final String NAME_TAKEN_CONSTRAINT = "teams_name_key";
  static final String ID_TAKEN_CONSTRAINT = "teams_id_key";
  /** The foreign key from a team member to their membership of the organization (V5). */
  static final String MEMBERSHIP_CONSTRAINT = "team_members_membership_fkey";
  /** PostgreSQL's detail of a refusal of {@link #MEMBERSHIP_CONSTRAINT}: the user who is no member. */
  private static final Pattern GONE_MEMBER = Pattern.compile("\\(org_id, user_id\\)=\\([^,]+, ([0-9a-f-]{36})\\)");
  private static final String COLUMNS = "SELECT t.*, (SELECT count(*) FROM org.team_members tm "
      + "WHERE tm.org_id = t.org_id AND tm.team_id = t.id) AS members";
  private static final String SELECT = COLUMNS + " FROM org.teams t ";
  /**
   * The most member ids a page of teams names ({@link #list} with them): teams of thousands of members each made a
   * page of 500 of them tens of megabytes, built whole in memory, for any member to ask again and again. A copy
   * imports each page it reads in one request, which this keeps well within the default body limit (about 400 KB).
   */
  static final int MEMBER_IDS_PER_PAGE = 10_000;

  private static final String MEMBERS = "SELECT u.id, u.email, u.name FROM org.team_members tm JOIN org.users u "
      + "ON u.id = tm.user_id WHERE tm.org_id = $1 AND tm.team_id = $2 ";

  private TeamRepository() {
  }

  /** A new team; its caller reads it back once its members are in (its member count is part of it). */
  static Future<Void> insert(SqlClient tx, UUID orgId, UUID id, String name, String title, JsonObject metadata) {
    return tx.preparedQuery("INSERT INTO org.teams (org_id, id, name, title, metadata) VALUES ($1, $2, $3, $4, $5)")
        .execute(Tuple.of(orgId, id, name, title, metadata))
        .mapEmpty();
  }

  /**
   * New teams of one organization and their members, in two statements sent together, teams in order;
   * every member must be a member of the organization.
   */
  static Future<Void> insertAll(SqlClient tx, UUID orgId, List<ImportBatch.Item<TeamFields>> teams) {
    if (teams.isEmpty()) {
      return Future.succeededFuture();
    }
    var written = tx.preparedQuery("INSERT INTO org.teams (org_id, id, name, title, metadata) "
            + "SELECT $1, t.id, t.name, t.title, t.metadata::jsonb FROM " + GIVEN + " ORDER BY t.n")
        .execute(given(orgId, teams));
    return Future.all(written, addAll(tx, orgId, teams)).mapEmpty();
  }

  /**
   * Teams of one organization made as {@code teams} say (name, title, metadata), in one statement. A rename that
   * takes a name another team of the statement gives up would meet it still held: {@code WantedNames} frees it first.
   */
  static Future<Void> updateAll(SqlClient tx, UUID orgId, List<ImportBatch.Item<TeamFields>> teams) {
    if (teams.isEmpty()) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery("UPDATE org.teams team SET name = t.name, title = t.title, metadata = t.metadata::jsonb, "
            + "updated_at = now() FROM " + GIVEN + " WHERE team.org_id = $1 AND team.id = t.id")
        .execute(given(orgId, teams)).mapEmpty();
  }

  /** The teams of {@link #insertAll} and {@link #updateAll}, numbered: {@code $2} to {@code $5} of {@link #given}. */
  private static final String GIVEN = "unnest($2::uuid[], $3::text[], $4::text[], $5::text[]) "
      + "WITH ORDINALITY AS t(id, name, title, metadata, n)";

  private static Tuple given(UUID orgId, List<ImportBatch.Item<TeamFields>> teams) {
    return Tuple.of(orgId, teams.stream().map(ImportBatch.Item::id).toArray(UUID[]::new),
        teams.stream().map(team -> team.value().name()).toArray(String[]::new),
        teams.stream().map(team -> team.value().title()).toArray(String[]::new),
        teams.stream().map(team -> team.value().metadata().encode()).toArray(String[]::new));
  }

  /**
   * The organization's teams among {@code ids}, by id, locked for the import that replaces them: a change of one under
   * way (its member list's too, which moves the team's {@code updatedAt}) is waited for, and the import compares with
   * the team as that change left it, not as it was before.
   */
  static Future<Map<UUID, Team>> findAllForUpdate(SqlClient tx, UUID orgId, List<UUID> ids) {
    return tx.preparedQuery(SELECT + "WHERE t.org_id = $1 AND t.id = ANY ($2) FOR UPDATE OF t")
        .execute(Tuple.of(orgId, (Object) ids.toArray(UUID[]::new)))
        .map(rows -> {
          var found = new HashMap<UUID, Team>();
          rows.forEach(row -> found.put(row.getUUID("id"), Team.MAPPER.apply(row)));
          return found;
        });
  }

  static Future<Optional<Team>> find(SqlClient client, UUID orgId, UUID id) {
    return client.preparedQuery(SELECT + "WHERE t.org_id = $1 AND t.id = $2").execute(Tuple.of(orgId, id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(Team.MAPPER.apply(rows.iterator().next())));
  }

  static Future<Optional<Team>> findForUpdate(SqlClient tx, UUID orgId, UUID id) {
    return tx.preparedQuery(SELECT + "WHERE t.org_id = $1 AND t.id = $2 FOR UPDATE OF t").execute(Tuple.of(orgId, id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(Team.MAPPER.apply(rows.iterator().next())));
  }

  /**
   * A page of teams as shown, in {@code order} after {@code after} (a name, or an id); with {@code memberIds}, each
   * with its members' ids ({@code userIds}, in the order of their text, as a client sorting strings has them): what a
   * copy of the organization needs, in one statement rather than a call per team. Those teams are as many as {@link
   * #MEMBER_IDS_PER_PAGE} lets in, the first one whole whatever its size (a copy replaces a team's whole member list),
   * and after them comes the first team left out, without its ids: it says that another page follows.
   */
  static Future<List<JsonObject>> list(SqlClient client, UUID orgId, ListOrder order, Object after, int fetchSize,
      boolean memberIds) {
    var key = order == ListOrder.ID ? "id" : "name";
    var page = COLUMNS + " FROM org.teams t WHERE t.org_id = $1 AND t." + key + " > $2 ORDER BY t." + key
        + " LIMIT $3";
    if (!memberIds) {
      return client.preparedQuery(page).execute(Tuple.of(orgId, after, fetchSize))
          .map(rows -> {
            var result = new ArrayList<JsonObject>();
            rows.forEach(r -> result.add(Team.MAPPER.apply(r).toJson()));
            return result;
          });
    }
    return client.preparedQuery("SELECT p.*, CASE WHEN p.n = 1 OR p.ids_through <= $4 THEN ARRAY(SELECT "
            + "tm.user_id::text FROM org.team_members tm WHERE tm.org_id = p.org_id AND tm.team_id = p.id "
            + "ORDER BY tm.user_id::text) END AS user_ids FROM (SELECT t.*, row_number() OVER w AS n, "
            + "sum(t.members) OVER w AS ids_through FROM (" + page + ") t WINDOW w AS (ORDER BY t." + key + ")) p "
            + "ORDER BY p.n")
        .execute(Tuple.of(orgId, after, fetchSize, MEMBER_IDS_PER_PAGE))
        .map(rows -> {
          var result = new ArrayList<JsonObject>();
          for (var row : rows) {
            var team = Team.MAPPER.apply(row).toJson();
            var ids = row.getArrayOfStrings("user_ids");
            if (ids == null) {
              result.add(team);
              break;
            }
            result.add(team.put("userIds", new JsonArray(List.of(ids))));
          }
          return result;
        });
  }

  static Future<Boolean> update(SqlClient tx, UUID orgId, UUID id, String name, String title, JsonObject metadata) {
    return tx.preparedQuery("UPDATE org.teams SET name = COALESCE($3, name), title = COALESCE($4, title), "
            + "metadata = COALESCE($5, metadata), updated_at = now() WHERE org_id = $1 AND id = $2")
        .execute(Tuple.of(orgId, id, name, title, metadata)).map(rows -> rows.rowCount() > 0);
  }

  /**
   * Deletes the team and takes it out of the organization's invitations that name it, in one statement: left there, an
   * invitation still showed it (its ETag unchanged), and accepting joined a team made later under the same id, as a
   * copy's team is made again.
   */
  static Future<Boolean> delete(SqlClient tx, UUID orgId, UUID id) {
    return tx.preparedQuery("WITH gone AS (DELETE FROM org.teams WHERE org_id = $1 AND id = $2 RETURNING id), "
            + "uninvited AS (UPDATE org.invitations SET team_ids = array_remove(team_ids, $2) "
            + "WHERE org_id = $1 AND $2 = ANY (team_ids) AND EXISTS (SELECT 1 FROM gone)) SELECT id FROM gone")
        .execute(Tuple.of(orgId, id))
        .map(rows -> rows.size() > 0);
  }

  /**
   * Adds users in one statement and answers those it added (not those in the team already); a user who is not a
   * member of the organization fails the foreign key.
   */
  static Future<List<UUID>> addMembers(SqlClient tx, UUID orgId, UUID teamId, List<UUID> userIds) {
    return tx.preparedQuery("INSERT INTO org.team_members (org_id, team_id, user_id) "
            + "SELECT $1, $2, x.id FROM unnest($3::uuid[]) AS x(id) ON CONFLICT DO NOTHING RETURNING user_id")
        .execute(Tuple.of(orgId, teamId, userIds.toArray(new UUID[0])))
        .map(rows -> {
          var added = new ArrayList<UUID>();
          rows.forEach(r -> added.add(r.getUUID("user_id")));
          return added;
        });
  }

  /** The user a refusal of {@link #MEMBERSHIP_CONSTRAINT} names, if its detail does. */
  static Optional<UUID> goneMember(PgException refusal) {
    var gone = GONE_MEMBER.matcher(String.valueOf(refusal.getDetail()));
    return gone.find() ? Optional.of(UUID.fromString(gone.group(1))) : Optional.empty();
  }

  /** The ids among {@code userIds} that are not members of the organization. */
  static Future<List<UUID>> nonMembers(SqlClient client, UUID orgId, List<UUID> userIds) {
    return client.preparedQuery("SELECT x.id FROM unnest($2::uuid[]) AS x(id) WHERE NOT EXISTS "
            + "(SELECT 1 FROM org.memberships m WHERE m.org_id = $1 AND m.user_id = x.id)")
        .execute(Tuple.of(orgId, (Object) userIds.toArray(new UUID[0])))
        .map(rows -> {
          var result = new ArrayList<UUID>();
          rows.forEach(r -> result.add(r.getUUID("id")));
          return result;
        });
  }

  static Future<Boolean> removeMember(SqlClient tx, UUID orgId, UUID teamId, UUID userId) {
    return tx.preparedQuery("DELETE FROM org.team_members WHERE org_id = $1 AND team_id = $2 AND user_id = $3")
        .execute(Tuple.of(orgId, teamId, userId)).map(rows -> rows.rowCount() > 0);
  }

  /**
   * Makes each team's members exactly those its item names, in one statement for them all (the delete and
   * the insert see the same snapshot and touch different rows); all must be members of the organization.
   */
  static Future<Void> setMembersAll(SqlClient tx, UUID orgId, List<ImportBatch.Item<TeamFields>> teams) {
    if (teams.isEmpty()) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery("WITH gone AS (DELETE FROM org.team_members tm WHERE tm.org_id = $1 "
            + "AND tm.team_id = ANY ($4::uuid[]) AND NOT EXISTS (SELECT 1 FROM unnest($2::uuid[], $3::uuid[]) "
            + "AS m(team_id, user_id) WHERE m.team_id = tm.team_id AND m.user_id = tm.user_id)) " + ADD_ALL)
        .execute(members(orgId, teams).addValue(teams.stream().map(ImportBatch.Item::id).toArray(UUID[]::new)))
        .mapEmpty();
  }

  /** Adds each team's members, as its item names them, in one statement. */
  private static Future<RowSet<Row>> addAll(SqlClient tx, UUID orgId, List<ImportBatch.Item<TeamFields>> teams) {
    return tx.preparedQuery(ADD_ALL).execute(members(orgId, teams));
  }

  private static final String ADD_ALL = "INSERT INTO org.team_members (org_id, team_id, user_id) "
      + "SELECT $1, m.team_id, m.user_id FROM unnest($2::uuid[], $3::uuid[]) AS m(team_id, user_id) "
      + "ON CONFLICT DO NOTHING";

  /** {@code $1} the organization, {@code $2} and {@code $3} the (team, user) pairs of the items' member lists. */
  private static Tuple members(UUID orgId, List<ImportBatch.Item<TeamFields>> teams) {
    var memberTeams = new ArrayList<UUID>();
    var memberUsers = new ArrayList<UUID>();
    teams.forEach(team -> team.value().userIds().forEach(user -> {
      memberTeams.add(team.id());
      memberUsers.add(user);
    }));
    return Tuple.of(orgId, memberTeams.toArray(UUID[]::new), memberUsers.toArray(UUID[]::new));
  }

  /** The member ids of each of {@code teamIds}, in one statement; a team without members maps to an empty set. */
  static Future<Map<UUID, Set<UUID>>> memberIdsOf(SqlClient client, UUID orgId, Collection<UUID> teamIds) {
    if (teamIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return client.preparedQuery("SELECT team_id, user_id FROM org.team_members WHERE org_id = $1 AND team_id = ANY ($2)")
        .execute(Tuple.of(orgId, (Object) teamIds.toArray(UUID[]::new)))
        .map(rows -> {
          var result = new HashMap<UUID, Set<UUID>>();
          teamIds.forEach(team -> result.put(team, new HashSet<>()));
          rows.forEach(r -> result.get(r.getUUID("team_id")).add(r.getUUID("user_id")));
          return result;
        });
  }

  /**
   * One page of the team's members, in user id order (a stable key: emails change); {@code withProfiles} adds each
   * one's email and name.
   */
  static Future<List<JsonObject>> members(SqlClient client, UUID orgId, UUID teamId, UUID after, int fetchSize,
      boolean withProfiles) {
    return client.preparedQuery(MEMBERS + "AND tm.user_id > $3 ORDER BY tm.user_id LIMIT $4")
        .execute(Tuple.of(orgId, teamId, after, fetchSize))
        .map(rows -> {
          var result = new ArrayList<JsonObject>();
          rows.forEach(row -> result.add(member(row, withProfiles)));
          return result;
        });
  }

  static Future<Optional<JsonObject>> member(SqlClient client, UUID orgId, UUID teamId, UUID userId,
      boolean withProfile) {
    return client.preparedQuery(MEMBERS + "AND tm.user_id = $3").execute(Tuple.of(orgId, teamId, userId))
        .map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.of(member(rows.iterator().next(), withProfile)));
  }

  private static JsonObject member(Row row, boolean withProfile) {
    var member = new JsonObject().put("userId", row.getUUID("id").toString());
    return withProfile ? member.put("email", row.getString("email")).put("name", row.getString("name")) : member;
  }
}
