package dev.orgplane.org.serviceuser;

import dev.orgplane.kit.auth.Principal;
import dev.orgplane.org.identity.PeriodicReload;
import dev.orgplane.org.identity.TokenIssuer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Client credentials revoked while tokens issued for them may still be unexpired. A service user's
 * token names its credential ({@code cid}); once that credential is revoked the token is refused by
 * the instance that revoked it at once and by every other instance within the reload period, with no
 * query per request. Only revocations younger than a token's lifetime are kept: older ones have no
 * live token left.
 */
public final class RevokedCredentials extends PeriodicReload implements Predicate<Principal> {

  private final long tokenLifetimeSeconds;
  private volatile Set<String> revoked = Set.of();
  /** Revoked here and not yet seen by a reload: a reload that began before the commit must not drop them. */
  private final Set<String> revokedHere = ConcurrentHashMap.newKeySet();

  public RevokedCredentials(Vertx vertx, Pool pool, long tokenLifetimeSeconds) {
    super(vertx, pool);
    this.tokenLifetimeSeconds = tokenLifetimeSeconds;
  }

  @Override
  protected Future<Void> reload() {
    return pool.preparedQuery("SELECT client_id FROM org.service_credentials "
            + "WHERE revoked_at > now() - make_interval(secs => $1)")
        .execute(Tuple.of((double) tokenLifetimeSeconds))
        .map(rows -> {
          var ids = new HashSet<String>();
          rows.forEach(row -> ids.add(row.getUUID("client_id").toString()));
          revokedHere.removeAll(ids);
          ids.addAll(revokedHere);
          revoked = Set.copyOf(ids);
          return null;
        });
  }

  /** After a revocation has committed: this instance refuses the credential's tokens from now on. */
  void markRevoked(String clientId) {
    revokedHere.add(clientId);
    var next = new HashSet<>(revoked);
    next.add(clientId);
    revoked = Set.copyOf(next);
  }

  @Override
  public boolean test(Principal principal) {
    var credential = principal.claims().getString(TokenIssuer.CREDENTIAL_CLAIM);
    return credential != null && revoked.contains(credential);
  }
}
