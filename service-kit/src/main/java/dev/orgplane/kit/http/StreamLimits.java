package dev.orgplane.kit.http;

import dev.orgplane.kit.config.Settings;
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
   * The longest lifetime a service may set: a day. A stream closes at the first poll after its watcher's token
   * expired anyway, and a lifetime of centuries would overflow the stream's deadline and fail every stream.
   */
  static final long LONGEST_LIFETIME_SECONDS = 86_400;
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

  /**
   * The limits a service's instance runs with, read now from its settings: {@code perCallerSetting} streams per caller
   * (at least 1; someone watching a batch and a few of its jobs, in a few tabs, stays well below the default 20, a
   * client that leaks streams, or opens one for every job of a large batch, does not), each open for
   * {@code lifetimeSetting} seconds (1 to {@value #LONGEST_LIFETIME_SECONDS}; the default hour is long enough that
   * reconnecting costs nothing, short enough that none is for ever). A value out of range stops the start, naming its
   * setting, rather than refusing or closing every stream.
   */
  public static StreamLimits configured(Vertx vertx, Settings settings, String perCallerSetting,
      String lifetimeSetting) {
    return new StreamLimits(vertx, perCaller(settings, perCallerSetting), lifetime(settings, lifetimeSetting));
  }

  /** Reads them as {@link #configured} does, without a Vert.x: a launcher checks them before it makes a database. */
  public static void checkSettings(Settings settings, String perCallerSetting, String lifetimeSetting) {
    perCaller(settings, perCallerSetting);
    lifetime(settings, lifetimeSetting);
  }

  private static int perCaller(Settings settings, String perCallerSetting) {
    return settings.integer(perCallerSetting, 1, Integer.MAX_VALUE);
  }

  private static Duration lifetime(Settings settings, String lifetimeSetting) {
    return Duration.ofSeconds(settings.longValue(lifetimeSetting, 1, LONGEST_LIFETIME_SECONDS));
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
