package dev.orgplane.org.access;

import io.vertx.sqlclient.Row;
import java.util.Set;

/**
 * What a person holds in an organization (the permissions of their roles there, all of them if they administer it as
 * a group admin of its group or platform admin), read as columns of a query that ranks one person against another:
 * the same reading, whoever's rights it bounds. Whether the person is the provisioning engine is read too, not
 * ranked: each caller decides what the engine may.
 */
public final class Holdings {

  private Holdings() {
  }

  /** The custom permissions of the roles {@code roles} of organization {@code orgId} (both SQL expressions). */
  public static String customPermissions(String orgId, String roles) {
    return """
        ARRAY(SELECT DISTINCT p FROM org.roles r, unnest(r.permissions) p
              WHERE r.org_id = %s AND r.name = ANY (%s))""".formatted(orgId, roles);
  }

  /**
   * The columns {@link #of} reads, named after {@code prefix}, of the person whose {@code org.users} row is
   * {@code user} and whose membership row (left joined: none if they are not in it) is {@code membership}, in
   * organization {@code orgId} (SQL aliases and expression), and whether they are the engine ({@code _provisioner}).
   */
  public static String columns(String prefix, String orgId, String user, String membership) {
    return """
        %4$s.roles AS %1$s_roles, %5$s AS %1$s_permissions,
        COALESCE(%3$s.platform_admin OR EXISTS (SELECT 1 FROM org.group_admins ga JOIN org.organizations o
            ON o.group_id = ga.group_id WHERE o.id = %2$s AND ga.user_id = %3$s.id), false) AS %1$s_administers,
        COALESCE(%3$s.provisioner, false) AS %1$s_provisioner"""
        .formatted(prefix, orgId, user, membership, customPermissions(orgId, membership + ".roles"));
  }

  /**
   * What the person of {@link #columns} {@code prefix} holds, the engine aside: nothing if they are gone or not in
   * the organization.
   */
  public static Set<String> of(Row row, String prefix) {
    var roles = row.getArrayOfStrings(prefix + "_roles");
    var administers = row.getBoolean(prefix + "_administers");
    if (roles == null && !administers) {
      return Set.of();
    }
    return AccessPolicy.permissions(roles == null ? new String[0] : roles,
        row.getArrayOfStrings(prefix + "_permissions"), administers);
  }
}
