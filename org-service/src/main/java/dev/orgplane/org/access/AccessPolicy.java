package dev.orgplane.org.access;

import dev.orgplane.copy.api.EmbeddedIds;
import dev.orgplane.kit.auth.Principal;
import dev.orgplane.kit.auth.RevokedToken;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.organization.OrganizationFields;
import dev.orgplane.org.organization.Organization;
import dev.orgplane.org.role.PermissionCatalog;
import dev.orgplane.org.role.RoleSet;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The one authorization decision of the service. Every request that touches an organization asks
 * here, with the permission it needs; the answer is computed from the current rows (membership,
 * custom roles, group admins, platform admin) in one query (run after the row locks a change takes, see
 * {@link #lockedAccess}), so any change applies to the very next request. Callers who are not in the
 * organization get 404, as if it did not exist.
 *
 * <p>The provisioning engine (a user marked provisioner) is in every organization, disabled ones too,
 * with exactly {@link PermissionCatalog#PROVISIONER}: it copies templates, which are often disabled on
 * purpose, into organizations it never joins. Whatever rows say, it holds no other power.
 */
public final class AccessPolicy {

  private static final String ACCESS_QUERY = """
      SELECT o.*, m.roles AS member_roles, u.platform_admin, u.provisioner,
             EXISTS (SELECT 1 FROM org.group_admins ga WHERE ga.group_id = o.group_id AND ga.user_id = $2) AS group_admin,
             ARRAY(SELECT DISTINCT p FROM org.roles r, unnest(r.permissions) p
                   WHERE r.org_id = o.id AND r.name = ANY (m.roles)) AS custom_permissions
      FROM org.organizations o
      JOIN org.users u ON u.id = $2
      LEFT JOIN org.memberships m ON m.org_id = o.id AND m.user_id = $2
      WHERE """;
  private static final String BY_ID = ACCESS_QUERY + " o.id = $1::uuid";
  private static final String BY_NAME = ACCESS_QUERY + " o.name = $1";
  private static final String BY_IDS_OR_NAMES = ACCESS_QUERY + " (o.id = ANY ($1) OR o.name = ANY ($3))";
  /**
   * Locks only where the caller may be in the organization (a member, a group admin of its group, a platform admin or
   * the provisioner, inside a scoped token's organization): anyone else naming it is answered 404 without holding up
   * the changes of those who are. Who is in is decided again after the lock; this only keeps outsiders out of it.
   */
  private static final String LOCK = """
      SELECT o.id FROM org.organizations o
      WHERE ($3::text IS NULL OR o.id::text = $3)
        AND (EXISTS (SELECT 1 FROM org.memberships m WHERE m.org_id = o.id AND m.user_id = $2)
             OR EXISTS (SELECT 1 FROM org.group_admins ga WHERE ga.group_id = o.group_id AND ga.user_id = $2)
             OR EXISTS (SELECT 1 FROM org.users u WHERE u.id = $2 AND (u.platform_admin OR u.provisioner)))
        AND """;

  /** The statements holding the organization's row, by id or by name, and a group admin's group row, at one strength. */
  private record Hold(String byId, String byName, String group) {

    static Hold of(String strength) {
      return new Hold(LOCK + " o.id = $1::uuid " + strength + " OF o", LOCK + " o.name = $1 " + strength + " OF o",
          "SELECT 1 FROM org.organization_groups WHERE id = $1 " + strength);
    }
  }

  /** The rows of the organizations with an id of {@code $1} or a name of {@code $4}, at {@link #SHARED}'s strength. */
  private static final String HOLD_ALL_SHARED = LOCK + " (o.id = ANY ($1) OR o.name = ANY ($4)) ORDER BY o.id "
      + "FOR KEY SHARE OF o";

  /** What a change of the organization, its members or their roles takes: it waits for every other holder. */
  private static final Hold EXCLUSIVE = Hold.of("FOR UPDATE");
  /**
   * What a write of what the organization holds takes (see {@link #requireShared}): such writes, and inserts whose
   * foreign key takes the same, do not wait for each other, but each waits for an exclusive holder and holds it off.
   */
  private static final Hold SHARED = Hold.of("FOR KEY SHARE");

  private AccessPolicy() {
  }

  /**
   * The caller's access to {@code orgRef} (an id or a name) if they hold {@code permission};
   * {@code forUpdate} locks the organization row (and a group admin's group row) for the rest of the caller's
   * transaction.
   */
  public static Future<OrgAccess> require(SqlClient client, Principal principal, String orgRef, String permission,
      boolean forUpdate) {
    return access(client, principal, orgRef, forUpdate).map(access -> {
      check(access, permission);
      return access;
    });
  }

  /**
   * As {@link #require} with the organization's row locked, FOR KEY SHARE for the provisioning engine: its copies into
   * one organization run side by side (FOR UPDATE waits for every insert of the organization's rows, its other copies'
   * included). It still takes the row first, as {@link #requireShared} does: unlocked, its writes took the members' and
   * roles' rows and only then the organization's (at their foreign key's check), the reverse of an owner's change of
   * roles, and one of the two failed as a deadlock's victim.
   */
  public static Future<OrgAccess> requireLockedUnlessEngine(SqlClient client, Principal principal, String orgRef,
      String permission) {
    return access(client, principal, orgRef, false)
        .compose(access -> lockedAccess(client, principal, orgRef, access.provisioner() ? SHARED : EXCLUSIVE))
        .map(access -> {
          check(access, permission);
          return access;
        });
  }

  /**
   * As {@link #require}, the organization's row (and a group admin's group row) held FOR KEY SHARE for the rest of the
   * caller's transaction, in a statement before the decision as {@link #lockedAccess} explains: what a write of the
   * organization's setup objects takes. Such writes run side by side, but one that comes while the organization is
   * disabled, deleted, or the caller removed, demoted or their group adminship revoked (each holds the row FOR UPDATE)
   * waits for that and then decides on it, and one under way holds those off until it commits: a deletion then finds
   * and deletes the events it recorded. The provisioning engine holds the row too, which lets its copies into one
   * organization run side by side all the same (as the foreign keys of the rows they insert hold it).
   */
  public static Future<OrgAccess> requireShared(SqlClient client, Principal principal, String orgRef,
      String permission) {
    return lockedAccess(client, principal, orgRef, SHARED).map(access -> {
      check(access, permission);
      return access;
    });
  }

  /**
   * Holds the rows of the organizations {@code orgRefs} (ids or names) as {@link #requireShared} does, in id order, in
   * one statement: what a request that takes several of them with it takes first. Each of those takes a group
   * admin's group row after its organization's, so two of one group taken one after the other held the group's row
   * before the second organization's, and a group admin's change of the second (its row FOR UPDATE, then the
   * group's) waited for the request while the request waited for it.
   */
  public static Future<Void> holdShared(SqlClient client, Principal principal, List<String> orgRefs) {
    var named = orgRefs.stream().filter(AccessPolicy::mayName).toList();
    if (named.isEmpty()) {
      return Future.succeededFuture();
    }
    var ids = named.stream().filter(AccessPolicy::isUuid).map(UUID::fromString).toArray(UUID[]::new);
    var names = named.stream().filter(ref -> !isUuid(ref)).toArray(String[]::new);
    var scope = principal.isScoped() ? principal.orgScope() : null;
    return client.preparedQuery(HOLD_ALL_SHARED).execute(Tuple.of(ids, userId(principal), scope, names)).mapEmpty();
  }

  /**
   * The caller's access to {@code orgRef} whatever their permissions, the organization row locked: what
   * leaving takes, which a member may do whatever roles they hold (a custom role without
   * {@code app_organization_get} included) and in a disabled organization too.
   */
  public static Future<OrgAccess> requireMember(SqlClient client, Principal principal, String orgRef) {
    return access(client, principal, orgRef, true);
  }

  /** Where a caller stands in an organization, whatever their permissions. */
  public enum Standing {
    /** Not in it: it is missing to them (404). */
    OUTSIDE,
    /** A member of it while it is disabled: 403 {@code organization_disabled} there, but on what the disable leaves. */
    HELD_OFF,
    IN
  }

  /** Where the caller stands in {@code orgRef}, decided as every request there is. */
  public static Future<Standing> standing(SqlClient client, Principal principal, String orgRef) {
    return access(client, principal, orgRef, false)
        .map(access -> heldOffWhileDisabled(access) ? Standing.HELD_OFF : Standing.IN)
        .recover(failure -> failure instanceof ApiException api && api.status() == 404
            ? Future.succeededFuture(Standing.OUTSIDE) : Future.failedFuture(failure));
  }

  /** The caller's access to {@code orgRef}; 404 if they are not in it. */
  private static Future<OrgAccess> access(SqlClient client, Principal principal, String orgRef, boolean forUpdate) {
    if (!mayName(orgRef)) {
      return Future.failedFuture(notFound());
    }
    return forUpdate ? lockedAccess(client, principal, orgRef, EXCLUSIVE)
        : accessBy(client, principal, userId(principal), isUuid(orgRef) ? BY_ID : BY_NAME, orgRef);
  }

  /**
   * {@link #access}, the organization's row locked first, in a statement of its own: under read committed a statement
   * sees what was committed when it began, so an access query that waited for the lock decided on the roles from
   * before the wait, and a member whom the holder removed or demoted meanwhile (changes that hold the row too) acted
   * with the rights they had lost. The access query after the lock sees the holder's change.
   *
   * <p>A group admin's rights come from {@code org.group_admins}, whose changes hold the group's row, not the
   * organization's: when the caller is one (and no platform admin, whose rights need no group), the group's row is
   * locked as well and the access read again, so a revocation under way is waited for and then applies. Both at
   * {@code hold}'s strength: an {@link #EXCLUSIVE} one, not FOR SHARE, since deleting or renaming an organization takes
   * its own group's row FOR UPDATE after this, and two requests sharing the row would each wait for the other; a
   * {@link #SHARED} holder never takes either row more strongly later. Organization, then group: the order those take
   * them in.
   */
  private static Future<OrgAccess> lockedAccess(SqlClient client, Principal principal, String orgRef, Hold hold) {
    if (!mayName(orgRef)) {
      return Future.failedFuture(notFound());
    }
    var userId = userId(principal);
    var scope = principal.isScoped() ? principal.orgScope() : null;
    return client.preparedQuery(isUuid(orgRef) ? hold.byId() : hold.byName()).execute(Tuple.of(orgRef, userId, scope))
        .compose(rows -> {
          if (rows.size() == 0) {
            throw notFound();
          }
          var orgId = rows.iterator().next().getUUID("id").toString();
          return accessBy(client, principal, userId, BY_ID, orgId).compose(access -> access.groupAdmin()
              && !access.platformAdmin()
              ? client.preparedQuery(hold.group()).execute(Tuple.of(access.organization().groupId()))
                  .compose(locked -> accessBy(client, principal, userId, BY_ID, orgId))
              : Future.succeededFuture(access));
        });
  }

  /** The caller's access to the organization {@code sql} finds by {@code orgRef}; 404 if they are not in it. */
  private static Future<OrgAccess> accessBy(SqlClient client, Principal principal, UUID userId, String sql,
      String orgRef) {
    return client.preparedQuery(sql).execute(Tuple.of(orgRef, userId)).map(rows -> {
      var access = rows.size() == 0 ? null : access(rows.iterator().next(), principal, userId);
      if (access == null) {
        throw notFound();
      }
      return access;
    });
  }

  /**
   * What the caller may do in {@code orgRef} now: each of their permissions that {@link #require} would let them use,
   * so the answer cannot drift from the decision (a disabled organization leaves its members only reading and
   * disabling it); 404 if they are not in it.
   */
  public static Future<EffectivePermissions> effective(SqlClient client, Principal principal, String orgRef) {
    return access(client, principal, orgRef, false).map(access -> new EffectivePermissions(access,
        access.permissions().stream().filter(permission -> refusal(access, permission) == null)
            .collect(Collectors.toCollection(TreeSet::new))));
  }

  /**
   * What person {@code userId} may do in the organization {@code orgId} now, as {@link #effective} answers them with a
   * token of their own scoped to no organization; empty if they are not in it (no such person included).
   */
  public static Future<Optional<EffectivePermissions>> effectiveOf(SqlClient client, UUID userId, UUID orgId) {
    var theirs = new Principal(userId.toString(), null, null, 0, new JsonObject());
    return effective(client, theirs, orgId.toString()).map(Optional::of)
        .recover(failure -> failure instanceof ApiException refused && refused.status() == 404
            ? Future.succeededFuture(Optional.empty()) : Future.failedFuture(failure));
  }

  /**
   * Of the organizations {@code ids} and {@code names}, those in which the caller holds {@code permission}, each
   * once: the decision {@link #require} makes for one, made for all of them with one statement.
   */
  public static Future<List<OrgAccess>> holding(SqlClient client, Principal principal, List<UUID> ids,
      List<String> names, String permission) {
    var userId = userId(principal);
    return client.preparedQuery(BY_IDS_OR_NAMES)
        .execute(Tuple.of(ids.toArray(UUID[]::new), userId, names.toArray(String[]::new)))
        .map(rows -> {
          var held = new ArrayList<OrgAccess>();
          rows.forEach(row -> {
            var access = access(row, principal, userId);
            if (access != null && refusal(access, permission) == null) {
              held.add(access);
            }
          });
          return held;
        });
  }

  /** The caller's access to the organization of an access query's {@code row}; null if they are not in it. */
  private static OrgAccess access(Row row, Principal principal, UUID userId) {
    var organization = Organization.MAPPER.apply(row);
    if (principal.isScoped() && !principal.orgScope().equals(organization.id().toString())) {
      return null;
    }
    return row.getBoolean("provisioner")
        ? new OrgAccess(organization, userId, List.of(), PermissionCatalog.PROVISIONER, false, false, true)
        : memberAccess(row, organization, userId);
  }

  /** A member's, group admin's or platform admin's access; null for anyone else, who is not in the organization. */
  private static OrgAccess memberAccess(Row row, Organization organization, UUID userId) {
    var roles = row.getArrayOfStrings("member_roles");
    var groupAdmin = row.getBoolean("group_admin");
    var platformAdmin = Boolean.TRUE.equals(row.getBoolean("platform_admin"));
    if (roles == null && !groupAdmin && !platformAdmin) {
      return null;
    }
    var permissions = permissions(roles, row.getArrayOfStrings("custom_permissions"), groupAdmin || platformAdmin);
    return new OrgAccess(organization, userId, roles == null ? List.of() : RoleSet.sorted(roles), permissions,
        groupAdmin, platformAdmin, false);
  }

  public static Future<OrgAccess> require(SqlClient client, Principal principal, String orgRef, String permission) {
    return require(client, principal, orgRef, permission, false);
  }

  /**
   * As {@link #require} with {@link PermissionCatalog#ORG_GET}, for a read of what the organization holds (its custom
   * roles) that whoever reads the organization may make: a disabled organization refuses it to its members, as every
   * read but the organization's own, where the permission alone let them read on.
   */
  public static Future<OrgAccess> requireContentRead(SqlClient client, Principal principal, String orgRef) {
    return access(client, principal, orgRef, false).map(access -> {
      if (heldOffWhileDisabled(access)) {
        throw organizationDisabled();
      }
      check(access, PermissionCatalog.ORG_GET);
      return access;
    });
  }

  /**
   * As {@link #require}, for a request that any one of {@code permissions} allows; a refusal names the first, the
   * one people hold (the others being the engine's own). {@code shared}: decided with the row held as
   * {@link #requireShared} holds it, for a request that records an event there.
   */
  public static Future<OrgAccess> requireAny(SqlClient client, Principal principal, String orgRef,
      List<String> permissions, boolean shared) {
    var decided = shared ? lockedAccess(client, principal, orgRef, SHARED) : access(client, principal, orgRef, false);
    return decided.map(access -> {
      check(access, permissions.stream().filter(access.permissions()::contains).findFirst().orElse(permissions.get(0)));
      return access;
    });
  }

  /**
   * Who the caller is at platform level. A scoped token acts inside its one organization only, so here it carries
   * no platform or group powers; inside that organization {@link #require} still gives its holder what they are
   * there, a group or platform admin included (see {@link Caller}).
   */
  public static Future<Caller> caller(SqlClient client, Principal principal) {
    var userId = userId(principal);
    return client.preparedQuery("SELECT platform_admin, provisioner FROM org.users WHERE id = $1")
        .execute(Tuple.of(userId))
        .map(rows -> {
          if (rows.size() == 0) {
            throw RevokedToken.userGone();
          }
          var row = rows.iterator().next();
          return new Caller(userId, row.getBoolean("platform_admin") && !principal.isScoped(), principal.isScoped(),
              row.getBoolean("provisioner"));
        });
  }

  public static Future<Caller> requirePlatformAdmin(SqlClient client, Principal principal) {
    return caller(client, principal).map(caller -> {
      if (!caller.platformAdmin()) {
        throw ApiException.forbidden("forbidden", "Only a platform admin may do this.");
      }
      return caller;
    });
  }

  public static UUID userId(Principal principal) {
    try {
      return UUID.fromString(principal.subject());
    } catch (IllegalArgumentException e) {
      throw ApiException.unauthorized("The token's subject is not a user of this platform.");
    }
  }

  /** Whether {@code access} lets its caller use {@code permission}: the decision {@link #require} makes. */
  public static boolean allows(OrgAccess access, String permission) {
    return refusal(access, permission) == null;
  }

  private static void check(OrgAccess access, String permission) {
    var refusal = refusal(access, permission);
    if (refusal != null) {
      throw refusal;
    }
  }

  /** Why the caller may not use {@code permission} in the organization; null if they may. */
  private static ApiException refusal(OrgAccess access, String permission) {
    if (heldOffWhileDisabled(access) && !permission.equals(PermissionCatalog.ORG_GET)
        && !permission.equals(PermissionCatalog.ORG_DISABLE)) {
      return organizationDisabled();
    }
    if (!access.permissions().contains(permission)) {
      return ApiException.forbidden("forbidden", "You lack the permission " + permission + " in this organization.");
    }
    return null;
  }

  /**
   * Whether the organization is disabled and the caller one of its members, who may then do nothing there but read
   * the organization itself, disable it and leave it: group and platform admins and the engine go on as before.
   */
  private static boolean heldOffWhileDisabled(OrgAccess access) {
    return "disabled".equals(access.organization().state()) && !access.groupAdmin() && !access.platformAdmin()
        && !access.provisioner();
  }

  /**
   * What someone holds in an organization: every permission if they administer it (a group or platform admin), else
   * those of their {@code roles} that are predefined and {@code customPermissions}, those of the custom ones.
   */
  public static Set<String> permissions(String[] roles, String[] customPermissions, boolean administers) {
    if (administers) {
      return PermissionCatalog.PERMISSIONS.keySet();
    }
    var result = new HashSet<String>();
    for (var role : roles) {
      result.addAll(PermissionCatalog.PREDEFINED_ROLES.getOrDefault(role, Set.of()));
    }
    result.addAll(List.of(customPermissions));
    return result;
  }

  /** What members of a disabled organization hear for everything but reading and leaving it. */
  public static ApiException organizationDisabled() {
    return ApiException.forbidden("organization_disabled", "The organization is disabled.");
  }

  public static ApiException notFound() {
    return ApiException.notFound("organization_not_found", "No such organization.");
  }

  /**
   * Whether an organization reference is an id (else it is a name: names never have this shape). The dashes
   * must be where a UUID has them: a reference of 36 hex digits and dashes elsewhere reached the database as
   * a uuid parameter, which the client could not encode (500).
   */
  public static boolean isUuid(String s) {
    return EmbeddedIds.isUuid(s);
  }

  /**
   * Whether an organization reference may name one at all: an id, or text of a name's form. Other text names none and
   * is not looked up: the database refused one holding a NUL, a 400 {@code invalid_text} naming no field where any
   * other unknown organization is a 404.
   */
  public static boolean mayName(String orgRef) {
    return isUuid(orgRef) || OrganizationFields.isName(orgRef);
  }
}
