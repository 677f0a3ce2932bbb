package dev.orgplane.org.serviceuser;

import dev.orgplane.kit.db.SqlTimestamps;
import dev.orgplane.kit.http.Timestamps;
import dev.orgplane.org.role.RoleSet;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL over service users (rows of {@code org.users} bound to one organization) and their credentials. */
final class ServiceUserRepository {

  /**
   * Each service user with its live client credentials and the {@value RetiredCredentials#LISTED_REVOKED} it had
   * revoked last: with every revoked one kept until none of its tokens can be alive, a secret made and revoked over
   * and over made each page of them as large as its manager liked.
   */
  private static final String COLUMNS = "SELECT u.id, u.name, u.created_at, m.roles, COALESCE((SELECT jsonb_agg("
      + "jsonb_build_object('clientId', c.client_id, 'createdAt', " + SqlTimestamps.iso("c.created_at")
      + ", 'revokedAt', " + SqlTimestamps.iso("c.revoked_at") + ", 'madeBy', c.made_by) "
      + "ORDER BY c.created_at) FROM org.service_credentials c WHERE c.service_user_id = u.id "
      + "AND (c.revoked_at IS NULL OR c.client_id IN (SELECT r.client_id FROM org.service_credentials r WHERE r.service_user_id = u.id "
      + "AND r.revoked_at IS NOT NULL ORDER BY r.revoked_at DESC, r.client_id LIMIT "
      + RetiredCredentials.LISTED_REVOKED + "))), '[]'::jsonb) AS credentials ";
  private static final String MEMBERSHIP = "JOIN org.memberships m ON m.user_id = u.id AND m.org_id = u.service_org_id ";
  private static final String SELECT = COLUMNS + "FROM org.users u " + MEMBERSHIP;
  /**
   * A page of an organization's service users ({@code $1}) after {@code $2}: the page's users first, read in order
   * from V59's index, then their memberships. Joined first, the planner, which cannot tell that each has one, expected
   * fewer rows than users and read all of the organization's to sort them.
   */
  static final String LIST = COLUMNS + "FROM (SELECT * FROM org.users WHERE service_org_id = $1 AND id > $2 ORDER BY id "
      + "LIMIT $3) u " + MEMBERSHIP + "ORDER BY u.id";

  private ServiceUserRepository() {
  }

  /** The service user and its membership, in one statement. */
  static Future<Void> insert(SqlClient tx, UUID orgId, UUID id, String name, List<String> roles) {
    return tx.preparedQuery("WITH u AS (INSERT INTO org.users (id, email, name, service_org_id) "
            + "VALUES ($1, NULL, $2, $3) RETURNING id, service_org_id) "
            + "INSERT INTO org.memberships (org_id, user_id, roles) SELECT service_org_id, id, $4 FROM u")
        .execute(Tuple.of(id, name, orgId, roles.toArray(new String[0])))
        .mapEmpty();
  }

  static Future<Optional<JsonObject>> find(SqlClient client, UUID orgId, UUID id) {
    return client.preparedQuery(SELECT + "WHERE u.service_org_id = $1 AND u.id = $2").execute(Tuple.of(orgId, id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toJson(rows.iterator().next())));
  }

  /** A page of an organization's service users in id order (time order: ids are UUIDv7), after {@code after}. */
  static Future<List<JsonObject>> list(SqlClient client, UUID orgId, UUID after, int fetchSize) {
    return client.preparedQuery(LIST)
        .execute(Tuple.of(orgId, after, fetchSize))
        .map(rows -> {
          var result = new ArrayList<JsonObject>();
          rows.forEach(r -> result.add(toJson(r)));
          return result;
        });
  }

  /**
   * Deletes the service user, listed as deleted with its tokens ending at {@code end} ({@code SessionEnds}, taken once
   * the deletion waits for no row); false if there is none. Listed by the trigger of V37 alone, it ended them a second
   * after the transaction's start by the database's clock, and a token issued while the deletion waited for the
   * organization's row stayed good at the services that read the list.
   */
  static Future<Boolean> delete(SqlClient tx, UUID orgId, UUID id, long end) {
    return tx.preparedQuery("WITH gone AS (DELETE FROM org.users WHERE service_org_id = $1 AND id = $2 RETURNING id) "
            + "INSERT INTO org.deleted_accounts (user_id, deleted_at) SELECT id, to_timestamp($3) FROM gone "
            + "ON CONFLICT DO NOTHING RETURNING user_id")
        .execute(Tuple.of(orgId, id, end - 1))
        .map(rows -> rows.size() > 0);
  }

  /** A client credential, made by {@code makerId} ({@link CredentialReach} ranks it against the service user). */
  static Future<Void> addCredential(SqlClient tx, UUID serviceUserId, UUID clientId, String secretHash, UUID makerId) {
    return tx.preparedQuery("INSERT INTO org.service_credentials (client_id, service_user_id, secret_hash, made_by) "
            + "VALUES ($1, $2, $3, $4)")
        .execute(Tuple.of(clientId, serviceUserId, secretHash, makerId)).mapEmpty();
  }

  static Future<Boolean> revokeCredential(SqlClient tx, UUID orgId, UUID serviceUserId, UUID clientId) {
    return tx.preparedQuery("UPDATE org.service_credentials c SET revoked_at = now() FROM org.users u "
            + "WHERE c.client_id = $3 AND c.service_user_id = $2 AND u.id = c.service_user_id "
            + "AND u.service_org_id = $1 AND c.revoked_at IS NULL")
        .execute(Tuple.of(orgId, serviceUserId, clientId)).map(rows -> rows.rowCount() > 0);
  }

  private static JsonObject toJson(Row row) {
    return new JsonObject().put("id", row.getUUID("id").toString()).put("name", row.getString("name"))
        .put("roles", new JsonArray(RoleSet.of(row)))
        .put("credentials", (JsonArray) row.getValue("credentials"))
        .put("createdAt", Timestamps.iso(row.getOffsetDateTime("created_at")));
  }
}
