package dev.orgplane.org.serviceuser;

import dev.orgplane.kit.http.ApiException;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * How many live credentials of each kind a service user may have at once. Every page of an organization's service
 * users embeds each one's client credentials: unbounded, a service user with thousands made each page of the list as
 * large as its manager liked. A count is taken under the organization's row, which every credential write holds first
 * ({@link ServiceUserRoutes#manager}), so two adds at once cannot both find the last place free.
 */
final class CredentialLimits {

  /**
   * Rotation needs two at once (the new secret deployed before the old one is revoked); ten leave room for a few
   * deployments that each hold their own.
   */
  static final int CLIENT_SECRETS = 10;
  /**
   * Each lets one workload (a repository's pipeline, a cluster's namespace) sign in as the service user: ten, as for
   * secrets, cover a few of them.
   */
  static final int FEDERATED = 10;

  private CredentialLimits() {
  }

  /** 409 {@code credential_limit} if the service user has {@link #CLIENT_SECRETS} live client secrets already. */
  static Future<Void> requireRoomForSecret(SqlClient tx, UUID serviceUserId) {
    return requireRoom(tx, "SELECT count(*) FROM org.service_credentials WHERE service_user_id = $1 "
        + "AND revoked_at IS NULL", serviceUserId, CLIENT_SECRETS, "client secrets: revoke one first");
  }

  /** 409 {@code credential_limit} if the service user has {@link #FEDERATED} live federated credentials already. */
  static Future<Void> requireRoomForFederated(SqlClient tx, UUID serviceUserId) {
    return requireRoom(tx, "SELECT count(*) FROM org.federated_credentials WHERE service_user_id = $1 "
        + "AND removed_at IS NULL", serviceUserId, FEDERATED, "federated credentials: remove one first");
  }

  private static Future<Void> requireRoom(SqlClient tx, String countSql, UUID serviceUserId, int limit, String what) {
    return tx.preparedQuery(countSql).execute(Tuple.of(serviceUserId)).compose(rows -> rows.iterator().next()
        .getLong(0) < limit ? Future.succeededFuture()
        : Future.failedFuture(ApiException.conflict("credential_limit",
            "The service user has " + limit + " live " + what + ".")));
  }
}
