package dev.orgplane.copy.testkit;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * When each stored object was created and last changed, which lists show as org-service's do
 * ({@code createdAt}, or a member's {@code memberSince}, and {@code updatedAt}). Kept apart from the objects: they are
 * the service's bookkeeping, not what a copy holds, so snapshots leave them out. An object the kit wrote directly
 * (a template) dates from the kit's start. Every write is later than the one before, so that what follows what
 * never depends on the clock's resolution.
 */
final class WriteTimes {

  /** When an object was created and last changed. */
  record Times(Instant created, Instant updated) {

    boolean untouched() {
      return updated.equals(created);
    }
  }

  private final Instant start = Instant.now();
  private Instant last = start;
  private final Map<String, Times> times = new HashMap<>();

  void created(String organization, String path, String id) {
    var now = tick();
    times.put(key(organization, path, id), new Times(now, now));
  }

  void updated(String organization, String path, String id) {
    var now = tick();
    times.merge(key(organization, path, id), new Times(start, now), (was, is) -> new Times(was.created(), now));
  }

  /** The times of an object (of one the kit wrote directly, its start). */
  Times of(String organization, String path, String id) {
    return times.getOrDefault(key(organization, path, id), new Times(start, start));
  }

  /** {@code listed} with the times of the object it shows. */
  JsonObject stamp(JsonObject listed, String organization, String path, String id) {
    var recorded = of(organization, path, id);
    return listed.put(path.equals("users") ? "memberSince" : "createdAt", recorded.created().toString())
        .put("updatedAt", recorded.updated().toString());
  }

  private Instant tick() {
    var now = Instant.now();
    last = now.isAfter(last) ? now : last.plusNanos(1000);
    return last;
  }

  private static String key(String organization, String path, String id) {
    return organization + "/" + path + "/" + id;
  }
}
