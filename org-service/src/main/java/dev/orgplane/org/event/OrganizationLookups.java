package dev.orgplane.org.event;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;

/**
 * How many of the hook resolver's lookups each organization has in flight (handed to its threads, queued there or
 * running), at most {@code perOrganization}: one whose hosts' name servers hang holds that many threads, never all,
 * and the other organizations' lookups still find one. Shared by every resolver of the Vert.x instance, as the
 * threads are: each dispatcher counting alone, an organization took as many threads again with every instance.
 * Dropped when the last resolver lets go ({@link #leave}), as the threads are: Vert.x then drops the lookups still
 * queued for them unended, and their places would stay taken for every resolver made after in the same Vert.x.
 */
final class OrganizationLookups implements Shareable {

  private static final String SHARED_AS = "orgplane-hook-resolver";

  private final int perOrganization;
  private final Map<UUID, Integer> inFlight = new HashMap<>();
  private final Map<UUID, Queue<Waiting>> waiting = new HashMap<>();
  /** The resolvers that hold these counts; changed only in the shared map's compute, one at a time. */
  private int holders;

  private OrganizationLookups(int perOrganization) {
    this.perOrganization = perOrganization;
  }

  /** The Vert.x instance's, made by the first resolver to ask; each that asks {@link #leave}s once closed. */
  static OrganizationLookups of(Vertx vertx, int perOrganization) {
    return vertx.sharedData().<String, OrganizationLookups>getLocalMap(SHARED_AS).compute(SHARED_AS,
        (name, held) -> {
          var lookups = held != null ? held : new OrganizationLookups(perOrganization);
          lookups.holders++;
          return lookups;
        });
  }

  /** Lets go of these counts for one resolver: the last to let go drops them, so the next resolver starts afresh. */
  void leave(Vertx vertx) {
    vertx.sharedData().<String, OrganizationLookups>getLocalMap(SHARED_AS).computeIfPresent(SHARED_AS,
        (name, held) -> held != this || --holders > 0 ? held : null);
  }

  /**
   * A place for a lookup of the organization: at once if it has fewer than its share in flight, else once one of
   * its own ends (the organization's in the order they asked), on the asker's context. Whoever gets one
   * {@link #release}s it, however its lookup ends. One that waits past {@code deadline} is passed over.
   */
  Future<Void> take(Vertx vertx, UUID organization, AttemptDeadline deadline) {
    synchronized (this) {
      int taken = inFlight.getOrDefault(organization, 0);
      if (taken < perOrganization) {
        inFlight.put(organization, taken + 1);
        return Future.succeededFuture();
      }
      var next = new Waiting(vertx.getOrCreateContext(), Promise.promise(), deadline);
      waiting.computeIfAbsent(organization, id -> new ArrayDeque<>()).add(next);
      return next.promise().future();
    }
  }

  /** Gives the place to the organization's next lookup still within its deadline, or back. */
  void release(UUID organization) {
    Waiting next;
    synchronized (this) {
      var queue = waiting.get(organization);
      do {
        next = queue == null ? null : queue.poll();
      } while (next != null && next.deadline().hasPassed());
      if (queue != null && queue.isEmpty()) {
        waiting.remove(organization);
      }
      if (next == null) {
        inFlight.computeIfPresent(organization, (id, taken) -> taken == 1 ? null : taken - 1);
        return;
      }
    }
    var handed = next;
    handed.context().runOnContext(v -> handed.promise().complete());
  }

  private record Waiting(Context context, Promise<Void> promise, AttemptDeadline deadline) {
  }
}
