package dev.orgplane.kit.http;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import java.time.Duration;

/**
 * What an instance's event streams ({@link ProgressEvents}) may hold: each holds a connection and a timer that reads
 * the database every poll, and a stream of work that stays queued never ends by itself. So each caller (token
 * subject) has at most {@code perCaller} streams open on the instance, of jobs and batches together, counted across
 * its event loops; and a stream closes after {@code lifetime}, without {@code event: end}, so a client that still
 * watches reconnects and is checked again, as any request is.
 */
public final class StreamLimits {

  /**
   * Streams one caller may have open at once on an instance: someone watching a batch and a few of its jobs, in a few
   * tabs, stays well below it; a client that leaks streams, or opens one for every job of a large batch, does not.
   */
  public static final int PER_CALLER = 20;
  /** How long a stream stays open: long enough that reconnecting costs nothing, short enough that none is for ever. */
  public static final Duration LIFETIME = Duration.ofHours(1);
  /** What a caller over the cap is told to wait: streams of theirs end or close by then, or they ask again. */
  static final int RETRY_AFTER_SECONDS = 10;

  private final LocalMap<String, Integer> counts;
  private final int perCaller;
  private final Duration lifetime;

  public StreamLimits(Vertx vertx, int perCaller, Duration lifetime) {
    this.counts = vertx.sharedData().getLocalMap("orgplane.event-streams");
    this.perCaller = perCaller;
    this.lifetime = lifetime;
  }

  /** The limits an instance runs with: {@value #PER_CALLER} streams per caller, each open for {@link #LIFETIME}. */
  public static StreamLimits standard(Vertx vertx) {
    return new StreamLimits(vertx, PER_CALLER, LIFETIME);
  }

  Duration lifetime() {
    return lifetime;
  }

  /** Counts a stream of {@code caller}'s, or answers false when they have {@code perCaller} open already. */
  boolean open(String caller) {
    var counted = new boolean[1];
    counts.compute(caller, (key, streams) -> {
      if (streams != null && streams >= perCaller) {
        return streams;
      }
      counted[0] = true;
      return streams == null ? 1 : streams + 1;
    });
    return counted[0];
  }

  /** Uncounts a stream of {@code caller}'s that {@link #open} counted. */
  void close(String caller) {
    counts.computeIfPresent(caller, (key, streams) -> streams <= 1 ? null : streams - 1);
  }
}
