package dev.orgplane.org.serviceuser;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

/**
 * Client secrets of service users: made here (256 random bits), shown once, kept as SHA-256, and
 * checked for the {@code client_credentials} grant against credentials that are not revoked and
 * whose service user still exists.
 */
public final class ClientCredentials {

  private static final SecureRandom RANDOM = new SecureRandom();

  private ClientCredentials() {
  }

  /** A service user that presented a valid credential. */
  public record Authenticated(UUID clientId, UUID serviceUserId, UUID orgId) {
  }

  static String newSecret() {
    var bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return "ocs_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public static String hash(String secret) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Future<Optional<Authenticated>> authenticate(SqlClient client, String clientId, String secret) {
    UUID id;
    try {
      id = UUID.fromString(clientId);
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(Optional.empty());
    }
    return client.preparedQuery("SELECT c.secret_hash, u.id, u.service_org_id FROM org.service_credentials c "
            + "JOIN org.users u ON u.id = c.service_user_id WHERE c.client_id = $1 AND c.revoked_at IS NULL")
        .execute(Tuple.of(id))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          var row = rows.iterator().next();
          var matches = MessageDigest.isEqual(row.getString("secret_hash").getBytes(StandardCharsets.US_ASCII),
              hash(secret).getBytes(StandardCharsets.US_ASCII));
          return matches ? Optional.of(new Authenticated(id, row.getUUID("id"), row.getUUID("service_org_id")))
              : Optional.empty();
        });
  }
}
