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
 * secret would be. A service user names an (issuer, subject) in one live credential at most; other service users, of
 * any organization, may name it too: a provider's subjects are often public (GitHub's
 * {@code repo:owner/app:ref:refs/heads/main}), and until session 31 the first to name one held it platform-wide, so
 * any tenant could take another's (see {@link #authenticate}). A removed credential keeps its row, so its id stays on
 * the revocation list.
 */
public final class FederatedCredentials {

  private static final String COLUMNS = "f.id, f.issuer, f.subject, f.audience, f.made_by, f.created_at";

  private FederatedCredentials() {
  }

  /**
   * The service user the provider's machine token signs in as: the one {@code serviceUserId} names (the exchange's
   * {@code client_id}), if a live credential of it names the token's (issuer, subject); with none named, the one
   * service user whose live credential does. A subject several service users name is refused unless one is named,
   * rather than signed in as any of them: one of them may be a squatter's. A credential naming an audience takes only
   * tokens naming it too. Fails with the refusal the token endpoint answers. Holds the service user's row shared in
   * {@code tx}, where its token is stamped.
   */
  public static Future<Authenticated> authenticate(SqlClient tx, Principal provider, UUID serviceUserId) {
    return tx.preparedQuery("SELECT f.id, f.audience, u.id AS user_id, u.service_org_id, "
            + StoredRevocations.SESSIONS_ENDED + " FROM org.federated_credentials f JOIN org.users u ON u.id = f.service_user_id "
            + "WHERE f.issuer = $1 AND f.subject = $2 AND f.removed_at IS NULL "
            + "AND ($3::uuid IS NULL OR f.service_user_id = $3) LIMIT 2 FOR SHARE OF u")
        .execute(Tuple.of(provider.issuer(), provider.subject(), serviceUserId))
        .map(rows -> {
          if (rows.size() == 0) {
            throw new ApiException(400, "invalid_grant", serviceUserId == null
                ? "The subject token is a machine's (its aud names the workload audience), and no service user's "
                    + "federated credential names its subject."
                : "The service user client_id names has no federated credential naming the subject token's issuer "
                    + "and subject.");
          }
          if (rows.size() > 1) {
            throw ApiException.badRequest("invalid_request", "Federated credentials of more than one service user "
                + "name the subject token's issuer and subject: name the one to sign in as with client_id (its id).");
          }
          var row = rows.iterator().next();
          var audience = row.getString("audience");
          if (audience != null && !provider.audiences().contains(audience)) {
            throw new ApiException(400, "invalid_grant",
                "The subject token's audience (aud) lacks the one its federated credential requires.");
          }
          return new Authenticated(row.getUUID("id"), row.getUUID("user_id"), row.getUUID("service_org_id"),
              row.getLong("sessions_ended"));
        });
  }

  /**
   * Adds the credential; empty if the service user already names its (issuer, subject) in a live one. One statement:
   * the unique index settles two adds at once. Whether other service users name it, or a person signs in with it, is
   * not asked: the answer would tell any tenant, and a machine's token signs in no person nor a person's token a
   * service user (session 27), whatever credentials name.
   */
  static Future<Optional<JsonObject>> add(SqlClient tx, UUID serviceUserId, UUID id, String issuer, String subject,
      String audience, UUID makerId) {
    return tx.preparedQuery("INSERT INTO org.federated_credentials AS f "
            + "(id, service_user_id, issuer, subject, audience, made_by) VALUES ($1, $2, $3, $4, $5, $6) "
            + "ON CONFLICT (issuer, subject, service_user_id) WHERE removed_at IS NULL DO NOTHING RETURNING " + COLUMNS)
        .execute(Tuple.of(id, serviceUserId, issuer, subject, audience, makerId))
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
        .put("madeBy", Optional.ofNullable(row.getUUID("made_by")).map(UUID::toString).orElse(null))
        .put("createdAt", Timestamps.iso(row.getOffsetDateTime("created_at")));
  }
}
