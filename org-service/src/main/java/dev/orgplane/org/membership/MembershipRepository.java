package dev.orgplane.org.membership;

import dev.orgplane.org.role.RoleSet;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL over {@code org.memberships}; every statement is scoped by organization id. */
public final class MembershipRepository {

  static final String COLUMNS = "m.user_id, u.email, u.name, m.roles, m.created_at, m.updated_at";
  /** The rows of the users joining organization $1, from $2: {@link #items} of them. */
  private static final String JOINING = "SELECT $1, (x->>'id')::uuid, ARRAY(SELECT jsonb_array_elements_text(x->'roles')) "
      + "FROM jsonb_array_elements($2::jsonb) AS x ";

  /** The owners of organization $1 other than $2, as {@code n}: people only ({@link #otherOwners}). */
  private static final String OTHER_OWNERS = "SELECT count(*) AS n FROM org.memberships o "
      + "JOIN org.users ou ON ou.id = o.user_id "
      + "WHERE o.org_id = $1 AND o.user_id <> $2 AND 'owner' = ANY (o.roles) AND ou.service_org_id IS NULL";

  private MembershipRepository() {
  }

  /** Adds the users with the roles in one statement; users already in the organization keep theirs. */
  public static Future<Integer> upsert(SqlClient tx, UUID orgId, List<UUID> userIds, List<String> roles) {
    return tx.preparedQuery("INSERT INTO org.memberships (org_id, user_id, roles) "
            + "SELECT $1, x.id, $3 FROM unnest($2::uuid[]) AS x(id) ON CONFLICT (org_id, user_id) DO NOTHING")
        .execute(Tuple.of(orgId, userIds.toArray(new UUID[0]), roles.toArray(new String[0])))
        .map(rows -> rows.rowCount());
  }

  /** Adds each user with their own roles in one statement; users already in the organization keep theirs. */
  static Future<List<Written>> upsert(SqlClient tx, UUID orgId, List<MembershipRoutes.Joining> joining) {
    return write(tx, orgId, joining, "ON CONFLICT (org_id, user_id) DO NOTHING ");
  }

  /**
   * Imports members with their roles in one statement: new ones join, members there already take the imported roles,
   * as every import replaces what it names, except owners, who stay as they are (an import never takes an
   * organization's owner away).
   */
  static Future<List<Written>> importAll(SqlClient tx, UUID orgId, List<MembershipRoutes.Joining> joining) {
    return write(tx, orgId, joining, "ON CONFLICT (org_id, user_id) DO UPDATE SET roles = EXCLUDED.roles, "
        + "updated_at = now() WHERE NOT 'owner' = ANY (org.memberships.roles) "
        + "AND " + otherRoles("org.memberships.roles", "EXCLUDED.roles") + " ");
  }

  /**
   * Whether the roles {@code held} and {@code given} differ as sets: the same roles in another order are no change,
   * so nothing is written, audited or announced for them.
   */
  private static String otherRoles(String held, String given) {
    return "NOT (" + held + " @> " + given + " AND " + held + " <@ " + given + ")";
  }

  /** The members {@code onConflict} wrote, so that only those are audited and announced (untouched rows return none). */
  private static Future<List<Written>> write(SqlClient tx, UUID orgId, List<MembershipRoutes.Joining> joining,
      String onConflict) {
    return tx.preparedQuery("INSERT INTO org.memberships (org_id, user_id, roles) " + JOINING + onConflict
            + "RETURNING user_id, roles, (xmax = 0) AS joined")
        .execute(Tuple.of(orgId, items(joining)))
        .map(rows -> {
          var written = new ArrayList<Written>();
          rows.forEach(row -> written.add(new Written(row.getUUID("user_id"), RoleSet.of(row),
              row.getBoolean("joined"))));
          return written;
        });
  }

  /** The joining users as the statements read them: {@code [{id, roles}]}. */
  private static JsonArray items(List<MembershipRoutes.Joining> joining) {
    return new JsonArray(joining.stream().map(j -> new JsonObject()
        .put("id", j.userId().toString()).put("roles", new JsonArray(j.roles()))).toList());
  }

  /** A member written by adding or importing: one who joined, or else one whose roles changed, with the roles now held. */
  record Written(UUID userId, List<String> roles, boolean joined) {
  }

  /**
   * Of {@code ids}, those a caller with {@code reach} may not add to an organization of {@code groupId}, in one
   * statement: no person (no user, a service user, which belongs to its own organization only, or the provisioning
   * engine) or a person out of reach. Each id's memberships are read by user ({@code memberships_user_idx}), their
   * maker's adminship by the group admins' key.
   */
  static Future<List<UUID>> notAddable(SqlClient tx, UUID groupId, AddReach reach, List<UUID> ids) {
    return tx.preparedQuery("SELECT x.id FROM unnest($1::uuid[]) AS x(id) WHERE NOT EXISTS (SELECT 1 FROM org.users u "
            + "WHERE u.id = x.id AND u.service_org_id IS NULL AND NOT u.provisioner AND ($3 "
            + "OR EXISTS (SELECT 1 FROM org.memberships m JOIN org.organizations o ON o.id = m.org_id "
            + "WHERE m.user_id = u.id AND o.group_id = $2) "
            + "OR ($4 OR $5 AND EXISTS (SELECT 1 FROM org.group_admins ga WHERE ga.group_id = $2 "
            + "AND ga.user_id = u.created_by)) "
            + "AND NOT EXISTS (SELECT 1 FROM org.memberships m WHERE m.user_id = u.id)))")
        .execute(Tuple.of(ids.toArray(new UUID[0]), groupId, reach == AddReach.ANY_PERSON,
            reach == AddReach.GROUP_OR_ORGLESS, reach == AddReach.GROUP_OR_ORGLESS_IT_MADE))
        .map(rows -> {
          var result = new ArrayList<UUID>();
          rows.forEach(row -> result.add(row.getUUID("id")));
          return result;
        });
  }

