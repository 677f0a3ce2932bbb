package dev.orgplane.org.identity;

import dev.orgplane.kit.auth.Principal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Users who chose a new password while tokens issued before may still be unexpired: such a token (issued before
 * the second of the change; {@code iat} counts whole seconds) is refused by the instance that set the password at
 * once and by every other instance within the reload period, with no query per request. Only changes younger than
 * a token's lifetime are kept: older ones have no live token left.
 */
public final class SessionsEnded extends PeriodicReload implements Predicate<Principal> {

  private final long tokenLifetimeSeconds;
  /** User id to the second from which their tokens are good again. */
  private volatile Map<String, Long> endedBefore = Map.of();
  /** Ended here and not yet seen by a reload: a reload that began before the commit must not drop them. */
  private final Map<String, Long> endedHere = new ConcurrentHashMap<>();

  public SessionsEnded(Vertx vertx, Pool pool, long tokenLifetimeSeconds) {
    super(vertx, pool);
    this.tokenLifetimeSeconds = tokenLifetimeSeconds;
  }

  @Override
  protected Future<Void> reload() {
    return pool.preparedQuery("SELECT id, floor(extract(epoch FROM password_changed_at))::bigint AS changed "
            + "FROM org.users WHERE password_changed_at > now() - make_interval(secs => $1)")
        .execute(Tuple.of((double) tokenLifetimeSeconds))
        .map(rows -> {
          var loaded = new HashMap<String, Long>();
          rows.forEach(row -> loaded.put(row.getUUID("id").toString(), row.getLong("changed")));
          endedHere.forEach((user, second) -> {
            if (loaded.getOrDefault(user, Long.MIN_VALUE) >= second) {
              endedHere.remove(user, second);
            } else {
              loaded.put(user, second);
            }
          });
          endedBefore = Map.copyOf(loaded);
          return null;
        });
  }

  /** After a new password has committed: this instance refuses the user's older tokens from now on. */
  void markEnded(String userId, long second) {
    endedHere.put(userId, second);
    var next = new HashMap<>(endedBefore);
    next.put(userId, second);
    endedBefore = Map.copyOf(next);
  }

  @Override
  public boolean test(Principal principal) {
    var second = endedBefore.get(principal.subject());
    return second != null && principal.claims().getLong("iat", 0L) < second;
  }
}
