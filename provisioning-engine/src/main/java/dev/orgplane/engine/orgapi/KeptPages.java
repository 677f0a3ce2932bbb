package dev.orgplane.engine.orgapi;

import dev.orgplane.copy.api.OrgApi;
import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.function.Supplier;

/**
 * Pages of organizations read again and again, kept for a short while: a template's, shared by the jobs of this
 * engine (a batch copies one template into many targets, and without this every job would read the whole template
 * again), and a dry run's target, which the plan of every page compares with the whole target. Bounded in objects,
 * so the heap stays flat whatever the organization's size (one larger than the bound is read again, as without
 * this); kept only {@code ttlMillis}, so a changed template reaches new jobs soon. Used on the engine's event loop
 * only.
 */
public final class KeptPages {

  private record Key(String organization, String path, String cursor, int limit) {
  }

  private record Entry(Future<OrgApi.Page> page, long expiresAt) {
  }

  private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
  private final long ttlMillis;
  private final int maxObjects;
  private int objects;

  public KeptPages(long ttlMillis, int maxObjects) {
    this.ttlMillis = ttlMillis;
    this.maxObjects = maxObjects;
  }

  Future<OrgApi.Page> page(String organization, String path, String cursor, int limit, Supplier<Future<OrgApi.Page>> read) {
    var key = new Key(organization, path, cursor, limit);
    var now = System.currentTimeMillis();
    var cached = entries.get(key);
    if (cached != null && cached.expiresAt() > now && !cached.page().failed()) {
      return cached.page();
    }
    if (cached != null) {
      forget(key);
    }
    var page = read.get();
    var entry = new Entry(page, now + ttlMillis);
    entries.put(key, entry);
    // a page counts only if it is still held when it arrives: one evicted or replaced while loading counted
    // nothing when it went, and counting it now drifted the total up until the cache held nothing at all
    page.onSuccess(loaded -> {
      if (entries.get(key) == entry) {
        objects += loaded.items().size();
        evictOverflow();
      }
    }).onFailure(e -> entries.remove(key, entry));
    return page;
  }

  /** The objects of the pages held; for tests. */
  int objects() {
    return objects;
  }

  private void evictOverflow() {
    var eldest = entries.entrySet().iterator();
    while (objects > maxObjects && eldest.hasNext()) {
      var entry = eldest.next();
      eldest.remove();
      objects -= entry.getValue().page().succeeded() ? entry.getValue().page().result().items().size() : 0;
    }
  }

  private void forget(Key key) {
    var entry = entries.remove(key);
    if (entry != null && entry.page().succeeded()) {
      objects -= entry.page().result().items().size();
    }
  }
}
