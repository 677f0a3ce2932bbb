package dev.orgplane.launcher;

import dev.orgplane.kit.config.Settings;
import dev.orgplane.kit.http.Draining;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long a stop waits for the services of a process before it closes what they use (the embedded PostgreSQL): the
 * notices and graces of the services deployed ({@link Draining#longestSeconds}), added up as they stop one after
 * another ({@link PlatformProcess#stopServices}), and a margin for the rest of their stops. Until session 33 it was a
 * minute whatever they were configured with: a grace of a minute or more was cut short, and in standalone PostgreSQL
 * was stopped under the requests still draining.
 */
final class StopTimeout {

  /**
   * What a service's stop does besides its notice and grace: the engine hands its jobs back once their pages in
   * flight are written, each service closes its database pool. A minute, what the whole stop had until session 33.
   */
  private static final long MARGIN_SECONDS = 60;

  private final AtomicLong drainSeconds = new AtomicLong();

  /** Makes the stop wait long enough for a service configured by {@code settings} as well. */
  void cover(Settings settings) {
    drainSeconds.accumulateAndGet(Draining.longestSeconds(settings), StopTimeout::addWithoutOverflow);
  }

  long seconds() {
    return addWithoutOverflow(drainSeconds.get(), MARGIN_SECONDS);
  }

  /** {@code a + b}, or {@link Long#MAX_VALUE} (to wait without end) where that is more; both are 0 or more. */
  private static long addWithoutOverflow(long a, long b) {
    return Math.min(a, Long.MAX_VALUE - b) + b;
  }
}
