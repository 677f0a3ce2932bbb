package dev.orgplane.org.invitation;

import dev.orgplane.kit.db.BatchedPurge;
import dev.orgplane.kit.db.TimeOrderedIds;
import dev.orgplane.kit.http.Timestamps;
import dev.orgplane.org.access.AccessPolicy;
import dev.orgplane.org.audit.AuditLog;
import dev.orgplane.org.role.RoleSet;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL over {@code org.invitations}. */
public final class InvitationRepository {

  private static final String SELECT = select("org.invitations");
  /** As {@link #SELECT}, whether the invitation expired judged at the moment {@code $3}: see {@link #acceptable}. */
  private static final String SELECT_AT = select("org.invitations", "$3::timestamptz");

  private InvitationRepository() {
  }

  /**
   * What the organization's pending invitation of {@code email} grants, which inviting the address again replaces;
   * {@link PendingGrant#NONE} when there is no such invitation.
   */
  static Future<PendingGrant> pendingGrant(SqlClient client, UUID orgId, String email) {
    return client.preparedQuery("SELECT roles, cardinality(team_ids) > 0 AS names_teams FROM org.invitations "
            + "WHERE org_id = $1 AND lower(email) = lower($2) AND expires_at > now()").execute(Tuple.of(orgId, email))
        .map(rows -> {
          if (rows.size() == 0) {
            return PendingGrant.NONE;
          }
          var row = rows.iterator().next();
          return new PendingGrant(List.of(row.getArrayOfStrings("roles")), row.getBoolean("names_teams"));
        });
  }

  /** A pending invitation's roles, and whether it names teams, which accepting it puts its invitee in. */
  record PendingGrant(List<String> roles, boolean namesTeams) {
    static final PendingGrant NONE = new PendingGrant(List.of(), false);
  }

  /**
   * The pending invitation for that email: a new one, or the existing one made anew (the address as now written, the
   * one mailed, roles, teams, inviter, the job's requester it is made for if any, creation time and expiry), under its
   * old id; written and read back as shown in one statement.
   */
  static Future<JsonObject> upsert(SqlClient tx, UUID orgId, String email, List<String> roles, List<UUID> teams,
      UUID invitedBy, UUID requestedBy, long ttlSeconds) {
    return tx.preparedQuery("WITH upserted AS (INSERT INTO org.invitations AS i "
            + "(id, org_id, email, roles, team_ids, invited_by, requested_by, expires_at) "
            + "VALUES ($1, $2, $3, $4, $5, $6, $7, now() + $8 * interval '1 second') "
            + "ON CONFLICT (org_id, lower(email)) DO UPDATE SET email = EXCLUDED.email, roles = EXCLUDED.roles, "
            + "team_ids = EXCLUDED.team_ids, invited_by = EXCLUDED.invited_by, "
            + "requested_by = EXCLUDED.requested_by, created_at = now(), expires_at = EXCLUDED.expires_at "
            + "RETURNING i.*) " + select("upserted"))
        .execute(Tuple.from(new Object[] {TimeOrderedIds.next(), orgId, email, roles.toArray(new String[0]),
            teams.toArray(new UUID[0]), invitedBy, requestedBy, (double) ttlSeconds}))
        .map(rows -> toJson(rows.iterator().next()));
  }

  /**
   * Invitations of {@code relation} as the API shows them: with their organization's name, title and state, and
   * whether they expired by the clock every query here finds pending invitations by, the database's at the
   * transaction's start (by this process's clock, read later, an acceptance that waited for the invitation's row
   * answered 410 for one its own transaction still found pending).
   */
  private static String select(String relation) {
    return select(relation, "now()");
  }

  private static String select(String relation, String clock) {
    return "SELECT i.*, i.expires_at <= " + clock + " AS expired, o.name AS org_name, o.title AS org_title, "
        + "o.state AS org_state FROM " + relation + " i JOIN org.organizations o ON o.id = i.org_id ";
  }

