package dev.orgplane.org.serviceuser;

import dev.orgplane.kit.db.BatchedPurge;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/**
 * Forgets credentials taken out of use once nothing needs them. A removed federated credential is kept only for the
 * revocation list, which names it until no token exchanged for it can be alive: a token's lifetime. A revoked client
 * credential is also listed on its service user (with {@code revokedAt}), while among its last
 * {@value #LISTED_REVOKED} revoked, and kept while it is listed, for {@value #LISTED_DAYS} days at most (or a token's
 * lifetime, if longer): kept for ever, a service user whose secret is rotated daily would have thousands, and kept
 * {@value #LISTED_DAYS} days whether listed or not, one rotated in a loop as many as it liked.
 */
public final class RetiredCredentials {

  static final int LISTED_DAYS = 30;
  /**
   * How many of those a service user lists at most, the last revoked: as many as it may have live, so that a rotation
   * of every secret stays in sight.
   */
  static final int LISTED_REVOKED = CredentialLimits.CLIENT_SECRETS;

  private RetiredCredentials() {
  }

  /** The two purges, to run hourly. */
  public static List<BatchedPurge> purges(Pool pool, long tokenLifetimeSeconds) {
    var lifetime = Tuple.of((double) tokenLifetimeSeconds);
    return List.of(
        new BatchedPurge(pool, "revoked client credentials", "DELETE FROM org.service_credentials WHERE client_id IN "
            + "(SELECT client_id FROM (SELECT client_id, revoked_at, row_number() OVER (PARTITION BY service_user_id "
            + "ORDER BY revoked_at DESC, client_id) AS newest FROM org.service_credentials WHERE revoked_at IS NOT NULL) r "
            + "WHERE revoked_at < now() - make_interval(secs => $1) AND (newest > " + LISTED_REVOKED
            + " OR revoked_at < now() - interval '" + LISTED_DAYS + " days') LIMIT " + BatchedPurge.BATCH + ")",
            lifetime),
        new BatchedPurge(pool, "removed federated credentials", "DELETE FROM org.federated_credentials WHERE id IN "
            + "(SELECT id FROM org.federated_credentials WHERE removed_at < now() - make_interval(secs => $1) LIMIT "
            + BatchedPurge.BATCH + ")", lifetime));
  }
}
