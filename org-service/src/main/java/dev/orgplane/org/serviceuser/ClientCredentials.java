package dev.orgplane.org.serviceuser;

import dev.orgplane.kit.http.Ids;
import dev.orgplane.org.identity.Secrets;
import dev.orgplane.org.identity.StoredRevocations;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.UUID;

/**
 * Client secrets of service users: made by {@link dev.orgplane.org.identity.Secrets}, shown once, kept as SHA-256, and
 * checked for the {@code client_credentials} grant against credentials that are not revoked and
 * whose service user still exists.
 */
public final class ClientCredentials {

  private ClientCredentials() {
  }

  /**
   * A service user that presented a valid credential, and the second its sessions last ended (0: never) as its row,
   * held shared by the transaction that authenticated it, has it: its token is stamped there.
   */
  public record Authenticated(UUID clientId, UUID serviceUserId, UUID orgId, long sessionsEndedAt) {
  }

  /** The service user whose live credential {@code clientId} and {@code secret} are, its row held shared in tx. */
  public static Future<Optional<Authenticated>> authenticate(SqlClient tx, String clientId, String secret) {
    // a UUID as written only: UUID.fromString also reads "+1-1-1-1-1" or an over-long part, cut to fit, as some id
    if (!Ids.isUuid(clientId)) {
      return Future.succeededFuture(Optional.empty());
    }
    var id = UUID.fromString(clientId);
    return tx.preparedQuery("SELECT c.secret_hash, u.id, u.service_org_id, " + StoredRevocations.SESSIONS_ENDED
            + " FROM org.service_credentials c "
            + "JOIN org.users u ON u.id = c.service_user_id WHERE c.client_id = $1 AND c.revoked_at IS NULL "
            + "FOR SHARE OF u")
        .execute(Tuple.of(id))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          var row = rows.iterator().next();
          var matches = MessageDigest.isEqual(row.getString("secret_hash").getBytes(StandardCharsets.US_ASCII),
              Secrets.hash(secret).getBytes(StandardCharsets.US_ASCII));
          return matches ? Optional.of(new Authenticated(id, row.getUUID("id"), row.getUUID("service_org_id"),
              row.getLong("sessions_ended"))) : Optional.empty();
        });
  }
}
