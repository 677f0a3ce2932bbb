package dev.orgplane.org.provisioner;

import dev.orgplane.kit.config.Settings;
import dev.orgplane.org.identity.Secrets;
import dev.orgplane.org.identity.StoredRevocations;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * Makes the provisioning engine's identity match the configuration at every start: one user marked
 * provisioner, whose id is also its client id, with the configured secret (a changed secret replaces
 * the old one, a revoked credential comes back). Without a secret the engine cannot sign in here.
 *
 * <p>A replaced or restored credential ends the engine's sessions in the same transaction: a secret is changed
 * because it leaked, and a token minted with it reads and imports into every organization until it expires (as does
 * one minted before a revocation that restoring the credential would let back in). A start with the secret unchanged
 * ends nothing, so restarting org-service does not refuse a running engine's token.
 *
 * <p>A changed client id shuts out the engine's former identities in the same transaction: their credentials are
 * revoked and their sessions ended, else the old id and secret still signed in as a provisioner. Their users stay,
 * as the jobs and audit entries that name them do.
 */
public final class ProvisionerBootstrap {

  static final String NAME = "provisioning-engine";

  private ProvisionerBootstrap() {
  }

  /** The engine's client id, which the engine signs in with: read as the engine reads it. */
  public static UUID engineClientId(Settings settings) {
    return settings.uuid("ORGPLANE_ENGINE_CLIENT_ID");
  }

  public static Future<Void> ensureEngine(Pool pool, Settings settings) {
    if (!settings.has("ORGPLANE_ENGINE_CLIENT_SECRET")) {
      return Future.succeededFuture();
    }
    var clientId = engineClientId(settings);
    var secretHash = Secrets.hash(settings.string("ORGPLANE_ENGINE_CLIENT_SECRET"));
    return pool.withTransaction(tx -> tx
        .preparedQuery("INSERT INTO org.users (id, name, provisioner) VALUES ($1, $2, true) "
            + "ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, provisioner = true, updated_at = now() "
            + "WHERE NOT users.provisioner OR users.name <> EXCLUDED.name")
        .execute(Tuple.of(clientId, NAME))
        .compose(user -> tx.preparedQuery("UPDATE org.service_credentials SET service_user_id = $1, secret_hash = $2, "
                + "revoked_at = NULL WHERE client_id = $1 "
                + "AND (secret_hash <> $2 OR revoked_at IS NOT NULL OR service_user_id <> $1)")
            .execute(Tuple.of(clientId, secretHash)))
        .compose(replaced -> replaced.rowCount() > 0
            ? StoredRevocations.endSessions(tx, clientId).mapEmpty()
            : tx.preparedQuery("INSERT INTO org.service_credentials (client_id, service_user_id, secret_hash) "
                    + "VALUES ($1, $1, $2) ON CONFLICT (client_id) DO NOTHING")
                .execute(Tuple.of(clientId, secretHash)).mapEmpty())
        .compose(current -> shutOutFormerIdentities(tx, clientId)));
  }

  private static Future<Void> shutOutFormerIdentities(SqlClient tx, UUID clientId) {
    return tx.preparedQuery("UPDATE org.service_credentials c SET revoked_at = now() FROM org.users u "
            + "WHERE u.id = c.service_user_id AND u.provisioner AND u.id <> $1 AND c.revoked_at IS NULL "
            + "RETURNING c.service_user_id")
        .execute(Tuple.of(clientId))
        .compose(revoked -> {
          // one former id per rotation: as many as ids changed since the last start, nearly always one
          Future<Long> ended = Future.succeededFuture();
          for (var row : revoked) {
            var former = row.getUUID("service_user_id");
            ended = ended.compose(previous -> StoredRevocations.endSessions(tx, former));
          }
          return ended.mapEmpty();
        });
  }
}
