package dev.orgplane.org.role;

import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.RefusedValues;
import dev.orgplane.org.access.OrgAccess;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * No one grants what they do not hold. The roles a caller gives (to members, invitations, service users), the custom
 * roles they write or change, and the members they demote or remove may carry only permissions the caller holds in
 * that organization: a manager cannot make an owner, nor demote or remove one, and a role manager cannot widen the
 * role they hold. Owners, group admins and platform admins hold every permission. The provisioning engine is not
 * bound: it copies a template's grants as they are, for a requester authorized on both organizations.
 */
public final class RoleGrants {

  /**
   * The roles named, each custom one locked until the caller's transaction ends: a deletion of the role waits for
   * the grant, then counts it and refuses (or, first, makes the grant find no such role), so no one is left holding
   * a name that grants nothing, and later whatever a role made under that name grants.
   */
  private static final String NAMED = "SELECT x.name, (SELECT r.permissions FROM org.roles r "
      + "WHERE r.org_id = $1 AND r.name = x.name FOR SHARE) AS permissions FROM unnest($2::text[]) AS x(name)";
  private static final String HELD_BY_MEMBERS = "SELECT x.name, r.permissions "
      + "FROM org.memberships m CROSS JOIN unnest(m.roles) AS x(name) "
      + "LEFT JOIN org.roles r ON r.org_id = m.org_id AND r.name = x.name WHERE m.org_id = $1 AND m.user_id = ANY ($2)";
  /**
   * Every role held by someone who holds one of the roles {@code $2}: a member or service user, or a pending invitation
   * that grants it. Owners are left out: the owner role grants every permission, so narrowing another role they hold
   * takes nothing from them.
   */
  private static final String HELD_WITH_ROLES = "SELECT x.name, r.permissions FROM (SELECT DISTINCT unnest(h.roles) "
      + "AS name FROM (SELECT roles FROM org.memberships WHERE org_id = $1 AND roles && $2::text[] UNION ALL "
      + "SELECT roles FROM org.invitations WHERE org_id = $1 AND roles && $2::text[] AND expires_at > now()) h "
      + "WHERE NOT 'owner' = ANY (h.roles)) x "
      + "LEFT JOIN org.roles r ON r.org_id = $1 AND r.name = x.name";

  private RoleGrants() {
  }

  /** Refuses roles the organization does not have (422 {@code unknown_role}) and roles beyond the caller's. */
  public static Future<Void> requireGrantable(SqlClient tx, OrgAccess access, Collection<String> roles) {
    return named(tx, access, roles).map(rows -> {
      var unknown = new ArrayList<String>();
      rows.forEach(row -> {
        if (row.getArrayOfStrings("permissions") == null && !PermissionCatalog.isPredefined(row.getString("name"))) {
          unknown.add(row.getString("name"));
        }
      });
      if (!unknown.isEmpty()) {
        throw new ApiException(422, "unknown_role", "No such role in this organization: "
            + RefusedValues.listed(unknown), RefusedValues.errors("roles", unknown));
      }
      requireHeld(access, permissions(rows), "grant");
      return null;
    });
  }

  /**
   * Refuses to replace a grant not yet taken (a pending invitation's {@code roles}) that carries a permission the
   * caller does not hold: replacing it takes back what someone holding more gave. Roles gone since grant nothing.
   */
  public static Future<Void> requireReplaceable(SqlClient tx, OrgAccess access, Collection<String> roles) {
    if (roles.isEmpty() || !bound(access)) {
      return Future.succeededFuture();
    }
    return named(tx, access, roles).map(rows -> {
      requireHeld(access, permissions(rows), "replace a grant of");
      return null;
    });
  }

  /** Refuses to change or remove a member who holds a permission the caller does not. */
  public static Future<Void> requireNotAbove(SqlClient tx, OrgAccess access, UUID memberId) {
    return requireNotAbove(tx, access, List.of(memberId), HELD_BY_MEMBERS);
  }

  /** Refuses unless the caller holds each permission of the roles {@code held} reads of {@code memberIds}. */
  private static Future<Void> requireNotAbove(SqlClient tx, OrgAccess access, Collection<UUID> memberIds,
      String held) {
    if (!memberIds.isEmpty() && bound(access)) {
      return tx.preparedQuery(held).execute(Tuple.tuple().addUUID(access.orgId())
              .addArrayOfUUID(memberIds.toArray(new UUID[0])))
          .map(rows -> {
            requireHeld(access, permissions(rows), "change a member who holds");
            return null;
          });
    }
    return Future.succeededFuture();
  }

  /**
   * Refuses to narrow the custom roles named while anyone holding one of them holds a permission the caller does not:
   * members, service users and pending invitations granting it, in one query. Narrowing a role demotes each of them,
   * as setting their roles would ({@link #requireNotAbove}, {@link #requireReplaceable}); until session 31 it was let
   * through when the caller held the role's own permissions, whoever held it.
   */
  static Future<Void> requireNotAboveHolders(SqlClient tx, OrgAccess access, Collection<String> roles) {
    if (roles.isEmpty() || !bound(access)) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery(HELD_WITH_ROLES).execute(Tuple.tuple().addUUID(access.orgId())
            .addArrayOfString(roles.toArray(new String[0])))
        .map(rows -> {
          requireHeld(access, permissions(rows), "narrow a role held by someone who holds");
          return null;
        });
  }

  /**
   * Refuses an import of {@code memberIds} that gives other roles to a member holding a permission the caller does
   * not, in one query. Owners are not asked about: an import leaves them as they are. Nor need members named with the
   * roles they hold be left out: the caller may grant those roles, so they hold nothing beyond the caller's. The
   * caller's transaction holds the organization's row (FOR UPDATE, {@code AccessPolicy.requireLockedUnlessEngine}):
   * that waited for the members being added meanwhile (their foreign key holds the row FOR KEY SHARE) and holds off
   * changes of roles, so the check, a statement of its own, sees every member the import replaces. The engine, not
   * bound, is not asked.
   */
  public static Future<Void> requireNotAboveImported(SqlClient tx, OrgAccess access, Collection<UUID> memberIds) {
    return requireNotAbove(tx, access, memberIds, HELD_BY_MEMBERS + " AND NOT 'owner' = ANY (m.roles)");
  }

  /**
   * Refuses {@code permissions} unless the caller holds each of them; {@code doing} completes "You cannot ... a
   * permission you do not hold".
   */
  public static void requireHeld(OrgAccess access, Collection<String> permissions, String doing) {
    if (!bound(access)) {
      return;
    }
    var missing = new TreeSet<>(permissions);
    missing.removeAll(access.permissions());
    if (!missing.isEmpty()) {
      throw ApiException.forbidden("permission_not_held",
          "You cannot " + doing + " permissions you do not hold in this organization: " + missing);
    }
  }

  private static Future<RowSet<Row>> named(SqlClient tx, OrgAccess access, Collection<String> roles) {
    return tx.preparedQuery(NAMED).execute(Tuple.tuple().addUUID(access.orgId())
        .addArrayOfString(roles.toArray(new String[0])));
  }

  private static boolean bound(OrgAccess access) {
    return !access.provisioner();
  }

  private static Set<String> permissions(RowSet<Row> rows) {
    var result = new TreeSet<String>();
    rows.forEach(row -> {
      var custom = row.getArrayOfStrings("permissions");
      result.addAll(custom != null ? List.of(custom)
          : PermissionCatalog.PREDEFINED_ROLES.getOrDefault(row.getString("name"), Set.of()));
    });
    return result;
  }
}
