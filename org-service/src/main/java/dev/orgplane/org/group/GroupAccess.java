package dev.orgplane.org.group;

import dev.orgplane.kit.auth.Sha256;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.UUID;

/**
 * Who may add an organization to a group: its group admins, or anyone holding its create key.
 * Keys are long random strings, so a SHA-256 of the key is a safe thing to store and compare.
 */
public final class GroupAccess {

  private GroupAccess() {
  }

  /**
   * Whether {@code userId} may add an organization to the group, as its admin or with its create key, the group's row
   * held ({@link #hold}) before the check, which a statement of its own makes after the wait: under read committed a
   * statement sees what was committed when it began, so a check that waited for the lock saw the admins from before
   * a revocation that committed meanwhile. A key a group admin rotated counts only while they are an admin of the
   * group: their revocation voids it, but their account's deletion may have skipped it ({@link
   * GroupRepository#voidCreateKeys}).
   */
  public static Future<Boolean> mayCreateIn(SqlClient tx, UUID groupId, UUID userId, String createKey) {
    return hold(tx, groupId).compose(exists -> !exists ? Future.succeededFuture(false) : tx.preparedQuery(
            "SELECT g.create_key_hash, EXISTS (SELECT 1 FROM org.group_admins ga WHERE ga.group_id = g.id "
            + "AND ga.user_id = $2) AS admin, g.create_key_rotated_by IS NULL OR EXISTS (SELECT 1 "
            + "FROM org.group_admins ga WHERE ga.group_id = g.id AND ga.user_id = g.create_key_rotated_by) AS key_live "
            + "FROM org.organization_groups g WHERE g.id = $1")
        .execute(Tuple.of(groupId, userId))
        .map(rows -> {
          var row = rows.iterator().next();
          var stored = row.getString("create_key_hash");
          return row.getBoolean("admin") || createKey != null && stored != null && row.getBoolean("key_live")
              && MessageDigest.isEqual(stored.getBytes(StandardCharsets.US_ASCII),
                  hash(createKey).getBytes(StandardCharsets.US_ASCII));
        }));
  }

  /**
   * Holds the group's row for an organization joining it, for the rest of the caller's transaction; false if there is
   * no such group (the provisioning engine may place organizations in any group, as long as it exists). FOR KEY
   * SHARE, what the new organization's foreign key takes anyway, but before the checks: every change of a group (its
   * admins, its create key, its deletion) holds its row FOR UPDATE, so one under way is waited for and then applies,
   * and joinings of one group do not wait for each other.
   */
  public static Future<Boolean> hold(SqlClient tx, UUID groupId) {
    return tx.preparedQuery("SELECT 1 FROM org.organization_groups WHERE id = $1 FOR KEY SHARE")
        .execute(Tuple.of(groupId)).map(rows -> rows.size() > 0);
  }

  /**
   * Whether {@code userId} administers the group: its admin, or a platform admin. Asked after {@link #hold}, in a
   * statement of its own, as {@link #mayCreateIn} asks, so a revocation that committed during the wait applies.
   */
  public static Future<Boolean> administeredBy(SqlClient tx, UUID groupId, UUID userId) {
    return tx.preparedQuery("SELECT EXISTS (SELECT 1 FROM org.users WHERE id = $2 AND platform_admin) "
            + "OR EXISTS (SELECT 1 FROM org.group_admins WHERE group_id = $1 AND user_id = $2) AS admin")
        .execute(Tuple.of(groupId, userId)).map(rows -> rows.iterator().next().getBoolean("admin"));
  }

  public static String hash(String createKey) {
    return Sha256.hex(createKey);
  }
}
