package dev.orgplane.gateway;

import dev.orgplane.kit.auth.JwksSchedule;
import dev.orgplane.kit.config.ConfigException;
import dev.orgplane.kit.config.Settings;

/**
 * The gateway's own settings, each read in its range (else the start stops naming it) without a Vert.x or a
 * database, so a launcher can check them before it makes either.
 *
 * @param upstreamConnections connections per upstream address
 * @param keySchedule how often the issuers' keys are fetched and how long they are kept
 * @param ratePerSecond the rate limits' refill, per client address and per principal
 * @param burst the rate limits' bucket size
 * @param passwordRatePerSecond the refill of the stricter per-address limit of the requests that hash a password
 * @param passwordBurst its bucket size
 * @param passwordSitePrefix the prefix length of the IPv6 networks (sites) whose password requests share a bucket, and
 *     their /48 another when they are narrower
 * @param quarantineMillis how long an upstream that failed is skipped
 * @param readyProbeMillis how often the upstreams of a route with more than one are asked whether they are ready,
 *     0 for never
 * @param bodyTimeoutMillis how long a request's body may take to arrive
 * @param idleTimeoutSeconds how long a connection may be idle
 * @param fastReads whether hot reads are served below the router ({@link dev.orgplane.gateway.routing.FastReads})
 * @param tlsCertFile the certificate for HTTPS, blank for plain HTTP
 * @param tlsKeyFile its key, blank with it
 */
