package dev.orgplane.org.identity;

import dev.orgplane.kit.auth.TokenRevocations;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The tokens to refuse as the database has them: ended sessions and revoked credentials younger than a token's
 * lifetime (older ones have no live token left). What org-service reloads, and what the other services read from
 * it ({@code GET /v1/token-revocations}).
 */
public final class StoredRevocations {

  private StoredRevocations() {
  }

  public static Future<TokenRevocations.Snapshot> read(SqlClient client, long tokenLifetimeSeconds) {
    return client.preparedQuery("SELECT id AS key, floor(extract(epoch FROM sessions_ended_at))::bigint AS second "
            + "FROM org.users WHERE sessions_ended_at > now() - make_interval(secs => $1) "
            + "UNION ALL SELECT client_id, NULL FROM org.service_credentials "
            + "WHERE revoked_at > now() - make_interval(secs => $1)")
        .execute(Tuple.of((double) tokenLifetimeSeconds))
        .map(rows -> {
          var sessions = new HashMap<String, Long>();
          var credentials = new HashSet<String>();
          rows.forEach(row -> {
            var key = row.getUUID("key").toString();
            var second = row.getLong("second");
            if (second == null) {
              credentials.add(key);
            } else {
              sessions.put(key, second);
            }
          });
          return new TokenRevocations.Snapshot(Map.copyOf(sessions), Set.copyOf(credentials));
        });
  }

  /** Ends {@code userId}'s sessions: their tokens issued before {@code second} are refused once this has committed. */
  static Future<Void> endSessions(SqlClient tx, UUID userId, long second) {
    return tx.preparedQuery("UPDATE org.users SET sessions_ended_at = to_timestamp($2) WHERE id = $1")
        .execute(Tuple.of(userId, second))
        .mapEmpty();
  }
}
