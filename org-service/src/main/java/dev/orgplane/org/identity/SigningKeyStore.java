package dev.orgplane.org.identity;

import dev.orgplane.kit.auth.EcJwk;
import dev.orgplane.kit.auth.KeySource;
import dev.orgplane.kit.auth.TokenSigner;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The token signing keys, kept in the database so every instance of the service signs and
 * verifies with the same set. The newest unretired key signs. Every instance reloads the keys
 * periodically, and at once when it meets a kid it does not know, so a rotation made by another
 * instance or by the operator's command line takes effect everywhere. Until an instance's next
 * reload it goes on signing with the key retired, so retired keys stay published (and trusted) for
 * one token lifetime and one reload period: rotation never invalidates a token early. Until
 * session 32 they stayed one lifetime, and a token signed with a key in the reload period after its
 * retirement was refused up to that period before its {@code exp}.
 */
public final class SigningKeyStore implements KeySource {

  private static final long RELOAD_INTERVAL_MILLIS = 1000;

  private final Vertx vertx;
  private final Pool pool;
  private final long tokenLifetimeSeconds;
  private final long periodicReloadMillis;
  private volatile List<JsonObject> publicKeys = List.of();
  private volatile TokenSigner signer;
  private volatile long loadedAt;
  private long reloadTimer = -1;

  public SigningKeyStore(Vertx vertx, Pool pool, long tokenLifetimeSeconds, long periodicReloadMillis) {
    this.vertx = vertx;
    this.pool = pool;
    this.tokenLifetimeSeconds = tokenLifetimeSeconds;
    this.periodicReloadMillis = periodicReloadMillis;
  }

  /**
   * Loads the keys, creating the first one on a fresh database, then reloads them every period. The timer is set
   * inside the chain, not in a success handler: one it refuses fails the start instead of being logged while the
   * service runs on without ever reloading.
   */
  public Future<Void> start() {
    return load().compose(v -> signer != null ? Future.<Void>succeededFuture() : addKey(false).<Void>mapEmpty())
        .map(v -> {
          reloadTimer = vertx.setPeriodic(periodicReloadMillis, id -> load());
          return null;
        });
  }

  public void stop() {
    vertx.cancelTimer(reloadTimer);
  }

  public TokenSigner signer() {
    return signer;
  }

  /** Makes a new signing key and retires the current ones; answers the new kid. */
  public Future<String> rotate() {
    return addKey(true);
  }

  /**
   * Adds a signing key under the table's lock, so instances starting together on a fresh database
   * make one first key between them, and rotations racing each other leave one unretired key.
   * Without {@code retireCurrent} the key is added only if no unretired key exists.
   */
  private Future<String> addKey(boolean retireCurrent) {
    var kid = UUID.randomUUID().toString();
    var jwk = EcJwk.generate(kid);
    return pool.withTransaction(conn -> conn
            .query("LOCK TABLE org.signing_keys IN SHARE ROW EXCLUSIVE MODE").execute()
            .compose(locked -> retireCurrent
                ? conn.query("UPDATE org.signing_keys SET retired_at = now() WHERE retired_at IS NULL").execute()
                : Future.succeededFuture())
            .compose(r -> conn.preparedQuery("INSERT INTO org.signing_keys (kid, private_jwk, public_jwk) "
                    + "SELECT $1, $2::jsonb, $3::jsonb WHERE NOT EXISTS (SELECT 1 FROM org.signing_keys WHERE retired_at IS NULL)")
                .execute(Tuple.of(kid, jwk.privateJwk(), jwk.publicJwk()))))
        .compose(r -> load())
        .map(kid);
  }

  @Override
  public Future<List<JsonObject>> keys() {
    return Future.succeededFuture(publicKeys);
  }

  @Override
  public Future<List<JsonObject>> refresh() {
    if (System.currentTimeMillis() - loadedAt < RELOAD_INTERVAL_MILLIS) {
      return keys();
    }
    return load().compose(v -> keys());
  }

  private Future<Void> load() {
    loadedAt = System.currentTimeMillis();
    return pool.preparedQuery("SELECT kid, private_jwk, public_jwk, retired_at FROM org.signing_keys "
            + "WHERE retired_at IS NULL OR retired_at > now() - make_interval(secs => $1) ORDER BY created_at")
        .execute(Tuple.of(tokenLifetimeSeconds + periodicReloadMillis / 1000.0))
        .map(rows -> {
          var published = new ArrayList<JsonObject>();
          Row newest = null;
          for (var row : rows) {
            published.add(row.getJsonObject("public_jwk"));
            if (row.getValue("retired_at") == null) {
              newest = row;
            }
          }
          publicKeys = List.copyOf(published);
          if (newest != null && (signer == null || !signer.kid().equals(newest.getString("kid")))) {
            signer = new TokenSigner(vertx, newest.getJsonObject("private_jwk"));
          }
          return null;
        });
  }
}
