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

  public static Future<Boolean> mayCreateIn(SqlClient client, UUID groupId, UUID userId, String createKey) {
    return client.preparedQuery("SELECT g.create_key_hash, EXISTS (SELECT 1 FROM org.group_admins ga "
            + "WHERE ga.group_id = g.id AND ga.user_id = $2) AS admin FROM org.organization_groups g WHERE g.id = $1")
        .execute(Tuple.of(groupId, userId))
        .map(rows -> {
          if (rows.size() == 0) {
            return false;
          }
          var row = rows.iterator().next();
          var stored = row.getString("create_key_hash");
          return row.getBoolean("admin") || createKey != null && stored != null
              && MessageDigest.isEqual(stored.getBytes(StandardCharsets.US_ASCII),
                  hash(createKey).getBytes(StandardCharsets.US_ASCII));
        });
  }

  /** The provisioning engine may place organizations in any group, as long as it exists. */
  public static Future<Boolean> exists(SqlClient client, UUID groupId) {
    return client.preparedQuery("SELECT EXISTS (SELECT 1 FROM org.organization_groups WHERE id = $1) AS present")
        .execute(Tuple.of(groupId)).map(rows -> rows.iterator().next().getBoolean("present"));
  }

  public static String hash(String createKey) {
    return Sha256.hex(createKey);
  }
}
