package dev.orgplane.engine.orgapi;

import dev.orgplane.copy.api.OrgApi;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Pages of organizations read again and again, kept for a short while: a template's, shared by the jobs of one
 * batch on this engine (a batch copies one template into many targets, and without this every job would read the
 * whole template again; {@link #reader(String)}). Bounded in objects, so the heap stays flat whatever the
 * organization's size (one larger than the bound is read again, as without this); kept only {@code ttlMillis}, so a
 * changed template reaches a batch's later jobs soon. Used on the engine's event loop only.
 *
 * <p>Pages are kept by reading: a list's first page starts one (or joins the one held, until it expires), and the
 * pages after it are kept with it and come, to every run, from the reading its first page came from. Until session
 * 27 each page was kept, and expired, on its own: a run could take a first page read anew after a template's change
 * and the next pages kept from before it, or the reverse, and copy a template that never was (a role renamed between
 * two pages read at different times is in neither or in both). Within one reading each page was read after the pages
 * before it, as a run reading the list itself reads them; a reading is dropped whole (expired and replaced, or
 * evicted), and a run whose reading was dropped reads the rest of that list itself, later than what it has read.
 * Runs ask through their own {@link Reader}, which remembers where each of their pages came from.
 */
public final class KeptPages {

  /** A list read {@code limit} at a time, by the readers of one {@code among}. */
  private record Key(String among, String organization, String path, int limit) {
  }

  /** The page of a list after {@code cursor}, which one reader was given. */
  private record Continuation(Key list, String cursor) {
  }

  /** One reading of a list: its pages by the cursor they follow ({@code null} for the first). */
  private final class Reading {
    final long expiresAt;
    final Map<String, Future<OrgApi.Page>> pages = new HashMap<>();
    int objects;
    boolean dropped;

    Reading(long expiresAt) {
      this.expiresAt = expiresAt;
    }

    Future<OrgApi.Page> page(String cursor, Supplier<Future<OrgApi.Page>> read) {
      var held = pages.get(cursor);
      if (held != null) {
        return held;
      }
      var page = read.get();
      pages.put(cursor, page);
      // a page counts only if its reading is still held when it arrives: one dropped meanwhile counted nothing
      // when it went, and counting it now drifted the total up until the cache held nothing at all
      page.onSuccess(loaded -> {
        if (!dropped) {
          objects += loaded.items().size();
          KeptPages.this.objects += loaded.items().size();
          evictOverflow();
        }
      }).onFailure(e -> pages.remove(cursor, page));
      return page;
    }
  }

  private final LinkedHashMap<Key, Reading> readings = new LinkedHashMap<>(64, 0.75f, true);
  private final long ttlMillis;
  private final int maxObjects;
  private final LongSupplier clock;
  private int objects;

  public KeptPages(long ttlMillis, int maxObjects) {
    this(ttlMillis, maxObjects, System::currentTimeMillis);
  }

  KeptPages(long ttlMillis, int maxObjects, LongSupplier clock) {
    this.ttlMillis = ttlMillis;
    this.maxObjects = maxObjects;
    this.clock = clock;
  }

  /** What one run reads through: it remembers which reading each page it was given came from. */
  public Reader reader() {
    return reader("");
  }

  /**
   * A {@link #reader()} that shares readings with the readers of the same {@code among} only: a batch's jobs share
   * their template's, and a job queued later (a rollout right after the template changed) reads it anew, though
   * another batch's reading has not expired, and so does a retry of its jobs ({@code JobRunner}). Until session 30
   * an engine's jobs all shared them: a rollout queued within {@code ttlMillis} of another job's reading copied the
   * roles, members and teams the template had before the change, and its setup objects, which org-service copies
   * itself, as they were after it.
   */
  public Reader reader(String among) {
    return new Reader(among);
  }

  /** A run's view of the pages kept. */
  public final class Reader {

    private final Map<Continuation, Reading> readingOf = new HashMap<>();
    private final String among;

    private Reader(String among) {
      this.among = among;
    }

    Future<OrgApi.Page> page(String organization, String path, String cursor, int limit,
        Supplier<Future<OrgApi.Page>> read) {
      var key = new Key(among, organization, path, limit);
      var reading = cursor == null ? current(key) : readingOf.get(new Continuation(key, cursor));
      if (reading == null || reading.dropped) {
        // a page after one this run did not get from a reading held (a run resumed at its checkpoint, say)
        return read.get();
      }
      return reading.page(cursor, read).onSuccess(page -> {
        if (page.nextCursor() != null) {
          readingOf.put(new Continuation(key, page.nextCursor()), reading);
        }
      });
    }
  }

  /** The reading a first page comes from: the one held, or a new one once that one has expired. */
  private Reading current(Key key) {
    var now = clock.getAsLong();
    var held = readings.get(key);
    if (held != null && held.expiresAt > now) {
      return held;
    }
    if (held != null) {
      drop(readings.remove(key));
    }
    var reading = new Reading(now + ttlMillis);
    readings.put(key, reading);
    return reading;
  }

  /** The objects of the pages held; for tests. */
  int objects() {
    return objects;
  }

  private void evictOverflow() {
    var eldest = readings.values().iterator();
    while (objects > maxObjects && eldest.hasNext()) {
      var reading = eldest.next();
      eldest.remove();
      drop(reading);
    }
  }

  private void drop(Reading reading) {
    reading.dropped = true;
    objects -= reading.objects;
  }
}
