package dev.orgplane.launcher;

import dev.orgplane.kit.config.Settings;
import dev.orgplane.kit.http.Draining;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long a stop waits for the services of a process before it closes what they use (the embedded PostgreSQL): the
 * longest notice and grace of the services deployed ({@link Draining#longestSeconds}), and a margin for the rest of
 * their stops. Until session 33 it was a minute whatever they were configured with: a grace of a minute or more was
 * cut short, and in standalone PostgreSQL was stopped under the requests still draining.
 */
final class StopTimeout {

  /**
   * What a service's stop does besides its notice and grace: the engine hands its jobs back once their pages in
   * flight are written, each service closes its database pool. A minute, what the whole stop had until session 33.
   */
  private static final long MARGIN_SECONDS = 60;

  private final AtomicLong longestDrainSeconds = new AtomicLong();

  /** Makes the stop wait long enough for a service configured by {@code settings}. */
  void cover(Settings settings) {
    longestDrainSeconds.accumulateAndGet(Draining.longestSeconds(settings), Math::max);
  }

  long seconds() {
    return Math.min(longestDrainSeconds.get(), Long.MAX_VALUE - MARGIN_SECONDS) + MARGIN_SECONDS;
  }
}
