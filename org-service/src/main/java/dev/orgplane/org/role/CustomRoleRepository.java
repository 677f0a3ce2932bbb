package dev.orgplane.org.role;

import dev.orgplane.kit.http.ListOrder;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** SQL over {@code org.roles}; every statement is scoped by organization id. */
final class CustomRoleRepository {

  static final String NAME_TAKEN_CONSTRAINT = "roles_org_name_key";
  /** Role ids are unique across organizations, so an imported id may belong to another one. */
  static final String ID_TAKEN_CONSTRAINT = "roles_pkey";

  private static final String LIST_BY_NAME = "SELECT * FROM org.roles WHERE org_id = $1 AND name > $2 "
      + "ORDER BY name LIMIT $3";
  /** By id, as a copy pages: served by roles_org_id_idx (V42). */
  private static final String LIST_BY_ID = "SELECT * FROM org.roles WHERE org_id = $1 AND id > $2 "
      + "ORDER BY id LIMIT $3";

  private CustomRoleRepository() {
  }

  static Future<CustomRole> insert(SqlClient tx, CustomRole role) {
    return tx.preparedQuery("INSERT INTO org.roles (id, org_id, name, title, permissions, metadata) "
            + "VALUES ($1, $2, $3, $4, $5, $6) RETURNING *")
        .execute(Tuple.of(role.id(), role.orgId(), role.name(), role.title(), role.permissions().toArray(new String[0]),
            role.metadata()))
        .map(rows -> CustomRole.MAPPER.apply(rows.iterator().next()));
  }

  /** New roles of one organization in one statement, in order. */
  static Future<Void> insertAll(SqlClient tx, UUID orgId, List<CustomRole> roles) {
    if (roles.isEmpty()) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery("INSERT INTO org.roles (id, org_id, name, title, permissions, metadata) "
            + "SELECT r.id, $1, r.name, r.title, " + PERMISSIONS + ", r.metadata::jsonb FROM " + GIVEN + " ORDER BY r.n")
        .execute(given(orgId, roles))
        .mapEmpty();
  }

  /**
   * Roles of one organization made as {@code roles} say, in one statement. A rename that takes a name another role
   * of the statement gives up would meet it still held: {@code WantedNames} frees it first.
   */
  static Future<Void> updateAll(SqlClient tx, UUID orgId, List<CustomRole> roles) {
    if (roles.isEmpty()) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery("UPDATE org.roles stored SET name = r.name, title = r.title, permissions = " + PERMISSIONS
            + ", metadata = r.metadata::jsonb, updated_at = now() FROM " + GIVEN
            + " WHERE stored.org_id = $1 AND stored.id = r.id")
        .execute(given(orgId, roles))
        .mapEmpty();
  }

  /**
   * The roles of {@link #insertAll} and {@link #updateAll}, numbered. Permissions and metadata travel as JSON text:
   * an array parameter cannot hold one array per role.
   */
  private static final String GIVEN = "unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[]) "
      + "WITH ORDINALITY AS r(id, name, title, permissions, metadata, n)";
  private static final String PERMISSIONS = "ARRAY(SELECT jsonb_array_elements_text(r.permissions::jsonb))";

  private static Tuple given(UUID orgId, List<CustomRole> roles) {
    return Tuple.of(orgId, roles.stream().map(CustomRole::id).toArray(UUID[]::new),
        roles.stream().map(CustomRole::name).toArray(String[]::new),
        roles.stream().map(CustomRole::title).toArray(String[]::new),
        roles.stream().map(role -> new JsonArray(role.permissions()).encode()).toArray(String[]::new),
        roles.stream().map(role -> role.metadata().encode()).toArray(String[]::new));
  }

  /** The organization's roles among {@code roleIds}, locked for the import that replaces them. */
  static Future<Map<UUID, CustomRole>> findAllForUpdate(SqlClient tx, UUID orgId, List<UUID> roleIds) {
    return tx.preparedQuery("SELECT * FROM org.roles WHERE org_id = $1 AND id = ANY ($2) FOR UPDATE")
        .execute(Tuple.of(orgId, (Object) roleIds.toArray(UUID[]::new)))
        .map(rows -> {
          var found = new HashMap<UUID, CustomRole>();
          rows.forEach(row -> found.put(row.getUUID("id"), CustomRole.MAPPER.apply(row)));
          return found;
        });
  }

  /** A page of the organization's roles in {@code order}, after {@code after} (a name, or an id). */
  static Future<List<CustomRole>> list(SqlClient client, UUID orgId, ListOrder order, Object after, int fetchSize) {
    return client.preparedQuery(order == ListOrder.ID ? LIST_BY_ID : LIST_BY_NAME)
        .execute(Tuple.of(orgId, after, fetchSize))
        .map(rows -> {
          var result = new ArrayList<CustomRole>();
          rows.forEach(r -> result.add(CustomRole.MAPPER.apply(r)));
          return result;
        });
  }