  /** Whether the account with that address (in any letter case) is a member of the organization. */
  public static Future<Boolean> hasMemberWithEmail(SqlClient client, UUID orgId, String email) {
    return client.preparedQuery("SELECT EXISTS (SELECT 1 FROM org.memberships m JOIN org.users u ON u.id = m.user_id "
            + "WHERE m.org_id = $1 AND lower(u.email) = lower($2)) AS member")
        .execute(Tuple.of(orgId, email)).map(rows -> rows.iterator().next().getBoolean("member"));
  }

  /** A page of the organization's members (people, not service users), of address {@code email} if not null. */
  static Future<List<Member>> list(SqlClient client, UUID orgId, String email, UUID after, int fetchSize) {
    var params = email == null ? Tuple.of(orgId, after, fetchSize) : Tuple.of(orgId, after, fetchSize, email);
    return client.preparedQuery("SELECT " + COLUMNS + " FROM org.memberships m JOIN org.users u ON u.id = m.user_id "
            + "WHERE m.org_id = $1 AND u.service_org_id IS NULL AND m.user_id > $2 "
            + (email == null ? "" : "AND lower(u.email) = lower($4) ") + "ORDER BY m.user_id LIMIT $3")
        .mapping(Member.MAPPER)
        .execute(params)
        .map(rows -> {
          var result = new ArrayList<Member>();
          rows.forEach(result::add);
          return result;
        });
  }

  /**
   * The member {@code userId} of the organization, service users included, as {@code PUT .../roles} answers them;
   * {@code forUpdate} locks their row, so that a change compares its {@code If-Match} with the member as a change under
   * way left them.
   */
  static Future<Optional<Member>> find(SqlClient client, UUID orgId, UUID userId, boolean forUpdate) {
    return client.preparedQuery("SELECT " + COLUMNS + " FROM org.memberships m JOIN org.users u ON u.id = m.user_id "
            + "WHERE m.org_id = $1 AND m.user_id = $2" + (forUpdate ? " FOR UPDATE OF m" : ""))
        .mapping(Member.MAPPER)
        .execute(Tuple.of(orgId, userId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next()));
  }

  /**
   * The member with {@code roles}, or null for no such member; written (and their {@code updatedAt} moved) only if the
   * roles differ from those they had, which the answer tells, so that only a change is audited and announced.
   */
  static Future<RolesSet> setRoles(SqlClient tx, UUID orgId, UUID userId, List<String> roles) {
    return tx.preparedQuery("WITH changed AS (UPDATE org.memberships SET roles = $3, updated_at = now() "
            + "WHERE org_id = $1 AND user_id = $2 AND " + otherRoles("roles", "$3") + " RETURNING *) "
            + "SELECT " + COLUMNS + ", true AS changed FROM changed m JOIN org.users u ON u.id = m.user_id "
            + "UNION ALL SELECT " + COLUMNS + ", false FROM org.memberships m JOIN org.users u ON u.id = m.user_id "
            + "WHERE m.org_id = $1 AND m.user_id = $2 AND NOT EXISTS (SELECT 1 FROM changed)")
        .mapping(row -> new RolesSet(Member.MAPPER.apply(row), row.getBoolean("changed")))
        .execute(Tuple.of(orgId, userId, roles.toArray(new String[0])))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  /** A member whose roles were set, as they are now, and whether that changed their roles. */
  record RolesSet(Member member, boolean changed) {
  }

  static Future<Boolean> remove(SqlClient tx, UUID orgId, UUID userId) {
    return tx.preparedQuery("DELETE FROM org.memberships WHERE org_id = $1 AND user_id = $2")
        .execute(Tuple.of(orgId, userId)).map(rows -> rows.rowCount() > 0);
  }

  /**
   * Owners other than {@code userId}, people only (a service user made owner before session 17 keeps no one in
   * charge once deleted); the caller holds the organization row lock, so this cannot race.
   */
  static Future<Long> otherOwners(SqlClient tx, UUID orgId, UUID userId) {
    return tx.preparedQuery(OTHER_OWNERS)
        .execute(Tuple.of(orgId, userId)).map(rows -> rows.iterator().next().getLong("n"));
  }

  /** Where the member {@code userId} stands, with one statement: empty if they are no member. */
  static Future<Optional<MemberStanding>> standing(SqlClient tx, UUID orgId, UUID userId) {
    return tx.preparedQuery("SELECT u.service_org_id IS NULL AND NOT u.provisioner AS person, "
            + "'owner' = ANY (m.roles) AS owner, (" + OTHER_OWNERS + ") AS others FROM org.memberships m "
            + "JOIN org.users u ON u.id = m.user_id WHERE m.org_id = $1 AND m.user_id = $2")
        .execute(Tuple.of(orgId, userId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next())
            .map(row -> new MemberStanding(row.getBoolean("person"), row.getBoolean("owner"), row.getLong("others"))));
  }

  static Future<Boolean> isOwner(SqlClient tx, UUID orgId, UUID userId) {
    return tx.preparedQuery("SELECT EXISTS (SELECT 1 FROM org.memberships WHERE org_id = $1 AND user_id = $2 "
            + "AND 'owner' = ANY (roles)) AS owner")
        .execute(Tuple.of(orgId, userId)).map(rows -> rows.iterator().next().getBoolean("owner"));
  }
}
