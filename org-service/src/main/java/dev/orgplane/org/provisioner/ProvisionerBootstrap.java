package dev.orgplane.org.provisioner;

import dev.orgplane.kit.config.Settings;
import dev.orgplane.org.identity.Secrets;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * Makes the provisioning engine's identity match the configuration at every start: one user marked
 * provisioner, whose id is also its client id, with the configured secret (a changed secret replaces
 * the old one, a revoked credential comes back). Without a secret the engine cannot sign in here.
 */
public final class ProvisionerBootstrap {

  static final String NAME = "provisioning-engine";

  private ProvisionerBootstrap() {
  }

  public static Future<Void> ensureEngine(Pool pool, Settings settings) {
    if (!settings.has("ORGPLANE_ENGINE_CLIENT_SECRET")) {
      return Future.succeededFuture();
    }
    var clientId = settings.uuid("ORGPLANE_ENGINE_CLIENT_ID");
    var secretHash = Secrets.hash(settings.string("ORGPLANE_ENGINE_CLIENT_SECRET"));
    return pool.withTransaction(tx -> tx
        .preparedQuery("INSERT INTO org.users (id, name, provisioner) VALUES ($1, $2, true) "
            + "ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, provisioner = true, updated_at = now() "
            + "WHERE NOT users.provisioner OR users.name <> EXCLUDED.name")
        .execute(Tuple.of(clientId, NAME))
        .compose(user -> tx.preparedQuery("INSERT INTO org.service_credentials (client_id, service_user_id, secret_hash) "
                + "VALUES ($1, $1, $2) ON CONFLICT (client_id) DO UPDATE SET service_user_id = EXCLUDED.service_user_id, "
                + "secret_hash = EXCLUDED.secret_hash, revoked_at = NULL "
                + "WHERE service_credentials.secret_hash <> EXCLUDED.secret_hash OR service_credentials.revoked_at IS NOT NULL "
                + "OR service_credentials.service_user_id <> EXCLUDED.service_user_id")
            .execute(Tuple.of(clientId, secretHash)))
        .mapEmpty());
  }
}