  static Future<Optional<CustomRole>> find(SqlClient client, UUID orgId, UUID roleId, boolean forUpdate) {
    return client.preparedQuery("SELECT * FROM org.roles WHERE org_id = $1 AND id = $2" + (forUpdate ? " FOR UPDATE" : ""))
        .execute(Tuple.of(orgId, roleId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(CustomRole.MAPPER.apply(rows.iterator().next())));
  }

  static Future<CustomRole> update(SqlClient tx, CustomRole role) {
    return tx.preparedQuery("UPDATE org.roles SET name = $3, title = $4, permissions = $5, metadata = $6, "
            + "updated_at = now() WHERE org_id = $1 AND id = $2 RETURNING *")
        .execute(Tuple.of(role.orgId(), role.id(), role.name(), role.title(),
            role.permissions().toArray(new String[0]), role.metadata()))
        .map(rows -> CustomRole.MAPPER.apply(rows.iterator().next()));
  }

  /**
   * Renames the role in every membership and invitation of the organization, so assignments follow a rename (an
   * invitation kept the old name, which granted nothing once accepted, and whatever a role later made under that
   * name grants). A name kept is no rename: nothing is rewritten (or locked) then.
   */
  static Future<List<Reassigned>> renameAssignments(SqlClient tx, UUID orgId, String from, String to) {
    return renameAssignments(tx, orgId, Map.of(from, to));
  }

  private static final String RENAMED_ROLES = "ARRAY(SELECT coalesce(r.to_name, held.name) "
      + "FROM unnest(roles) WITH ORDINALITY AS held(name, position) LEFT JOIN renames r ON r.from_name = held.name "
      + "ORDER BY held.position)";

  /**
   * {@link #renameAssignments(SqlClient, UUID, String, String)} for several roles at once, with one statement: each
   * assignment takes its role's new name together, so a name one role gives up and another takes in the same batch
   * moves each role's holders to that role's new name, whatever order the renames came in. Answers the members (service
   * users among them) it gave other roles, for their {@code member.roles_changed}.
   */
  static Future<List<Reassigned>> renameAssignments(SqlClient tx, UUID orgId, Map<String, String> newNames) {
    var renames = newNames.entrySet().stream().filter(rename -> !rename.getKey().equals(rename.getValue())).toList();
    if (renames.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return tx.preparedQuery("WITH renames AS (SELECT * FROM unnest($2::text[], $3::text[]) AS r(from_name, to_name)), "
            + "invited AS (UPDATE org.invitations SET roles = " + RENAMED_ROLES + " WHERE org_id = $1 AND roles && $2) "
            + "UPDATE org.memberships SET roles = " + RENAMED_ROLES + ", updated_at = now() "
            + "WHERE org_id = $1 AND roles && $2 RETURNING user_id, roles")
        .execute(Tuple.of(orgId, renames.stream().map(Map.Entry::getKey).toArray(String[]::new),
            renames.stream().map(Map.Entry::getValue).toArray(String[]::new)))
        .map(rows -> {
          var reassigned = new ArrayList<Reassigned>();
          rows.forEach(row -> reassigned.add(new Reassigned(row.getUUID("user_id"), RoleSet.of(row))));
          return reassigned;
        });
  }

  /** A member whose roles a rename rewrote, with the roles they hold now (sorted). */
  record Reassigned(UUID userId, List<String> roles) {
  }

  /** Who holds the role, or will once they accept: its members, and its invitations not yet expired. */
  record Assignments(long members, long invitations) {

    boolean any() {
      return members + invitations > 0;
    }
  }

  static Future<Assignments> assignments(SqlClient tx, UUID orgId, String name) {
    return tx.preparedQuery("SELECT (SELECT count(*) FROM org.memberships WHERE org_id = $1 AND $2 = ANY (roles)) "
            + "AS members, (SELECT count(*) FROM org.invitations WHERE org_id = $1 AND $2 = ANY (roles) "
            + "AND expires_at > now()) AS invitations")
        .execute(Tuple.of(orgId, name)).map(rows -> {
          var row = rows.iterator().next();
          return new Assignments(row.getLong("members"), row.getLong("invitations"));
        });
  }

  static Future<Void> delete(SqlClient tx, UUID orgId, UUID roleId) {
    return tx.preparedQuery("DELETE FROM org.roles WHERE org_id = $1 AND id = $2").execute(Tuple.of(orgId, roleId))
        .mapEmpty();
  }
}
