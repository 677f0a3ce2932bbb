package dev.orgplane.launcher;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Tells, when the process is stopped (Ctrl-C, SIGTERM) while it starts or follows a batch, that the batch goes on (or
 * may) without it and how to find, follow or cancel it. A JVM shutdown hook, held only while the batch is started or
 * followed: a command that ends, however it ends, leaves none behind to print at exit.
 */
final class StillRunningNotice implements AutoCloseable {

  private final Thread hook;

  private StillRunningNotice(Thread hook) {
    this.hook = hook;
  }

  static StillRunningNotice register(String batchId) {
    return saying("batch " + batchId + " goes on without this process; follow it again with --follow " + batchId
        + ", or stop it with --cancel " + batchId);
  }

  /**
   * While the start of a batch of {@code templateId} is sent under {@code idempotencyKey}, or sent again after an
   * answer was lost: the platform may have started it, though no answer named it. Started again under another key, it
   * would run twice.
   */
  static StillRunningNotice registerStarting(String gatewayUrl, String templateId, String idempotencyKey) {
    return saying(startMayHaveRun(gatewayUrl, templateId, idempotencyKey));
  }

  /** What to do about a start that may have started a batch without an answer that named it. */
  static String startMayHaveRun(String gatewayUrl, String templateId, String idempotencyKey) {
    return "the batch may have started all the same: before starting it again, look for it with GET " + gatewayUrl
        + "/v1/provisioning/batches?template=" + URLEncoder.encode(templateId, StandardCharsets.UTF_8)
        + "&order=newest (then --follow or --cancel its id), or run the same command again with --idempotency-key "
        + idempotencyKey + " within a day: the platform starts that batch once at most, and the command follows it";
  }

  private static StillRunningNotice saying(String notice) {
    var hook = new Thread(() -> System.out.println("\n" + notice));
    Runtime.getRuntime().addShutdownHook(hook);
    return new StillRunningNotice(hook);
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the process is being stopped: the notice is being printed, as it should be
    }
  }
}
