package dev.orgplane.org.identity;

import dev.orgplane.kit.auth.JwksSchedule;
import dev.orgplane.kit.config.Settings;

/**
 * When signing keys change hands. A key rotated in is published at once but signs only {@code leadMillis} later: by
 * then every instance has reloaded it ({@code reloadMillis}) and every verifier's copy of the JWKS has gone stale
 * (the {@value #JWKS_MAX_AGE_SECONDS} s {@code max-age} it is served with, or a longer minimum refresh) and been
 * fetched again (one more minimum refresh, for a fetch that failed or answered late). Until session 35 a new key
 * signed as soon as it was published, and its tokens were refused wherever the old JWKS was still kept (up to the 5 s
 * minimum refresh, more when a fetch reached an instance that had not reloaded yet). A key that is retired goes on
 * signing until its successor takes over, then stays published one token lifetime more.
 */
public record SigningSchedule(long tokenLifetimeSeconds, long reloadMillis, long leadMillis) {

  /** What the JWKS answer's {@code Cache-Control: max-age} says: how long a verifier may keep the keys unasked. */
  public static final long JWKS_MAX_AGE_SECONDS = 60;

  /**
   * As the settings have it, for tokens living {@code tokenLifetimeSeconds}. The minimum refresh is the gateway's ({@code ORGPLANE_GATEWAY_JWKS_MIN_REFRESH_MILLIS})
   * or the other services' ({@link JwksSchedule#STANDARD}), whichever is longer.
   */
  public static SigningSchedule from(Settings settings, long tokenLifetimeSeconds) {
    var reloadMillis = settings.periodMillis("ORGPLANE_SIGNING_KEY_RELOAD_MILLIS");
    var minRefreshMillis = Math.max(JwksSchedule.STANDARD.minRefreshMillis(),
        settings.periodMillis("ORGPLANE_GATEWAY_JWKS_MIN_REFRESH_MILLIS"));
    var keptMillis = Math.max(JWKS_MAX_AGE_SECONDS * 1000, minRefreshMillis);
    return new SigningSchedule(tokenLifetimeSeconds, reloadMillis,
        Math.addExact(Math.addExact(reloadMillis, keptMillis), minRefreshMillis));
  }

  /** How long a retired key stays published: it signs for the lead after its retirement, then its tokens live on. */
  double publishedAfterRetirementSeconds() {
    return tokenLifetimeSeconds + leadMillis / 1000.0;
  }
}