record GatewaySettings(int upstreamConnections, JwksSchedule keySchedule, double ratePerSecond, int burst,
    double passwordRatePerSecond, int passwordBurst, int passwordSitePrefix, long quarantineMillis, long readyProbeMillis,
    long bodyTimeoutMillis, int idleTimeoutSeconds, boolean fastReads, String tlsCertFile, String tlsKeyFile) {

  /** A request per 1000 s: a slower rate would tell a client over its limit to wait longer. */
  private static final double SLOWEST_RATE_PER_SECOND = 0.001;
  /** How many addresses' password buckets an IPv6 site's holds. */
  private static final int SITE_SHARE = 8;
  /**
   * How many addresses' password buckets an IPv6 /48 holds when it is not the site: four sites' worth. Its 256 /56s,
   * each with a site's bucket, took 2,048 addresses' worth (a burst of 61,440 hashes by default), and tunnel brokers
   * hand out /48s free: enough to keep org-service's hashing queue full for every tenant.
   */
  private static final int SLASH48_SHARE = 32;
  /**
   * An IPv6 site's prefix: a /48 at the widest, the smallest block routed on the internet (a wider one puts a
   * provider's customers together); a /63 at the narrowest, a /64 being what the limit per address counts already.
   */
  static final int WIDEST_SITE_PREFIX = 48;
  private static final int NARROWEST_SITE_PREFIX = 63;
  /** A day: an upstream skipped longer is better taken out of the routes. */
  private static final long LONGEST_QUARANTINE_MILLIS = 86_400_000;
  /**
   * The readiness probes' period, when on: probed more often than every 100 ms, a service would mostly answer the
   * gateway; more seldom than every minute, an upstream not ready would take callers' requests for a minute.
   */
  private static final long FASTEST_READY_PROBE_MILLIS = 100;
  private static final long SLOWEST_READY_PROBE_MILLIS = 60_000;
  /** A day, as the longest route timeout. */
  private static final long LONGEST_BODY_TIMEOUT_MILLIS = 86_400_000;

  static GatewaySettings from(Settings settings) {
    // checked here, not first when the door listens: by then a launcher has made its database
    var cert = settings.readableFile("ORGPLANE_TLS_CERT_FILE");
    var key = settings.readableFile("ORGPLANE_TLS_KEY_FILE");
    if (cert.isBlank() != key.isBlank()) {
      throw new ConfigException("ORGPLANE_TLS_CERT_FILE and ORGPLANE_TLS_KEY_FILE go together: set both for HTTPS, "
          + "or neither");
    }
    if (!cert.isBlank()) {
      TlsKeyMatch.require(cert, key);
    }
    return new GatewaySettings(settings.integer("ORGPLANE_GATEWAY_UPSTREAM_CONNECTIONS", 1, Integer.MAX_VALUE),
        keySchedule(settings),
        // a rate of 0 told a client over its limit to retry in 2^63 s, and a burst of 0 refused every request
        settings.decimal("ORGPLANE_RATE_LIMIT_PER_SECOND", SLOWEST_RATE_PER_SECOND, Double.MAX_VALUE),
        settings.integer("ORGPLANE_RATE_LIMIT_BURST", 1, Integer.MAX_VALUE),
        settings.decimal("ORGPLANE_PASSWORD_RATE_LIMIT_PER_SECOND", SLOWEST_RATE_PER_SECOND, Double.MAX_VALUE),
        settings.integer("ORGPLANE_PASSWORD_RATE_LIMIT_BURST", 1, Integer.MAX_VALUE),
        settings.integer("ORGPLANE_PASSWORD_RATE_LIMIT_SITE_PREFIX", WIDEST_SITE_PREFIX, NARROWEST_SITE_PREFIX),
        settings.longValue("ORGPLANE_GATEWAY_QUARANTINE_MILLIS", 0, LONGEST_QUARANTINE_MILLIS),
        readyProbeMillis(settings),
        settings.longValue("ORGPLANE_GATEWAY_BODY_TIMEOUT_MILLIS", 1, LONGEST_BODY_TIMEOUT_MILLIS),
        settings.integer("ORGPLANE_GATEWAY_IDLE_TIMEOUT_SECONDS", 0, Integer.MAX_VALUE),
        settings.bool("ORGPLANE_GATEWAY_FAST_READS"), cert, key);
  }

  /** Keys are kept at least as long as fetches are apart: the maximum age is at least the minimum refresh. */
  private static JwksSchedule keySchedule(Settings settings) {
    var minRefresh = settings.periodMillis("ORGPLANE_GATEWAY_JWKS_MIN_REFRESH_MILLIS");
    return new JwksSchedule(minRefresh,
        settings.longValue("ORGPLANE_GATEWAY_JWKS_MAX_AGE_MILLIS", minRefresh, Long.MAX_VALUE));
  }

  /** 0 (off), or a period in its range. */
  private static long readyProbeMillis(Settings settings) {
    var key = "ORGPLANE_GATEWAY_READY_PROBE_MILLIS";
    var period = settings.longValue(key, 0, SLOWEST_READY_PROBE_MILLIS);
    if (period != 0 && period < FASTEST_READY_PROBE_MILLIS) {
      throw new ConfigException(key + " must be 0 (no probes) or " + FASTEST_READY_PROBE_MILLIS + " to "
          + SLOWEST_READY_PROBE_MILLIS + ", got " + period);
    }
    return period;
  }

  /**
   * The refill of the password limit of an IPv6 site, {@value #SITE_SHARE} times an address's: about as many /64s as
   * a household or a small office has in use, while a /48's 65,536 of them each with an address's bucket took ~2
   * million hashes in a burst.
   */
  double sitePasswordRatePerSecond() {
    return passwordRateTimes(SITE_SHARE);
  }

  /** That limit's bucket size, {@value #SITE_SHARE} times an address's. */
  double sitePasswordBurst() {
    return passwordBurstTimes(SITE_SHARE);
  }

  /** Whether an IPv6 site is narrower than a /48, which then has a password limit of its own besides. */
  boolean slash48HoldsSites() {
    return passwordSitePrefix > WIDEST_SITE_PREFIX;
  }

  /** The refill of the password limit of an IPv6 /48 holding sites, {@value #SLASH48_SHARE} times an address's. */
  double slash48PasswordRatePerSecond() {
    return passwordRateTimes(SLASH48_SHARE);
  }

  /** That limit's bucket size, {@value #SLASH48_SHARE} times an address's. */
  double slash48PasswordBurst() {
    return passwordBurstTimes(SLASH48_SHARE);
  }

  private double passwordRateTimes(int addresses) {
    return Math.min(Double.MAX_VALUE, passwordRatePerSecond * addresses);
  }

  private double passwordBurstTimes(int addresses) {
    return (double) passwordBurst * addresses;
  }

  boolean tls() {
    return !tlsCertFile.isBlank();
  }
}
