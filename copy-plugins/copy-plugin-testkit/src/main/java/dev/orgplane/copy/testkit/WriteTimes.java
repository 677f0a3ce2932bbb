package dev.orgplane.copy.testkit;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * When each stored object was created and last changed, which lists show as org-service's do
 * ({@code createdAt}, {@code updatedAt}; a member's {@code memberSince}). Kept apart from the objects: they are
 * the service's bookkeeping, not what a copy holds, so snapshots leave them out. An object the kit wrote directly
 * (a template) dates from the kit's start.
 */
final class WriteTimes {

  private final String start = Instant.now().toString();
  private final Map<String, JsonObject> times = new HashMap<>();

  void created(String organization, String path, String id) {
    var now = Instant.now().toString();
    times.put(key(organization, path, id), new JsonObject().put("createdAt", now).put("updatedAt", now));
  }

  void updated(String organization, String path, String id) {
    var now = Instant.now().toString();
    times.computeIfAbsent(key(organization, path, id), k -> new JsonObject().put("createdAt", start))
        .put("updatedAt", now).put("changed", true);
  }

  /** Whether the object was not changed since it was created (or written by the kit, as a template is). */
  boolean untouched(String organization, String path, String id) {
    var recorded = times.get(key(organization, path, id));
    return recorded == null || !recorded.containsKey("changed");
  }

  /** {@code listed} with the times of the object it shows. */
  JsonObject stamp(JsonObject listed, String organization, String path, String id) {
    var recorded = times.getOrDefault(key(organization, path, id),
        new JsonObject().put("createdAt", start).put("updatedAt", start));
    if (path.equals("users")) {
      return listed.put("memberSince", recorded.getString("createdAt"));
    }
    return listed.put("createdAt", recorded.getString("createdAt")).put("updatedAt", recorded.getString("updatedAt"));
  }

  private static String key(String organization, String path, String id) {
    return organization + "/" + path + "/" + id;
  }
}