  /**
   * Share-locks the organization {@code id} invites into, until the caller's transaction ends, and answers its state
   * and the moment the lock was taken, by the database's clock (empty: no such invitation): neither a disabling nor a
   * role change gets between this and the caller's writes. The moment is read once the lock is held, after any wait
   * for it: the statement's own clock, or the transaction's, would be read before.
   */
  static Future<Optional<LockedOrganization>> lockOrganizationOf(SqlClient tx, UUID id) {
    return tx.preparedQuery("WITH locked AS (SELECT o.state FROM org.organizations o JOIN org.invitations i "
            + "ON i.org_id = o.id WHERE i.id = $1 FOR SHARE OF o) SELECT state, clock_timestamp() AS at FROM locked")
        .execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next())
            .map(row -> new LockedOrganization(row.getString("state"), row.getOffsetDateTime("at"))));
  }

  /** The state of the organization an acceptance holds, and when it took hold of it. */
  record LockedOrganization(String state, OffsetDateTime at) {
  }

  /** The organization's invitation {@code id} if it is pending: to the organization an expired one is gone. */
  static Future<Optional<JsonObject>> pendingIn(SqlClient client, UUID orgId, UUID id, boolean forUpdate) {
    return one(client, "i.org_id = $1 AND i.id = $2 AND i.expires_at > now()", forUpdate, Tuple.of(orgId, id));
  }

  /**
   * Invitation {@code id} if it is pending, addressed to {@code email} and into the organization {@code orgRef} (an id
   * or a name), locked for the caller's transaction.
   */
  static Future<Optional<JsonObject>> pendingFor(SqlClient tx, String orgRef, UUID id, String email) {
    if (!AccessPolicy.mayName(orgRef)) {
      return Future.succeededFuture(Optional.empty());
    }
    return one(tx, (AccessPolicy.isUuid(orgRef) ? "i.org_id = $1::uuid" : "o.name = $1") + " AND i.id = $2 "
        + "AND lower(i.email) = lower($3) AND i.expires_at > now()", true, Tuple.of(orgRef, id, email));
  }

  /**
   * Invitation {@code id}, expired or not, if it is addressed to {@code email}; locked for the caller's transaction
   * if asked.
   */
  static Future<Optional<JsonObject>> addressedTo(SqlClient tx, UUID id, String email, boolean forUpdate) {
    return one(tx, "i.id = $1 AND lower(i.email) = lower($2)", forUpdate, Tuple.of(id, email));
  }

  /**
   * {@link #addressedTo}, locked, for an acceptance holding the organization since {@code heldSince}: expired by then.
   * By the clock of its transaction's start, an acceptance that had waited for a custom role's deletion took in an
   * invitation expired by then, which the deletion had not counted as holding the role ({@code role_in_use} counts the
   * invitations unexpired by its own, later, clock), and made a member of a role there no longer was.
   */
  static Future<Optional<JsonObject>> acceptable(SqlClient tx, UUID id, String email, OffsetDateTime heldSince) {
    return one(tx, SELECT_AT, "i.id = $1 AND lower(i.email) = lower($2)", true, Tuple.of(id, email, heldSince));
  }

  private static Future<Optional<JsonObject>> one(SqlClient client, String condition, boolean forUpdate, Tuple params) {
    return one(client, SELECT, condition, forUpdate, params);
  }

  private static Future<Optional<JsonObject>> one(SqlClient client, String select, String condition,
      boolean forUpdate, Tuple params) {
    return client.preparedQuery(select + "WHERE " + condition + (forUpdate ? " FOR UPDATE OF i" : "")).execute(params)
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toJson(rows.iterator().next())));
  }

  /**
   * A page of an organization's pending invitations, in id order (time order: ids are UUIDv7), after {@code after};
   * with an {@code email}, only that address's (at most one), found by the unique index on the lower-cased address.
   * Each form is a statement of its own, so the cached plan of each uses its index.
   */
  static Future<List<JsonObject>> pendingOf(SqlClient client, UUID orgId, String email, UUID after, int fetchSize) {
    var params = email == null ? Tuple.of(orgId, after, fetchSize) : Tuple.of(orgId, after, fetchSize, email);
    return collect(client.preparedQuery(SELECT + "WHERE i.org_id = $1 AND i.expires_at > now() AND i.id > $2 "
        + (email == null ? "" : "AND lower(i.email) = lower($4) ") + "ORDER BY i.id LIMIT $3").execute(params));
  }

  /** A page of the pending invitations of an address, in every organization, after {@code after}. */
  static Future<List<JsonObject>> pendingFor(SqlClient client, String email, UUID after, int fetchSize) {
    return collect(client.preparedQuery(SELECT + "WHERE lower(i.email) = lower($1) AND i.expires_at > now() "
        + "AND i.id > $2 ORDER BY i.id LIMIT $3").execute(Tuple.of(email, after, fetchSize)));
  }

  static Future<Void> delete(SqlClient tx, UUID id) {
    return tx.preparedQuery("DELETE FROM org.invitations WHERE id = $1").execute(Tuple.of(id)).mapEmpty();
  }

  /**
   * Deletes the organization's invitations addressed to the user {@code userId}'s address (matched without case, as
   * accepting matches it) and answers their ids.
   */
  static Future<List<UUID>> deleteAddressedTo(SqlClient tx, UUID orgId, UUID userId) {
    return tx.preparedQuery("DELETE FROM org.invitations i USING org.users u WHERE i.org_id = $1 AND u.id = $2 "
            + "AND lower(i.email) = lower(u.email) RETURNING i.id").execute(Tuple.of(orgId, userId))
        .map(rows -> {
          var ids = new ArrayList<UUID>();
          rows.forEach(row -> ids.add(row.getUUID("id")));
          return ids;
        });
  }

  /**
   * Deletes the invitations to {@code userId}'s address of every organization they are a member of, each audited in
   * its organization by {@link AuditLog#insertForEach} with {@code audit} ({@link AuditLog#valuesForEach}), in one
   * statement: before the account goes, or its address moves, which takes what the statement finds them by.
   */
  static Future<Void> deleteAddressedToMemberships(SqlClient tx, UUID userId, Object[] audit) {
    return tx.preparedQuery("WITH withdrawn AS (DELETE FROM org.invitations i USING org.users u WHERE u.id = $1 "
            + "AND lower(i.email) = lower(u.email) AND i.org_id IN (SELECT org_id FROM org.memberships WHERE user_id = $1) "
            + "RETURNING i.org_id, 'invitation:' || i.id AS target) " + AuditLog.insertForEach("withdrawn", 2))
        .execute(AuditLog.withEvent(audit, userId)).mapEmpty();
  }

  /** Drops invitations that expired more than {@code graceSeconds} ago. */
  public static BatchedPurge expiredPurge(Pool pool, long graceSeconds) {
    return new BatchedPurge(pool, "expired invitations", "DELETE FROM org.invitations WHERE id IN (SELECT id "
        + "FROM org.invitations WHERE expires_at < now() - $1 * interval '1 second' LIMIT " + BatchedPurge.BATCH + ")",
        Tuple.of((double) graceSeconds));
  }

  private static Future<List<JsonObject>> collect(Future<io.vertx.sqlclient.RowSet<Row>> rows) {
    return rows.map(set -> {
      var result = new ArrayList<JsonObject>();
      set.forEach(r -> result.add(toJson(r)));
      return result;
    });
  }

  private static JsonObject toJson(Row row) {
    var teams = new JsonArray();
    for (var team : row.getArrayOfUUIDs("team_ids")) {
      teams.add(team.toString());
    }
    return new JsonObject().put("id", row.getUUID("id").toString())
        .put("organization", new JsonObject().put("id", row.getUUID("org_id").toString())
            .put("name", row.getString("org_name")).put("title", row.getString("org_title"))
            .put("state", row.getString("org_state")))
        .put("email", row.getString("email")).put("roles", new JsonArray(RoleSet.of(row)))
        .put("groupIds", teams)
        .put("createdAt", Timestamps.iso(row.getOffsetDateTime("created_at")))
        .put("expiresAt", Timestamps.iso(row.getOffsetDateTime("expires_at")))
        .put("expired", row.getBoolean("expired"));
  }
}
