package dev.orgplane.org.group;

import dev.orgplane.kit.db.TimeOrderedIds;
import dev.orgplane.org.access.AccessPolicy;
import dev.orgplane.org.organization.Organization;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/** SQL over {@code org.organization_groups} and {@code org.group_admins}. */
final class GroupRepository {

  private GroupRepository() {
  }

  static Future<OrganizationGroup> insert(SqlClient tx, String name, String createKeyHash) {
    return tx.preparedQuery("INSERT INTO org.organization_groups (id, name, create_key_hash) VALUES ($1, $2, $3) "
            + "RETURNING *")
        .execute(Tuple.of(TimeOrderedIds.next(), name, createKeyHash))
        .map(rows -> OrganizationGroup.MAPPER.apply(rows.iterator().next()));
  }

  /** The group if the user may see it: a platform admin sees all, a group admin their own. */
  static Future<Optional<OrganizationGroup>> visible(SqlClient client, UUID groupId, UUID userId, boolean platformAdmin) {
    return visible(client, groupId, userId, platformAdmin, false);
  }

  /**
   * {@link #visible(SqlClient, UUID, UUID, boolean)}, with {@code lock} holding the row for the caller's change: a
   * change compares the caller's {@code If-Match} with the group as it stays, and a deletion waits for changes under
   * way and makes them find the group gone (an admin granted meanwhile was a foreign key failure, 500), and the other
   * way round.
   *
   * <p>A group admin's rights are read again once the row is held, in a statement of their own: under read committed
   * the statement that waited for the lock saw the admins from before the wait, so an admin whose revocation (which
   * holds the row) committed meanwhile still renamed the group. The first statement keeps its check, so that no one
   * but the group's admins ever holds its row.
   */
  static Future<Optional<OrganizationGroup>> visible(SqlClient client, UUID groupId, UUID userId, boolean platformAdmin,
      boolean lock) {
    var found = client.preparedQuery("SELECT g.* FROM org.organization_groups g WHERE g.id = $1 AND ($3 OR EXISTS "
            + "(SELECT 1 FROM org.group_admins ga WHERE ga.group_id = g.id AND ga.user_id = $2))"
            + (lock ? " FOR UPDATE OF g" : ""))
        .execute(Tuple.of(groupId, userId, platformAdmin))
        .map(rows -> rows.size() == 0 ? Optional.<OrganizationGroup>empty()
            : Optional.of(OrganizationGroup.MAPPER.apply(rows.iterator().next())));
    return !lock || platformAdmin ? found : found.compose(group -> group.isEmpty() ? Future.succeededFuture(group)
        : isAdmin(client, groupId, userId).map(admin -> admin ? group : Optional.empty()));
  }

  static Future<Boolean> isAdmin(SqlClient client, UUID groupId, UUID userId) {
    return client.preparedQuery("SELECT EXISTS (SELECT 1 FROM org.group_admins WHERE group_id = $1 AND user_id = $2) "
            + "AS admin")
        .execute(Tuple.of(groupId, userId)).map(rows -> rows.iterator().next().getBoolean("admin"));
  }

  static Future<OrganizationGroup> rename(SqlClient tx, UUID groupId, String name) {
    return tx.preparedQuery("UPDATE org.organization_groups SET name = $2 WHERE id = $1 RETURNING *")
        .execute(Tuple.of(groupId, name))
        .map(rows -> OrganizationGroup.MAPPER.apply(rows.iterator().next()));
  }

