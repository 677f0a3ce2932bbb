package dev.orgplane.org.identity;

import dev.orgplane.kit.auth.EcJwk;
import dev.orgplane.kit.auth.KeySource;
import dev.orgplane.kit.auth.TokenSigner;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The token signing keys, kept in the database so every instance of the service signs and verifies with the same
 * set. Every instance reloads the keys periodically, and at once when it meets a kid it does not know, so a rotation
 * made by another instance or by the operator's command line reaches everywhere. A key is published from its
 * rotation on, but signs only from its {@link SigningSchedule#leadMillis lead} later (counted by the database's
 * clock, so instances switch together), until its successor's lead has passed: by then every verifier has fetched
 * it. Retired keys stay published one token lifetime after that, so rotation never invalidates a token early. Those
 * who remember tokens these keys verified hear of the keys that drop out ({@link #whenWithdrawn}).
 */
public final class SigningKeyStore implements KeySource {

  /** The least time between the loads that tokens naming a kid we lack ask for. */
  private static final long REFRESH_INTERVAL_MILLIS = 1000;

  private final Vertx vertx;
  private final Pool pool;
  private final SigningSchedule schedule;
  private final List<Consumer<Set<String>>> withdrawalListeners = new CopyOnWriteArrayList<>();
  private volatile List<JsonObject> publicKeys = List.of();
  private volatile Signers signers;
  /** The load under way, the last of those queued; null when none is. */
  private Future<Void> loading;
  private long answeredAt;
  private long reloadTimer = -1;

  public SigningKeyStore(Vertx vertx, Pool pool, SigningSchedule schedule) {
    this.vertx = vertx;
    this.pool = pool;
    this.schedule = schedule;
  }

  /** A key rotated in: its kid, and when it starts to sign. */
  public record RotatedKey(String kid, Instant signsFrom) {
  }

  /** The key that signs now, and the one that takes over at {@code nextFromMillis} (none: null). */
  private record Signers(TokenSigner current, TokenSigner next, long nextFromMillis) {

    TokenSigner at(long millis) {
      return next != null && millis >= nextFromMillis ? next : current;
    }

    /** The signer of {@code privateJwk}: the one known already under its kid, so as not to build it on every load. */
    TokenSigner reused(Vertx vertx, JsonObject privateJwk) {
      var kid = privateJwk.getString("kid");
      for (var known : new TokenSigner[] {current, next}) {
        if (known != null && known.kid().equals(kid)) {
          return known;
        }
      }
      return new TokenSigner(vertx, privateJwk);
    }
  }

  /**
   * Loads the keys, creating the first one on a fresh database, then reloads them every period. The timer is set
   * inside the chain, not in a success handler: one it refuses fails the start instead of being logged while the
   * service runs on without ever reloading.
   */
  public Future<Void> start() {
    return load().compose(v -> signers != null ? Future.<Void>succeededFuture() : addKey(false).<Void>mapEmpty())
        .map(v -> {
          reloadTimer = vertx.setPeriodic(schedule.reloadMillis(), id -> load());
          return null;
        });
  }

  public void stop() {
    vertx.cancelTimer(reloadTimer);
  }

  public TokenSigner signer() {
    return signers.at(System.currentTimeMillis());
  }

  /** Makes a new signing key and retires the current ones; the new one signs once its lead has passed. */
  public Future<RotatedKey> rotate() {
    return addKey(true).map(created -> created.iterator().next()).map(key -> new RotatedKey(key.getString("kid"),
        key.getOffsetDateTime("created_at").toInstant().plusMillis(schedule.leadMillis())));
  }

  /**
   * Adds a signing key under the table's lock, so instances starting together on a fresh database
   * make one first key between them, and rotations racing each other leave one unretired key.
   * Without {@code retireCurrent} the key is added only if no unretired key exists. Answers the key added, if any.
   */
  private Future<RowSet<Row>> addKey(boolean retireCurrent) {
    var kid = UUID.randomUUID().toString();
    var jwk = EcJwk.generate(kid);
    return pool.withTransaction(conn -> conn
            .query("LOCK TABLE org.signing_keys IN SHARE ROW EXCLUSIVE MODE").execute()
            .compose(locked -> retireCurrent
                ? conn.query("UPDATE org.signing_keys SET retired_at = now() WHERE retired_at IS NULL").execute()
                : Future.succeededFuture())
            .compose(r -> conn.preparedQuery("INSERT INTO org.signing_keys (kid, private_jwk, public_jwk) "
                    + "SELECT $1, $2::jsonb, $3::jsonb WHERE NOT EXISTS (SELECT 1 FROM org.signing_keys WHERE retired_at IS NULL) "
                    + "RETURNING kid, created_at")
                .execute(Tuple.of(kid, jwk.privateJwk(), jwk.publicJwk()))))
        .compose(added -> load().map(added));
  }

  @Override
  public Future<List<JsonObject>> keys() {
    return Future.succeededFuture(publicKeys);
  }

  /**
   * The keys once a load under way has answered: until session 35 a token that came meanwhile was answered the keys
   * known before it, though the load might bring its key.
   */
  @Override
  public synchronized Future<List<JsonObject>> refresh() {
    if (loading != null) {
      return loading.compose(v -> keys());
    }
    if (System.currentTimeMillis() - answeredAt < REFRESH_INTERVAL_MILLIS) {
      return keys();
    }
    return load().compose(v -> keys());
  }

  /** Loads run one after another, so that an answer read before a rotation never replaces one read after it. */
  private synchronized Future<Void> load() {
    var queued = loading == null ? query() : loading.transform(previous -> query());
    loading = queued;
    queued.onComplete(done -> answered(queued));
    return queued;
  }

  private synchronized void answered(Future<Void> load) {
    answeredAt = System.currentTimeMillis();
    if (loading == load) {
      loading = null;
    }
  }

  private Future<Void> query() {
    return pool.preparedQuery("SELECT kid, private_jwk, public_jwk, "
            + "extract(epoch FROM created_at - now())::float8 * 1000 + $2::float8 AS signs_in_millis "
            + "FROM org.signing_keys WHERE retired_at IS NULL OR retired_at > now() - make_interval(secs => $1) "
            + "ORDER BY created_at")
        .execute(Tuple.of(schedule.publishedAfterRetirementSeconds(), (double) schedule.leadMillis()))
        .map(rows -> {
          use(rows);
          return null;
        });
  }

  /**
   * Until session 35 nobody was told: a token the service's own verifier remembered was taken after its key had
   * dropped out, until its {@code exp}, which a token forged with a key that leaked may put in the year 3000.
   */
  @Override
  public void whenWithdrawn(Consumer<Set<String>> listener) {
    withdrawalListeners.add(listener);
  }

  /** Once the fresh keys serve: a token verified meanwhile cannot be remembered with a key gone. */
  private void tellWithdrawn(List<JsonObject> before, List<JsonObject> fresh) {
    var gone = before.stream().filter(key -> !fresh.contains(key)).map(key -> key.getString("kid"))
        .collect(Collectors.toUnmodifiableSet());
    if (!gone.isEmpty()) {
      withdrawalListeners.forEach(listener -> listener.accept(gone));
    }
  }

  /**
   * The newest key whose lead has passed signs (or, on a database whose keys are all younger, the oldest: its first
   * key, which nothing could have verified before anyway), and the one after it takes over once its lead has passed.
   */
  private void use(RowSet<Row> rows) {
    var now = System.currentTimeMillis();
    var keys = rows.stream().toList();
    var before = publicKeys;
    publicKeys = keys.stream().map(row -> row.getJsonObject("public_jwk")).toList();
    tellWithdrawn(before, publicKeys);
    if (keys.isEmpty()) {
      return;
    }
    int signing = 0;
    for (int i = 0; i < keys.size(); i++) {
      if (keys.get(i).getDouble("signs_in_millis") <= 0) {
        signing = i;
      }
    }
    var known = signers != null ? signers : new Signers(null, null, Long.MAX_VALUE);
    var current = known.reused(vertx, keys.get(signing).getJsonObject("private_jwk"));
    if (signing + 1 == keys.size()) {
      signers = new Signers(current, null, Long.MAX_VALUE);
    } else {
      var next = keys.get(signing + 1);
      signers = new Signers(current, known.reused(vertx, next.getJsonObject("private_jwk")),
          now + (long) Math.ceil(next.getDouble("signs_in_millis")));
    }
  }
}
