package dev.orgplane.org.serviceuser;

import dev.orgplane.kit.auth.Principal;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.Timestamps;
import dev.orgplane.org.identity.StoredRevocations;
import dev.orgplane.org.serviceuser.ClientCredentials.Authenticated;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Federated credentials of service users (workload identity federation): a trusted provider's (issuer, subject)
 * whose machine tokens (naming the issuer's workload audience) are exchanged for the service user's, as its client
 * secret would be. A live (issuer, subject) is one
 * service user's and no person's; a removed credential keeps its row, so its id stays on the revocation list.
 */
public final class FederatedCredentials {

  private static final String COLUMNS = "f.id, f.issuer, f.subject, f.audience, f.created_at";

  private FederatedCredentials() {
  }

  /**
   * The service user the provider's machine token signs in as, if its (issuer, subject) is a live credential's. A
   * token of that subject lacking the audience the credential names is refused.
   */
  public static Future<Optional<Authenticated>> authenticate(SqlClient client, Principal provider) {
    return client.preparedQuery("SELECT f.id, f.audience, u.id AS user_id, u.service_org_id, "
            + StoredRevocations.SESSIONS_ENDED + " FROM org.federated_credentials f JOIN org.users u ON u.id = f.service_user_id "
            + "WHERE f.issuer = $1 AND f.subject = $2 AND f.removed_at IS NULL")
        .execute(Tuple.of(provider.issuer(), provider.subject()))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          var row = rows.iterator().next();
          var audience = row.getString("audience");
          if (audience != null && !provider.audiences().contains(audience)) {
            throw new ApiException(400, "invalid_grant",
                "The subject token's audience (aud) lacks the one its federated credential requires.");
          }
          return Optional.of(new Authenticated(row.getUUID("id"), row.getUUID("user_id"),
              row.getUUID("service_org_id"), row.getLong("sessions_ended")));
        });
  }

  /**
   * Adds the credential; empty if its (issuer, subject) is already a live credential's or a person's linked
   * identity. One statement: the unique index settles two adds at once.
   */
  static Future<Optional<JsonObject>> add(SqlClient tx, UUID serviceUserId, UUID id, String issuer, String subject,
      String audience) {
    return tx.preparedQuery("INSERT INTO org.federated_credentials AS f "
            + "(id, service_user_id, issuer, subject, audience) SELECT $1, $2, $3, $4, $5 "
            + "WHERE NOT EXISTS (SELECT 1 FROM org.external_identities e WHERE e.issuer = $3 AND e.subject = $4) "
            + "ON CONFLICT (issuer, subject) WHERE removed_at IS NULL DO NOTHING RETURNING " + COLUMNS)
        .execute(Tuple.of(id, serviceUserId, issuer, subject, audience))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toJson(rows.iterator().next())));
  }

  /**
   * A page of the live credentials of the organization's service user, in id order after {@code after}; empty if
   * the organization has no such service user. One statement answers both.
   */
  static Future<Optional<List<JsonObject>>> list(SqlClient client, UUID orgId, UUID serviceUserId, UUID after,
      int fetchSize) {
    return client.preparedQuery("SELECT " + COLUMNS + " FROM org.users u LEFT JOIN LATERAL (SELECT * "
            + "FROM org.federated_credentials c WHERE c.service_user_id = u.id AND c.removed_at IS NULL AND c.id > $3 "
            + "ORDER BY c.id LIMIT $4) f ON true WHERE u.service_org_id = $1 AND u.id = $2")
        .execute(Tuple.of(orgId, serviceUserId, after, fetchSize))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          var page = new ArrayList<JsonObject>();
          rows.forEach(row -> {
            if (row.getUUID("id") != null) {
              page.add(toJson(row));
            }
          });
          return Optional.of(page);
        });
  }

  /** Removes the live credential of the organization's service user; false if there is none. */
  static Future<Boolean> remove(SqlClient tx, UUID orgId, UUID serviceUserId, UUID id) {
    return tx.preparedQuery("UPDATE org.federated_credentials f SET removed_at = now() FROM org.users u "
            + "WHERE f.id = $3 AND f.service_user_id = $2 AND u.id = f.service_user_id AND u.service_org_id = $1 "
            + "AND f.removed_at IS NULL")
        .execute(Tuple.of(orgId, serviceUserId, id)).map(rows -> rows.rowCount() > 0);
  }

  private static JsonObject toJson(Row row) {
    return new JsonObject().put("id", row.getUUID("id").toString()).put("issuer", row.getString("issuer"))
        .put("subject", row.getString("subject")).put("audience", row.getString("audience"))
        .put("createdAt", Timestamps.iso(row.getOffsetDateTime("created_at")));
  }
}
