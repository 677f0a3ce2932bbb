package dev.orgplane.kit.auth;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * When a JWKS is fetched again: its keys serve for the time its answer's {@code Cache-Control: max-age} allows (5
 * minutes without one), at least {@code minRefreshMillis} and at most {@code maxAgeMillis}; fetches that did not bring
 * keys, or that tokens naming a kid the keys lack start, are {@code minRefreshMillis} apart.
 */
public record JwksSchedule(long minRefreshMillis, long maxAgeMillis) {

  private static final long DEFAULT_TTL_MILLIS = TimeUnit.MINUTES.toMillis(5);
  private static final long DAY_MILLIS = TimeUnit.DAYS.toMillis(1);

  /**
   * The services' schedule: a token naming a kid we lack refetches at most every 5 s, keys kept a day at most (the
   * gateway's configuration defaults to the same).
   */
  public static final JwksSchedule STANDARD = atLeast(5_000);

  public JwksSchedule {
    if (minRefreshMillis < 1 || maxAgeMillis < minRefreshMillis) {
      throw new IllegalArgumentException("a JWKS schedule needs 1 <= minRefreshMillis <= maxAgeMillis, got "
          + minRefreshMillis + " and " + maxAgeMillis);
    }
  }

  /** Fetches at least {@code minRefreshMillis} apart, keys kept for a day at most. */
  public static JwksSchedule atLeast(long minRefreshMillis) {
    return new JwksSchedule(minRefreshMillis, DAY_MILLIS);
  }

  /** How long keys answered with {@code cacheControl} (null: none) serve. */
  long ttlMillis(String cacheControl) {
    var ttl = DEFAULT_TTL_MILLIS;
    if (cacheControl != null) {
      for (var directive : cacheControl.toLowerCase(Locale.ROOT).split(",")) {
        var trimmed = directive.trim();
        if (trimmed.startsWith("max-age=")) {
          try {
            ttl = TimeUnit.SECONDS.toMillis(Long.parseLong(trimmed.substring("max-age=".length()).trim()));
          } catch (NumberFormatException ignored) {
            // a max-age that is no number says nothing: the default stands
          }
        }
      }
    }
    return Math.max(minRefreshMillis, Math.min(maxAgeMillis, ttl));
  }
}
