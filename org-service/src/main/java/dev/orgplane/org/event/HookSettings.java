package dev.orgplane.org.event;

import dev.orgplane.kit.config.Settings;
import dev.orgplane.kit.outbox.Backoff;

/**
 * The hooks' deliveries as configured, each value in its range (else the start stops naming it), read without a
 * database so a launcher checks them before it makes one.
 *
 * @param pollMillis how often the outboxes (hooks' and mail's) are polled
 * @param maxAttempts the attempts a delivery is given
 * @param retryBaseMillis the first retry's wait, doubled for each next one (an hour at most whatever the base)
 * @param disableAfterFailures the failures in a row that deactivate a hook; 0: it is never deactivated
 * @param allowPrivateUrls whether a hook may post to loopback and private addresses
 * @param caFile the certificate authorities HTTPS receivers are checked against, blank for the JVM's
 * @param perOrganization the hooks an organization may have
 */
public record HookSettings(long pollMillis, int maxAttempts, long retryBaseMillis, int disableAfterFailures,
    boolean allowPrivateUrls, String caFile, int perOrganization) {

  public static HookSettings from(Settings settings) {
    return new HookSettings(settings.periodMillis("ORGPLANE_HOOK_POLL_MILLIS"),
        settings.integer("ORGPLANE_HOOK_MAX_ATTEMPTS", 1, Integer.MAX_VALUE),
        settings.longValue("ORGPLANE_HOOK_RETRY_BASE_MILLIS", 1, Backoff.CAP_MILLIS),
        settings.integer("ORGPLANE_HOOK_DISABLE_AFTER_FAILURES", 0, Integer.MAX_VALUE),
        settings.bool("ORGPLANE_HOOKS_ALLOW_PRIVATE_URLS"),
        settings.readableFile("ORGPLANE_HOOKS_CA_FILE"),
        settings.integer("ORGPLANE_HOOKS_PER_ORGANIZATION", 1, 10_000));
  }
}