  /**
   * Deletes the group, its admins and its create key (a column of the row), unless it holds an organization; answers
   * the admins it removed, or empty if the group stays. The caller holds the group's row: an organization joining it
   * meanwhile holds it too (its foreign key), so one waits for the other. The admins are deleted by the statement, not
   * by the foreign key's cascade, so that it answers them: one whose account's deletion removes them at that moment
   * is answered by one of the two only, whichever commits first.
   */
  static Future<Optional<List<UUID>>> deleteIfEmpty(SqlClient tx, UUID groupId) {
    return tx.preparedQuery("WITH gone AS (DELETE FROM org.organization_groups g WHERE g.id = $1 "
            + "AND NOT EXISTS (SELECT 1 FROM org.organizations o WHERE o.group_id = g.id) RETURNING g.id), "
            + "revoked AS (DELETE FROM org.group_admins ga USING gone WHERE ga.group_id = gone.id "
            + "RETURNING ga.user_id) "
            + "SELECT revoked.user_id FROM gone LEFT JOIN revoked ON true ORDER BY revoked.user_id")
        .execute(Tuple.of(groupId))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          var admins = new ArrayList<UUID>();
          rows.forEach(row -> Optional.ofNullable(row.getUUID("user_id")).ifPresent(admins::add));
          return Optional.of(admins);
        });
  }

  /** A page of the group's admins, in user id order (the primary key's). */
  static Future<List<GroupAdmin>> admins(SqlClient client, UUID groupId, UUID after, int fetchSize) {
    return client.preparedQuery("SELECT u.id, u.email, u.name FROM org.group_admins ga JOIN org.users u "
            + "ON u.id = ga.user_id WHERE ga.group_id = $1 AND ga.user_id > $2 ORDER BY ga.user_id LIMIT $3")
        .execute(Tuple.of(groupId, after, fetchSize))
        .map(rows -> collect(rows, GroupAdmin.MAPPER));
  }

  /**
   * A page of the groups a caller sees, in id order: every group for a platform admin, else the ones it
   * runs, found from its own rows (there is a group per organization made without one, so walking
   * every group to find a caller's few would cost as much as the deployment is large).
   */
  static Future<List<OrganizationGroup>> list(SqlClient client, UUID userId, boolean platformAdmin, UUID after,
      int fetchSize) {
    var page = platformAdmin
        ? client.preparedQuery("SELECT g.* FROM org.organization_groups g WHERE g.id > $1 ORDER BY g.id LIMIT $2")
            .execute(Tuple.of(after, fetchSize))
        : client.preparedQuery("SELECT g.* FROM org.group_admins ga JOIN org.organization_groups g ON g.id = ga.group_id "
                + "WHERE ga.user_id = $1 AND ga.group_id > $2 ORDER BY ga.group_id LIMIT $3")
            .execute(Tuple.of(userId, after, fetchSize));
    return page.map(rows -> collect(rows, OrganizationGroup.MAPPER));
  }

  static Future<List<Organization>> organizations(SqlClient client, UUID groupId, String afterName, int fetchSize) {
    return client.preparedQuery("SELECT * FROM org.organizations WHERE group_id = $1 AND name > $2 "
            + "ORDER BY name LIMIT $3")
        .execute(Tuple.of(groupId, afterName, fetchSize))
        .map(rows -> collect(rows, Organization.MAPPER));
  }

  /**
   * The group's new create key, rotated by {@code userId}, who is recorded as its rotator if they are an admin of the
   * group: the key is voided when their adminship ends ({@link #voidCreateKeys}); one a platform admin rotated stays.
   */
  static Future<Void> setCreateKey(SqlClient tx, UUID groupId, String createKeyHash, UUID userId) {
    return tx.preparedQuery("UPDATE org.organization_groups g SET create_key_hash = $2, create_key_rotated_by = "
            + "CASE WHEN EXISTS (SELECT 1 FROM org.group_admins ga WHERE ga.group_id = g.id AND ga.user_id = $3) "
            + "THEN $3::uuid END WHERE g.id = $1")
        .execute(Tuple.of(groupId, createKeyHash, userId)).mapEmpty();
  }

  /**
   * Voids the create keys that {@code userId} rotated in {@code groupIds}, answering those groups. A group held by a
   * change under way is skipped, not waited for: an account's deletion holds the account's row, for which an
   * appointment holding the group's row waits. Such a key is refused all the same once the rotator is no admin
   * ({@link GroupAccess#mayCreateIn}).
   */
  static Future<List<UUID>> voidCreateKeys(SqlClient tx, List<UUID> groupIds, UUID userId) {
    return tx.preparedQuery("UPDATE org.organization_groups g SET create_key_hash = NULL, create_key_rotated_by = NULL "
            + "WHERE g.id IN (SELECT id FROM org.organization_groups WHERE id = ANY($1) AND create_key_rotated_by = $2 "
            + "ORDER BY id FOR NO KEY UPDATE SKIP LOCKED) RETURNING g.id")
        .execute(Tuple.of(groupIds.toArray(new UUID[0]), userId))
        .map(rows -> collect(rows, row -> row.getUUID("id")));
  }

  /** Whether {@code userId} became an admin of the group: false for one who already was. */
  static Future<Boolean> addAdmin(SqlClient tx, UUID groupId, UUID userId) {
    return tx.preparedQuery("INSERT INTO org.group_admins (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .execute(Tuple.of(groupId, userId)).map(rows -> rows.rowCount() > 0);
  }

  /**
   * Removes {@code userId} from the admins of every group, answering those groups: an account's deletion does it before
   * the account's row goes, whose foreign key would take them unanswered.
   */
  static Future<List<UUID>> removeAdminEverywhere(SqlClient tx, UUID userId) {
    return tx.preparedQuery("DELETE FROM org.group_admins WHERE user_id = $1 RETURNING group_id")
        .execute(Tuple.of(userId))
        .map(rows -> collect(rows, row -> row.getUUID("group_id")));
  }

  static Future<Boolean> removeAdmin(SqlClient tx, UUID groupId, UUID userId) {
    return tx.preparedQuery("DELETE FROM org.group_admins WHERE group_id = $1 AND user_id = $2")
        .execute(Tuple.of(groupId, userId)).map(rows -> rows.rowCount() > 0);
  }

  /**
   * The id of the organization {@code orgRef} (an id or a name) if it is in the group and {@code userId} administers
   * the group; empty otherwise.
   */
  static Future<Optional<UUID>> administeredOrganization(SqlClient client, UUID groupId, String orgRef, UUID userId) {
    if (!AccessPolicy.mayName(orgRef)) {
      return Future.succeededFuture(Optional.empty());
    }
    return client.preparedQuery("SELECT o.id FROM org.organizations o JOIN org.group_admins ga "
            + "ON ga.group_id = o.group_id WHERE o.group_id = $1 AND ga.user_id = $3 AND "
            + (AccessPolicy.isUuid(orgRef) ? "o.id = $2::uuid" : "o.name = $2"))
        .execute(Tuple.of(groupId, orgRef, userId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getUUID("id")));
  }

  private static <T> List<T> collect(io.vertx.sqlclient.RowSet<io.vertx.sqlclient.Row> rows,
      Function<io.vertx.sqlclient.Row, T> mapper) {
    var result = new ArrayList<T>();
    rows.forEach(r -> result.add(mapper.apply(r)));
    return result;
  }
}
